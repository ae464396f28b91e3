"""Outages: the local days of a user that an outage on our side excuses (DESIGN.md "Forgiveness")."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from streak_core.domain.config import StreakConfig
from streak_core.domain.day_start import MIDNIGHT, DayStarts, day_of
from streak_core.domain.sessions import instant_ms
from streak_core.domain.streaks import StreakState
from streak_core.domain.timeline import zone_named

MAX_OUTAGE = timedelta(hours=72)
MAX_REASON = 500  # characters of an outage's reason


def local_days(start: datetime, end: datetime, timezone: str, starts: DayStarts = MIDNIGHT) -> list[date]:
    """The user's local days (zone and day start) that the window [start, end) overlaps."""
    zone = zone_named(timezone)
    first, last = day_of(instant_ms(start), zone, starts), day_of(instant_ms(end) - 1, zone, starts)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def excusable(state: StreakState, day: date) -> bool:
    """A day the outage cost the user: it broke a run, spent a freeze or used up a recovery."""
    if state.is_qualified(day) or state.is_paused(day) or state.is_excused(day):
        return False
    if state.is_frozen(day) or state.is_recovered(day):
        return True
    run = state.run_ending_before(day)
    return not state.is_covered(day) and run is not None and run[2] > 0


def excuse_outage(
    state: StreakState,
    start: datetime,
    end: datetime,
    timezone: str,
    config: StreakConfig,
    starts: DayStarts = MIDNIGHT,
) -> list[date]:
    """Excuse the days of the window the outage cost the user, in order (excusing one may make the next a
    break), giving back the freezes spent on them. Applying it again changes nothing."""
    excused = []
    for day in local_days(start, end, timezone, starts):
        if excusable(state, day):
            state.excuse(day, config)
            excused.append(day)
    state.drain_effects()
    return excused
