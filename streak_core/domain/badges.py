"""Badges as data: the catalogue, the facts they are judged on, and which ones a user has earned.

A badge is never judged on a scan of the user's history: the facts it needs are kept as a small tally on the
streak (counts of early and late qualified days, the best day), moved by each day's change and recomputed
whole by a rebuild, so that every badge in the catalogue, including one added later, can be judged at any
write from the streak alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, tzinfo
from enum import StrEnum

CATALOGUE_VERSION = 1
ACTIVE_USERS = "active_users"  # the rarity counter of users with any activity, beside one per badge id
EARLY_BEFORE = time(7)  # focus that starts before 07:00 local makes an early day
LATE_AFTER = time(22)  # focus that runs past 22:00 local makes a late day


class BadgeRule(StrEnum):
    """What a badge counts; its target says how many."""

    LONGEST_STREAK = "longest_streak"
    QUALIFIED_DAYS = "qualified_days"
    WEEKLY_BONUS_RUN = "weekly_bonus_run"  # weekly bonuses in consecutive ISO weeks
    EARLY_DAYS = "early_days"  # qualified days with focus before 07:00 local
    LATE_DAYS = "late_days"  # qualified days with focus after 22:00 local
    BEST_DAY_MINUTES = "best_day_minutes"  # focus in one local day
    RECOVERIES = "recoveries"
    CHALLENGES_COMPLETED = "challenges_completed"


@dataclass(frozen=True, slots=True)
class Badge:
    id: str
    name: str
    description: str
    rule: BadgeRule
    target: int


def _streak(days: int) -> Badge:
    return Badge(
        f"streak-{days}",
        f"{days}-day streak",
        f"Keep a streak of {days} days.",
        BadgeRule.LONGEST_STREAK,
        days,
    )


def _days(days: int) -> Badge:
    return Badge(
        f"days-{days}", f"{days} focus days", f"Qualify on {days} days.", BadgeRule.QUALIFIED_DAYS, days
    )


CATALOGUE: tuple[Badge, ...] = (
    *(_streak(n) for n in (7, 30, 100, 365)),
    *(_days(n) for n in (10, 50, 100, 500, 1000)),
    Badge(
        "weekly-4",
        "Four good weeks",
        "Earn the weekly bonus 4 weeks in a row.",
        BadgeRule.WEEKLY_BONUS_RUN,
        4,
    ),
    Badge(
        "early-bird",
        "Early bird",
        "Qualify on 5 days with focus before 07:00.",
        BadgeRule.EARLY_DAYS,
        5,
    ),
    Badge(
        "night-owl",
        "Night owl",
        "Qualify on 5 days with focus after 22:00.",
        BadgeRule.LATE_DAYS,
        5,
    ),
    Badge("marathon", "Marathon", "Focus 4 hours in one day.", BadgeRule.BEST_DAY_MINUTES, 240),
    Badge("comeback", "Comeback", "Recover a broken streak.", BadgeRule.RECOVERIES, 1),
    Badge("challenger", "Challenger", "Complete a challenge.", BadgeRule.CHALLENGES_COMPLETED, 1),
)
BADGES: Mapping[str, Badge] = {badge.id: badge for badge in CATALOGUE}


def piece_marks(start_ms: int, end_ms: int, zone: tzinfo) -> tuple[bool, bool]:
    """(early, late) of one session's piece of a local day: it starts before 07:00 or runs past 22:00,
    by the local clock of the session's zone (a piece ending at the next midnight runs past 22:00)."""
    start = datetime.fromtimestamp(start_ms / 1000, zone)
    end = datetime.fromtimestamp(end_ms / 1000, zone)
    return start.time() < EARLY_BEFORE, end.date() > start.date() or end.time() > LATE_AFTER


@dataclass(frozen=True, slots=True)
class DayMarks:
    """What one local day brings to the tally."""

    qualified: bool
    early: bool
    late: bool
    seconds: int


@dataclass(frozen=True, slots=True)
class BadgeTally:
    """The facts badges are judged on that the streak state does not hold."""

    early_days: int = 0
    late_days: int = 0
    best_day_seconds: int = 0

    def moved(self, before: DayMarks | None, after: DayMarks) -> BadgeTally:
        """The tally once a day went from `before` (None: it did not exist) to `after`."""
        was = before or DayMarks(False, False, False, 0)
        return replace(
            self,
            early_days=self.early_days + _counts(after, after.early) - _counts(was, was.early),
            late_days=self.late_days + _counts(after, after.late) - _counts(was, was.late),
            best_day_seconds=max(self.best_day_seconds, after.seconds),
        )


def _counts(marks: DayMarks, flag: bool) -> int:
    return int(marks.qualified and flag)


def tally_of(days: Iterable[DayMarks]) -> BadgeTally:
    """The tally of a whole history (what a rebuild writes)."""
    tally = BadgeTally()
    for marks in days:
        tally = tally.moved(None, marks)
    return tally


@dataclass(frozen=True, slots=True)
class BadgeFacts:
    longest_streak: int
    qualified_days: int
    weekly_bonus_weeks: tuple[str, ...]
    recoveries: int
    tally: BadgeTally
    challenges_completed: int = 0


def weekly_run(weeks: Iterable[str]) -> int:
    """The most weekly bonuses in consecutive ISO weeks ("2026-W47" keys, any order)."""
    mondays = sorted({date.fromisocalendar(int(w[:4]), int(w[6:]), 1).toordinal() for w in weeks})
    best = run = 0
    for i, monday in enumerate(mondays):
        run = run + 1 if i and monday - mondays[i - 1] == 7 else 1
        best = max(best, run)
    return best


def measure(badge: Badge, facts: BadgeFacts) -> int:
    """How far the user has come towards the badge, in the unit of its rule."""
    tally = facts.tally
    match badge.rule:
        case BadgeRule.LONGEST_STREAK:
            return facts.longest_streak
        case BadgeRule.QUALIFIED_DAYS:
            return facts.qualified_days
        case BadgeRule.WEEKLY_BONUS_RUN:
            return weekly_run(facts.weekly_bonus_weeks)
        case BadgeRule.EARLY_DAYS:
            return tally.early_days
        case BadgeRule.LATE_DAYS:
            return tally.late_days
        case BadgeRule.BEST_DAY_MINUTES:
            return tally.best_day_seconds // 60
        case BadgeRule.RECOVERIES:
            return facts.recoveries
        case BadgeRule.CHALLENGES_COMPLETED:
            return facts.challenges_completed


def newly_earned(
    facts: BadgeFacts, held: Iterable[str], catalogue: Iterable[Badge] = CATALOGUE
) -> list[Badge]:
    """Badges of the catalogue the facts earn that the user does not hold yet (badges are never taken back,
    so one earned stays held whatever the facts become)."""
    have = set(held)
    return [badge for badge in catalogue if badge.id not in have and measure(badge, facts) >= badge.target]
