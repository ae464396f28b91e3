"""What clients see: the Streak and Day shapes of API.md, computed from stored records and `now`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta

from streak_core.domain.config import StreakConfig
from streak_core.domain.days import view_day
from streak_core.domain.sessions import instant_ms
from streak_core.domain.timeline import local_date, next_day_boundary, zone_named
from streak_core.domain.xp import level_for, total_xp
from streak_core.models import DayRecord, StreakRecord, UserSettings, user_timezone


def local_today(now: datetime, timezone: str) -> date:
    return now.astimezone(zone_named(timezone)).date()


def today_candidates(now: datetime) -> list[date]:
    """Every date that is "today" somewhere on Earth at `now` (UTC-12 to UTC+14)."""
    utc_day = now.astimezone(zone_named("UTC")).date()
    return [utc_day - timedelta(days=1), utc_day, utc_day + timedelta(days=1)]


def day_json(
    day: date, record: DayRecord | None, streak: StreakRecord, config: StreakConfig
) -> dict[str, object]:
    return view_day(day, record.state if record else None, streak.state, config).as_json()


def streak_json(
    settings: UserSettings,
    streak: StreakRecord,
    days: Mapping[date, DayRecord],
    now: datetime,
    config: StreakConfig,
) -> dict[str, object]:
    timezone = user_timezone(settings, streak)
    today = local_today(now, timezone)
    record = days.get(today)
    seconds = record.state.seconds if record else 0
    state = streak.state
    xp = total_xp(state.qualified_days, len(streak.weekly_bonus_weeks), config)
    return {
        "current_streak": state.current_streak(today),
        "longest_streak": state.longest_streak,
        "qualified_days": state.qualified_days,
        "freezes_available": state.freezes_available,
        "timezone": timezone,
        "today": {
            "date": today.isoformat(),
            "seconds": seconds,
            "qualified": seconds >= config.threshold_seconds,
            "seconds_to_qualify": max(0, config.threshold_seconds - seconds),
        },
        "at_risk": state.at_risk(today),
        "xp": xp,
        "level": level_for(xp, config),
    }


def local_instant(instant_ms: int, timezone: str) -> str:
    moment = datetime.fromtimestamp(instant_ms / 1000, zone_named(timezone))
    return moment.isoformat(timespec="milliseconds" if instant_ms % 1000 else "seconds")


def next_local_midnight(now: datetime, timezone: str) -> datetime:
    """When the user's current local day ends (DST-correct): maintenance is due from then."""
    zone = zone_named(timezone)
    boundary = next_day_boundary(local_date(instant_ms(now), zone), zone)
    return datetime.fromtimestamp(boundary / 1000, zone_named("UTC"))
