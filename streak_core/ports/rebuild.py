"""Rebuilds: a user's whole history read in one transaction, and the rebuilt projections written back."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol, TypeVar

from streak_core.domain.boards import BoardEntry, BoardMove
from streak_core.domain.challenges import Membership
from streak_core.models.leagues import LeagueMember
from streak_core.models.streaks import DayRecord, Pause, StoredSession, StreakRecord
from streak_core.models.users import UserSettings

T = TypeVar("T")


@dataclass(slots=True)
class UserHistory:
    """Everything a user's projections are rebuilt from: the session log and the recorded facts, with the
    projections as stored (to compare)."""

    known: bool  # the user has a streak or settings at all
    settings: UserSettings
    streak: StreakRecord
    sessions: list[StoredSession]
    days: dict[date, DayRecord]
    pauses: list[Pause]
    memberships: list[Membership] = field(default_factory=list)
    deleted: set[str] = field(default_factory=set)  # sessions deleted by the user: not in `sessions`


@dataclass(slots=True)
class RebuildWrites:
    """The rebuilt projections, applied whole: changed days, days no session touches any more, the streak,
    board entries (None: the entry goes), challenge memberships whose progress differs, the calendar's
    month entries (day, seconds; None: the day is gone), the scores of open league weeks that differ, and
    sessions the user deleted, as tombstones in the log."""

    days: Sequence[DayRecord]
    removed_days: Sequence[date]
    streak: StreakRecord
    boards: Sequence[BoardMove] = ()
    memberships: Sequence[Membership] = ()
    months: Sequence[tuple[date, int | None]] = ()
    tombstones: Sequence[str] = ()
    leagues: Sequence[LeagueMember] = ()


class RebuildTransaction(Protocol):
    def history(self) -> UserHistory: ...

    def board_entries(self, keys: list[str]) -> dict[str, BoardEntry]:
        """The user's entries on these boards that exist (read before any write)."""
        ...

    def league_weeks(self, weeks: list[str]) -> dict[str, LeagueMember]:
        """The user's league weeks of these that exist, by week (read before any write)."""
        ...

    def apply(self, writes: RebuildWrites) -> None:
        """Stage every write of `writes` in this transaction."""
        ...


class RebuildStore(Protocol):
    def run_in_transaction(
        self, uid: str, body: Callable[[RebuildTransaction], T], read_only: bool = False
    ) -> T:
        """`body` on one consistent view of the user; read_only: it must not write (a dry run)."""
        ...

    def user_pages(self, page_size: int) -> Iterable[list[str]]:
        """Every user with a streak, a page of ids at a time, by cursor."""
        ...

    def read_page(self, uids: list[str]) -> dict[str, RebuildTransaction]:
        """A read-only view of each of these users (that exists), read together outside any transaction:
        cheaper per user than a transaction each, but not one consistent snapshot, and it cannot write."""
        ...

    def count_users(self) -> int:
        """How many users have a streak (a count aggregation, no documents read)."""
        ...
