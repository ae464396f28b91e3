"""Weekly consistency: qualified days in a local ISO week and whether the weekly bonus is earned."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from streak_core.domain.config import StreakConfig
from streak_core.domain.streaks import StreakState


@dataclass(frozen=True, slots=True)
class WeeklyConsistency:
    week: str  # ISO week key, e.g. "2026-W47"
    qualified_days: int
    bonus_earned: bool


def iso_week_key(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def iso_week_bounds(day: date) -> tuple[date, date]:
    """Monday and Sunday of the ISO week holding `day`."""
    monday = day - timedelta(days=day.isoweekday() - 1)
    return monday, monday + timedelta(days=6)


def weekly_consistency(streak: StreakState, day: date, config: StreakConfig) -> WeeklyConsistency:
    monday, sunday = iso_week_bounds(day)
    count = streak.qualified_between(monday, sunday)
    return WeeklyConsistency(iso_week_key(day), count, count >= config.weekly_bonus_min_days)
