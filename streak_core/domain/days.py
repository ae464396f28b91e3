"""One local day of a user: the merged focus intervals inside it and what they add up to."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from streak_core.domain.config import StreakConfig
from streak_core.domain.day_start import MIDNIGHT, DayStarts, bounds
from streak_core.domain.streaks import StreakState
from streak_core.domain.timeline import Interval, merge_interval, zone_named


def qualifies(seconds: int, config: StreakConfig) -> bool:
    """The one rule of a qualified day: at least the threshold of focus, in whole seconds."""
    return seconds >= config.threshold_seconds


def seconds_to_qualify(seconds: int, config: StreakConfig) -> int:
    """Focus still missing before a day with `seconds` qualifies (0 once it does)."""
    return max(0, config.threshold_seconds - seconds)


def recovery_seconds(config: StreakConfig) -> int:
    """Focus a day needs to recover the break the day before it (the recovery factor times the threshold)."""
    return config.recovery_factor * config.threshold_seconds


def recovery_deadline(broken: date, timezone: str, starts: DayStarts = MIDNIGHT) -> datetime:
    """The end of the day after a break, in the user's local days: until then a strong day recovers it."""
    _, end = bounds(broken + timedelta(days=1), zone_named(timezone), starts)
    return datetime.fromtimestamp(end / 1000, UTC)


def is_strong(seconds: int, config: StreakConfig) -> bool:
    """Enough focus to recover the day before."""
    return seconds >= recovery_seconds(config)


@dataclass(slots=True)
class DayState:
    """The union of session time on one local date, kept as sorted disjoint intervals."""

    day: date
    intervals: list[Interval] = field(default_factory=list)
    focus_ms: int = 0

    @property
    def seconds(self) -> int:
        return self.focus_ms // 1000

    def qualifies(self, config: StreakConfig) -> bool:
        return qualifies(self.seconds, config)

    def add(self, interval: Interval) -> int:
        """Merge an interval into the day; return the ms it added to the union."""
        grew = merge_interval(self.intervals, interval)
        self.focus_ms += grew
        return grew


@dataclass(frozen=True, slots=True)
class DayStatus:
    """What a local day counts as: its focus, and whether it qualified or was bridged (and how)."""

    date: date
    seconds: int
    qualified: bool
    frozen: bool
    recovered: bool
    paused: bool
    excused: bool


def day_status(day: date, state: DayState | None, streak: StreakState, config: StreakConfig) -> DayStatus:
    return status_of(day, state.seconds if state else 0, streak, config)


def status_of(day: date, seconds: int, streak: StreakState, config: StreakConfig) -> DayStatus:
    return DayStatus(
        date=day,
        seconds=seconds,
        qualified=qualifies(seconds, config),
        frozen=streak.is_frozen(day),
        recovered=streak.is_recovered(day),
        paused=streak.is_paused(day),
        excused=streak.is_excused(day),
    )
