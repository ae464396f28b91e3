"""Leaderboard rules: periods and their keys, scores from a streak, the ranking order, who sees whom."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from streak_core.domain.streaks import StreakState
from streak_core.domain.weekly import iso_week_bounds, iso_week_key

PERIODS = ("all", "week", "month")
SCOPES = ("global", "friends")
VISIBILITIES = ("public", "friends", "hidden")


def period_key(period: str, day: date) -> str:
    """The board a local date counts on: `all`, `week-2026-W47` (ISO week) or `month-2026-11`."""
    if period == "all":
        return "all"
    if period == "week":
        return f"week-{iso_week_key(day)}"
    if period == "month":
        return f"month-{day:%Y-%m}"
    raise ValueError(f"unknown period {period!r}")


def period_bounds(period: str, day: date) -> tuple[date, date]:
    if period == "week":
        return iso_week_bounds(day)
    if period == "month":
        first = day.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return first, following - timedelta(days=1)
    return date.min, date.max


def scores_touched(state: StreakState, newly_qualified: list[date]) -> dict[str, int]:
    """The new score on every board whose period holds a newly qualified day (exact, from the runs)."""
    scores: dict[str, int] = {}
    for day in newly_qualified:
        for period in PERIODS:
            key = period_key(period, day)
            if key not in scores:
                first, last = period_bounds(period, day)
                scores[key] = (
                    state.qualified_days if period == "all" else state.qualified_between(first, last)
                )
    return scores


def last_qualified_day(state: StreakState) -> date | None:
    """The latest qualified day: its periods are the only ones that can still be current for this user."""
    if not state.ends:
        return None
    day = date.fromordinal(state.ends[-1])
    start = date.fromordinal(state.starts[-1])
    while day >= start and not state.is_qualified(day):
        day -= timedelta(days=1)
    return day if day >= start else None


@dataclass(frozen=True, slots=True)
class BoardEntry:
    """One user on one board. Order: score desc, longest streak desc, who reached the score first, uid."""

    uid: str
    score: int
    longest_streak: int
    reached_at: datetime
    visibility: str = "friends"
    display_name: str | None = None

    @property
    def order(self) -> tuple[int, int, datetime, str]:
        return (-self.score, -self.longest_streak, self.reached_at, self.uid)


def visible_to_friends(entry: BoardEntry) -> bool:
    return entry.visibility in ("public", "friends")
