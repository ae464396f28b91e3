"""League rules: weeks and when they settle, scores, the cohort order, outcomes and the filling of cohorts."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from streak_core.domain.boards import BoardPosition
from streak_core.domain.vocabulary import LeagueOutcome, Tier
from streak_core.domain.weekly import iso_week_bounds, iso_week_key

COHORT_SIZE = 30
PROMOTED = 7  # the top this many of a cohort move up a tier
DEMOTED = 5  # the bottom this many move down
# Open-cohort pointers per (week, tier) and series (joins, placements): a burst spreads over this many
# documents instead of queueing on one, and each fills its own cohorts in order.
OPENING_SHARDS = 8
# The last zone on Earth (UTC-12) ends its Sunday this long after UTC does.
LAST_ZONE_BEHIND = timedelta(hours=12)
TIERS: tuple[Tier, ...] = tuple(Tier)


def week_of(day: date) -> str:
    """The league week a local date counts in: its ISO week, e.g. `2026-W49`."""
    return iso_week_key(day)


def week_first(week: str) -> date:
    """The Monday of `week` (ValueError for no ISO week)."""
    year, number = week.split("-W")
    if len(number) != 2 or not number.isdigit() or not year.isdigit():
        raise ValueError(f"not an ISO week: {week!r}")
    return date.fromisocalendar(int(year), int(number), 1)


def is_week(text: str) -> bool:
    try:
        return week_of(week_first(text)) == text
    except ValueError:
        return False


def week_days(week: str) -> tuple[date, date]:
    return iso_week_bounds(week_first(week))


def shift_week(week: str, weeks: int) -> str:
    return week_of(week_first(week) + timedelta(weeks=weeks))


def settles_at(week: str, grace: timedelta) -> datetime:
    """When `week` is final: the grace after the last zone's Sunday ended. Scores move only before it."""
    after_sunday = week_days(week)[1] + timedelta(days=1)
    return datetime.combine(after_sunday, time(0), UTC) + LAST_ZONE_BEHIND + grace


def ends_at(week: str, zone: ZoneInfo) -> datetime:
    """The end of `week`'s Sunday in `zone`: the last instant a member there adds to their score."""
    after_sunday = week_days(week)[1] + timedelta(days=1)
    return datetime.combine(after_sunday, time(0), zone)


def due_week(now: datetime, grace: timedelta) -> str:
    """The latest week that is final at `now` (the one a tick settles)."""
    week = week_of(now.astimezone(UTC).date())
    while settles_at(week, grace) > now:
        week = shift_week(week, -1)
    return week


def open_weeks(now: datetime, grace: timedelta) -> list[str]:
    """The weeks whose scores may still move at `now`: a local day of theirs has begun somewhere (UTC+14
    is a day ahead) and they are not final (the one before ends its last Sunday and grace on Tuesday)."""
    today = now.astimezone(UTC).date()
    candidates = {week_of(today + timedelta(days=n)) for n in (-2, 0, 1)}
    return sorted(w for w in candidates if now < settles_at(w, grace))


def score_of(seconds: int) -> int:
    """A week's score: whole focus minutes."""
    return max(seconds, 0) // 60


@dataclass(frozen=True, slots=True)
class Standing:
    """A member's place in their cohort: the board's order on the week's minutes."""

    uid: str
    seconds: int
    longest_streak: int
    reached_at: datetime

    @property
    def score(self) -> int:
        return score_of(self.seconds)

    @property
    def order(self) -> tuple[int, int, datetime, str]:
        return BoardPosition(self.score, self.longest_streak, self.reached_at, self.uid).order


def ranked(standings: Iterable[Standing]) -> list[Standing]:
    return sorted(standings, key=lambda s: s.order)


def promotion_rank(members: int, tier: Tier) -> int:
    """The lowest rank that moves up (0: nobody can, from the top tier)."""
    return 0 if tier is TIERS[-1] else min(PROMOTED, members)


def demotion_rank(members: int, tier: Tier) -> int:
    """The highest rank that moves down (0: nobody does: the bottom tier, or a cohort too small for it)."""
    if tier is TIERS[0]:
        return 0
    first = max(members - DEMOTED + 1, promotion_rank(members, tier) + 1)
    return first if first <= members else 0


@dataclass(frozen=True, slots=True)
class Outcome:
    uid: str
    rank: int
    score: int
    outcome: LeagueOutcome
    next_tier: Tier


def settle(tier: Tier, standings: Iterable[Standing]) -> list[Outcome]:
    """Each member's rank, outcome and next tier: a pure function of the cohort's final standings. The top
    PROMOTED move up (with at least a minute of focus: nobody rises by doing nothing), the bottom DEMOTED move
    down (never both: the top wins in a small cohort); none below the first tier or above the last."""
    order = ranked(standings)
    up, down = promotion_rank(len(order), tier), demotion_rank(len(order), tier)
    index = TIERS.index(tier)
    outcomes = []
    for rank, standing in enumerate(order, start=1):
        if rank <= up and standing.score > 0:
            outcome, following = LeagueOutcome.PROMOTED, TIERS[index + 1]
        elif down and rank >= down:
            outcome, following = LeagueOutcome.DEMOTED, TIERS[index - 1]
        else:
            outcome, following = LeagueOutcome.STAYED, tier
        outcomes.append(Outcome(standing.uid, rank, standing.score, outcome, following))
    return outcomes


def league_weeks_read(days: Iterable[date]) -> list[str]:
    """The weeks an acceptance of these days reads: theirs, and the one before each."""
    weeks = {week_of(day) for day in days}
    return sorted(weeks | {shift_week(week, -1) for week in weeks})


def week_seconds_moved(before: Mapping[date, int], after: Mapping[date, int]) -> dict[str, int]:
    """How much each league week's focus moved when the days in `after` changed from `before` (seconds)."""
    moved: dict[str, int] = {}
    for day, seconds in after.items():
        change = seconds - before.get(day, 0)
        if change:
            week = week_of(day)
            moved[week] = moved.get(week, 0) + change
    return {week: change for week, change in moved.items() if change}


@dataclass(frozen=True, slots=True)
class Opening:
    """One open-cohort pointer: cohort number `cohort` of its series holds `filled` members (for a join's
    series, a hint: its seats are claimed one by one, so the pointer may lag them)."""

    cohort: int = 0
    filled: int = 0


def take_seats(opening: Opening, count: int) -> tuple[list[int], Opening]:
    """`count` seats from `opening` in order (a new cohort when one is full): the cohort number of each seat,
    and the pointer after them."""
    cohort, filled = opening.cohort, opening.filled
    seats = []
    for _ in range(count):
        if filled >= COHORT_SIZE:
            cohort, filled = cohort + 1, 0
        seats.append(cohort)
        filled += 1
    return seats, Opening(cohort, filled)


def seat_after(cohort: int, slot: int) -> tuple[int, int]:
    """The seat to try after (cohort, slot) was taken: the next slot, or the next cohort's first."""
    return (cohort + 1, 0) if slot + 1 >= COHORT_SIZE else (cohort, slot + 1)


def join_series(shard: int) -> str:
    """Cohorts joined into one by one (seats claimed by creating them)."""
    return f"j{shard}"


def placement_series(shard: int) -> str:
    """Cohorts a settlement forms (seats taken a block at a time, in a transaction)."""
    return f"p{shard}"


def cohort_id(week: str, tier: Tier, series: str, number: int) -> str:
    return f"{week}-{tier}-{series}-{number:04d}"


def preferred_shard(openings: Mapping[int, Opening], uid: str, attempt: int) -> int:
    """Where a join looks for its seat: first the fullest cohort still open (so a quiet week fills cohorts
    one by one), then, each time it found that cohort taken, a shard of its own (so a burst spreads out)."""
    if attempt == 0:
        open_ones = [(o.filled, -s) for s, o in openings.items() if o.filled < COHORT_SIZE]
        if open_ones and max(open_ones)[0] > 0:
            return -max(open_ones)[1]
    digest = hashlib.sha256(f"{uid}:{attempt}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % OPENING_SHARDS
