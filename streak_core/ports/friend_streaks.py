"""Friend streaks: the pair's document and both users' lists of them, changed in one transaction; both
friends' days read together; the checks due."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar

from streak_core.models.friend_streaks import FriendStreak, PairSide
from streak_core.models.notifications import OutboxEntry

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PairReading:
    """What a change to a pair depends on, read in one transaction."""

    streak: FriendStreak | None
    friends: bool  # the two users are friends
    mine: int  # friend streaks the caller is part of (active or invited)
    theirs: int


class FriendStreakTransaction(Protocol):
    def read(self) -> PairReading: ...

    def save(self, streak: FriendStreak, entries: Iterable[OutboxEntry] = ()) -> None:
        """Write the pair (both users list it) and its entries."""
        ...

    def end(self, streak: FriendStreak) -> None:
        """Delete the pair; neither user lists it any more."""
        ...


@dataclass(frozen=True, slots=True)
class PairCheck:
    """What a check of a pair found, to store on it, and the entries it causes."""

    length: int
    longest: int
    check_at: datetime
    entries: tuple[OutboxEntry, ...] = ()


class FriendStreakStore(Protocol):
    def run_in_transaction(self, uid: str, other: str, body: Callable[[FriendStreakTransaction], T]) -> T: ...

    def get(self, streak_id: str) -> FriendStreak | None: ...

    def of_user(self, uid: str) -> list[FriendStreak]:
        """The user's friend streaks, active and invited."""
        ...

    def sides(self, uids: Iterable[str]) -> dict[str, PairSide]:
        """Each user's settings and days, in one batched read (users without either are left out)."""
        ...

    def record_check(self, streak: FriendStreak, check: PairCheck) -> list[str]:
        """Store the check on the pair if it is still the one checked (same friends, same start), creating
        its entries that do not exist yet; the ids of the entries created."""
        ...

    def nudge(self, entry: OutboxEntry) -> bool:
        """Create the nudge's entry; False when it exists (one per pair, sender and local day)."""
        ...

    def due_pages(self, now: datetime, page_size: int) -> Iterator[list[str]]:
        """Ids of the active pairs whose check is due, in pages."""
        ...
