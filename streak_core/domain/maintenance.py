"""Closing a user's finished local days: freezes, breaks, earned freezes and the weekly bonus."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from streak_core.domain.config import StreakConfig
from streak_core.domain.day_start import MIDNIGHT, DayStarts
from streak_core.domain.days import recovery_deadline, recovery_seconds
from streak_core.domain.notifications import NotificationData
from streak_core.domain.streaks import StreakState
from streak_core.domain.vocabulary import NotificationKind as Kind
from streak_core.domain.weekly import iso_week_key, weekly_consistency


@dataclass(frozen=True, slots=True)
class MaintenanceEvent:
    """Something maintenance did that the user hears about; (kind, key) is unique per user."""

    kind: Kind
    day: date
    key: str  # the day or ISO week it concerns, for deterministic outbox ids
    data: NotificationData = field(default_factory=dict)


@dataclass(slots=True)
class Closing:
    events: list[MaintenanceEvent]
    closed: list[date]
    last_closed: date | None


def first_day_to_close(streak: StreakState, last_closed: date | None) -> date | None:
    """The day after the last closed one; for a user never maintained, their first covered day."""
    if last_closed is not None:
        return last_closed + timedelta(days=1)
    return date.fromordinal(streak.starts[0]) if streak.starts else None


def close_days(
    streak: StreakState,
    bonus_weeks: list[str],
    last_closed: date | None,
    yesterday: date,
    timezone: str,
    config: StreakConfig,
    starts: DayStarts = MIDNIGHT,
) -> Closing:
    """Close every day from the one after `last_closed` through `yesterday` (local dates of `timezone`), in
    order, in place.

    Closing a day twice is impossible by construction (`last_closed` only moves forward), so a retried
    or duplicated maintenance changes nothing. Several days are caught up when ticks were missed.
    """
    start = first_day_to_close(streak, last_closed)
    if start is None or start > yesterday:
        return Closing([], [], last_closed)
    events: list[MaintenanceEvent] = []
    closed: list[date] = []
    day = start
    while day <= yesterday:
        closed.append(day)
        events.extend(_close_one(streak, bonus_weeks, day, day == yesterday, timezone, config, starts))
        day += timedelta(days=1)
    return Closing(events, closed, yesterday)


def _close_one(
    streak: StreakState,
    bonus_weeks: list[str],
    day: date,
    last: bool,
    timezone: str,
    config: StreakConfig,
    starts: DayStarts,
) -> list[MaintenanceEvent]:
    events: list[MaintenanceEvent] = []
    key = day.isoformat()
    if not streak.is_covered(day):
        live = streak.run_ending_before(day)
        if live is not None and live[2] > 0:
            if streak.apply_freeze(day, config) is not None:
                events.append(
                    MaintenanceEvent(
                        Kind.FREEZE_APPLIED,
                        day,
                        key,
                        {"streak": live[2], "freezes_left": streak.freezes_available},
                    )
                )
            else:
                data: dict[str, int | str] = {"length_lost": live[2]}
                # Only the last day closed can still be recovered: the day after it is today.
                if last and streak.recoverable(day, config):
                    data["recoverable_until"] = recovery_deadline(day, timezone, starts).isoformat()
                    data["minutes"] = recovery_seconds(config) // 60
                events.append(MaintenanceEvent(Kind.STREAK_BROKEN, day, key, data))
    elif streak.is_qualified(day):
        run = streak.run_containing(day)
        assert run is not None  # a qualified day is covered
        length_so_far = streak.qualified_between(run[0], day)
        if length_so_far % config.freeze_every_days == 0 and streak.grant_freezes(1, config):
            events.append(
                MaintenanceEvent(
                    Kind.FREEZE_EARNED,
                    day,
                    key,
                    {"streak": length_so_far, "freezes": streak.freezes_available},
                )
            )
    if day.isoweekday() == 7:
        week = weekly_consistency(streak, day, config)
        if week.bonus_earned and week.week not in bonus_weeks:
            bonus_weeks.append(week.week)
            events.append(
                MaintenanceEvent(
                    Kind.WEEKLY_BONUS,
                    day,
                    iso_week_key(day),
                    {
                        "week": week.week,
                        "qualified_days": week.qualified_days,
                        "xp": config.xp_per_weekly_bonus,
                    },
                )
            )
    return events
