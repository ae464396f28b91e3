"""One local day of a user: the merged focus intervals inside it and what they add up to."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from streak_core.domain.config import StreakConfig
from streak_core.domain.streaks import StreakState
from streak_core.domain.timeline import Interval, merge_interval


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
        return self.seconds >= config.threshold_seconds

    def add(self, interval: Interval) -> int:
        """Merge an interval into the day; return the ms it added to the union."""
        grew = merge_interval(self.intervals, interval)
        self.focus_ms += grew
        return grew


@dataclass(frozen=True, slots=True)
class DayView:
    """What a client sees of a day (API.md `Day`)."""

    date: date
    seconds: int
    qualified: bool
    frozen: bool
    recovered: bool

    def as_json(self) -> dict[str, object]:
        return {
            "date": self.date.isoformat(),
            "seconds": self.seconds,
            "qualified": self.qualified,
            "frozen": self.frozen,
            "recovered": self.recovered,
        }


def view_day(day: date, state: DayState | None, streak: StreakState, config: StreakConfig) -> DayView:
    seconds = state.seconds if state else 0
    return DayView(
        date=day,
        seconds=seconds,
        qualified=seconds >= config.threshold_seconds,
        frozen=streak.is_frozen(day),
        recovered=streak.is_recovered(day),
    )
