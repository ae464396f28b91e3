"""What clients see of a user's state: the Streak and Day views of API.md, from stored records and `now`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from streak_core.domain import day_start
from streak_core.domain.config import StreakConfig
from streak_core.domain.day_start import MIDNIGHT, DayStarts
from streak_core.domain.days import (
    DayStatus,
    day_status,
    qualifies,
    recovery_deadline,
    recovery_seconds,
    seconds_to_qualify,
)
from streak_core.domain.timeline import zone_named
from streak_core.domain.xp import level_for, total_xp, xp_to_next_level
from streak_core.models.streaks import DayRecord, StoredSession, StreakRecord, user_timezone
from streak_core.models.users import UserSettings


@dataclass(frozen=True, slots=True)
class TodayView:
    date: date
    seconds: int
    qualified: bool
    seconds_to_qualify: int
    ends_at: str  # when today ends: the next day's start, RFC 3339 in the user's zone


@dataclass(frozen=True, slots=True)
class RecoveryView:
    """A break that today's focus can still recover: until `deadline`, `seconds_needed` in all."""

    day: date
    deadline: datetime
    seconds: int
    seconds_needed: int


@dataclass(frozen=True, slots=True)
class StreakView:
    current_streak: int
    longest_streak: int
    qualified_days: int
    freezes_available: int
    timezone: str
    today: TodayView
    at_risk: bool
    xp: int
    level: int
    xp_to_next_level: int | None  # None at the top of the level table
    recovery: RecoveryView | None
    recoveries_used: int
    next_recovery_on: date | None
    paused_today: bool


@dataclass(frozen=True, slots=True)
class SessionView:
    """A session as stored: the client's fields as sent, when it arrived, the local days it touched."""

    id: str
    start: datetime
    end: datetime
    timezone: str
    received_at: datetime
    days: tuple[date, ...]

    @classmethod
    def of(cls, stored: StoredSession) -> SessionView:
        s = stored.session
        return cls(s.id, s.start, s.end, s.timezone, stored.received_at, stored.days)


def local_today(now: datetime, timezone: str, starts: DayStarts = MIDNIGHT) -> date:
    """The user's local date now, their day start and zone given (the one rule, domain/day_start.py)."""
    return day_start.today(now, zone_named(timezone), starts)


def user_today(settings: UserSettings, streak: StreakRecord, now: datetime) -> date:
    """The user's local date now, in the zone and with the day start of their settings."""
    return local_today(now, user_timezone(settings, streak), settings.day_starts)


def today_candidates(now: datetime, late: bool = False) -> list[date]:
    """Every date that is "today" somewhere on Earth at `now` (UTC-12 to UTC+14); `late`: for day starts
    up to noon too (a day that started at noon yesterday in UTC-12)."""
    utc_day = now.astimezone(UTC).date()
    return [utc_day - timedelta(days=k) for k in ((2, 1, 0, -1) if late else (1, 0, -1))]


def day_view(day: date, record: DayRecord | None, streak: StreakRecord, config: StreakConfig) -> DayStatus:
    return day_status(day, record.state if record else None, streak.state, config)


def streak_view(
    settings: UserSettings,
    streak: StreakRecord,
    days: Mapping[date, DayRecord],
    now: datetime,
    config: StreakConfig,
) -> StreakView:
    timezone = user_timezone(settings, streak)
    today = local_today(now, timezone, settings.day_starts)
    record = days.get(today)
    seconds = record.state.seconds if record else 0
    state = streak.state
    rewards = sum(streak.challenge_rewards.values())
    xp = total_xp(state.qualified_days, len(streak.weekly_bonus_weeks), config, rewards)
    offer = state.recovery_offer(today, config)
    recovery = None
    if offer is not None:
        deadline = recovery_deadline(offer, timezone, settings.day_starts)
        recovery = RecoveryView(offer, deadline, seconds, recovery_seconds(config))
    return StreakView(
        current_streak=state.current_streak(today),
        longest_streak=state.longest_streak,
        qualified_days=state.qualified_days,
        freezes_available=state.freezes_available,
        timezone=timezone,
        today=TodayView(
            today,
            seconds,
            qualifies(seconds, config),
            seconds_to_qualify(seconds, config),
            local_instant(day_start.bounds(today, zone_named(timezone), settings.day_starts)[1], timezone),
        ),
        at_risk=state.at_risk(today),
        xp=xp,
        level=level_for(xp, config),
        xp_to_next_level=xp_to_next_level(xp, config),
        recovery=recovery,
        recoveries_used=len(state.recovered),
        next_recovery_on=state.next_recovery_on(today, config),
        paused_today=state.is_paused(today),
    )


def local_instant(instant_ms: int, timezone: str) -> str:
    """The instant on the user's wall clock, RFC 3339, with milliseconds only where it has them."""
    moment = datetime.fromtimestamp(instant_ms / 1000, zone_named(timezone))
    return moment.isoformat(timespec="milliseconds" if instant_ms % 1000 else "seconds")


def end_of_today(now: datetime, timezone: str, starts: DayStarts = MIDNIGHT) -> datetime:
    """When the user's current local day ends (at the next day's start, DST-correct): maintenance is due
    from then."""
    zone = zone_named(timezone)
    _, boundary = day_start.bounds(day_start.today(now, zone, starts), zone, starts)
    return datetime.fromtimestamp(boundary / 1000, UTC)
