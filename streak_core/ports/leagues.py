"""League weeks: members by user and week, cohorts, the open-cohort pointers, and a settlement's writes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from streak_core.domain.leagues import Opening
from streak_core.domain.vocabulary import Tier
from streak_core.models.leagues import Cohort, LeagueMember
from streak_core.models.notifications import OutboxEntry


@dataclass(frozen=True, slots=True)
class Seat:
    """Who a placement seats, with what their standing starts from."""

    uid: str
    longest_streak: int


@dataclass(frozen=True, slots=True)
class WeekCount:
    """What an operator sees of a week: cohorts and members per tier, and how many cohorts are settled."""

    tier: Tier
    cohorts: int
    settled: int
    members: int


class LeagueStore(Protocol):
    def members(self, uid: str, weeks: Iterable[str]) -> dict[str, LeagueMember]:
        """The user's documents of these weeks that exist, by week."""
        ...

    def latest(self, uid: str) -> LeagueMember | None:
        """The user's newest week (placed or not)."""
        ...

    def history(self, uid: str, limit: int) -> list[LeagueMember]:
        """The user's settled weeks, newest first."""
        ...

    def weeks(self, uid: str, limit: int) -> list[LeagueMember]:
        """The user's weeks, newest first, placed or not (their export)."""
        ...

    def cohort_members(self, cohort_id: str) -> list[LeagueMember]: ...

    def cohort_members_of(self, cohort_ids: list[str]) -> dict[str, list[LeagueMember]]:
        """The members of each of these cohorts (one query per ten)."""
        ...

    def cohorts(self, cohort_ids: list[str]) -> list[Cohort]: ...

    def openings(self, week: str, tier: Tier) -> dict[int, Opening]:
        """Each open-cohort pointer of (week, tier), by shard (those never used: empty)."""
        ...

    def join(
        self, uid: str, week: str, tier: Tier, shard: int, longest_streak: int, now: datetime
    ) -> LeagueMember | None:
        """Seat the user in shard `shard`'s open cohort of (week, tier), scored with the week's focus so far
        (read in the same transaction as the days it sums); a user already placed that week keeps their seat.
        None when the shard's seats kept being taken first: the caller tries another shard."""
        ...

    def place(self, week: str, tier: Tier, shard: int, seats: list[Seat], now: datetime) -> int:
        """Seat those of `seats` not yet placed in `week`, in order, in one transaction (their focus of the
        week so far kept); how many were seated."""
        ...

    def settle_cohort(
        self, cohort_id: str, members: list[LeagueMember], outbox: list[OutboxEntry], now: datetime
    ) -> bool:
        """Write the members' outcomes, their notifications (with their events) and the cohort's settlement
        at once, unless the cohort is settled already (False)."""
        ...

    def cohort_pages(self, week: str, page_size: int) -> Iterator[list[str]]:
        """The ids of the week's cohorts, a page at a time."""
        ...

    def week_counts(self, week: str) -> list[WeekCount]: ...
