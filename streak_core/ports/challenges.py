"""Challenges: listing pages, standings, and joining or leaving in one transaction with the streak."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol, TypeVar

from streak_core.domain.challenges import Challenge, Membership
from streak_core.domain.vocabulary import ChallengeStatus
from streak_core.models.notifications import OutboxEntry
from streak_core.models.streaks import DayRecord, StreakRecord
from streak_core.models.users import UserSettings

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ChallengePosition:
    """Where a page of challenges ended: the instant the listing orders by, and the challenge id."""

    at: datetime
    challenge_id: str


@dataclass(frozen=True, slots=True)
class ChallengePage:
    challenges: list[Challenge]
    next_position: ChallengePosition | None


@dataclass(slots=True)
class MembershipSnapshot:
    """What joining or leaving a challenge reads in one transaction."""

    challenge: Challenge | None
    settings: UserSettings
    streak: StreakRecord
    membership: Membership | None


@dataclass(frozen=True, slots=True)
class Joining:
    """What a join writes: the membership, the streak that carries it, the notices it causes."""

    challenge: Challenge
    streak: StreakRecord
    membership: Membership
    outbox: tuple[OutboxEntry, ...] = ()


class MembershipTransaction(Protocol):
    def read(self, challenge_id: str) -> MembershipSnapshot: ...

    def days(self, first: date, last: date) -> dict[date, DayRecord]:
        """The user's day records in first..last (read before any write)."""
        ...

    def join(self, joining: Joining) -> None:
        """Store a new membership with the streak, counted among the challenge's participants."""
        ...

    def leave(self, challenge: Challenge, streak: StreakRecord) -> None:
        """Remove the user's membership and their count among the participants."""
        ...


@dataclass(frozen=True, slots=True)
class Standing:
    """A participant's line in a challenge's standings."""

    uid: str
    membership: Membership


class ChallengeStore(Protocol):
    def create(self, challenge: Challenge) -> None: ...

    def get(self, challenge_id: str) -> Challenge | None:
        """The challenge with its participant count, or None."""
        ...

    def page(
        self, uid: str, status: ChallengeStatus, now: datetime, after: ChallengePosition | None, limit: int
    ) -> ChallengePage:
        """Public challenges and the private ones `uid` created or joined, in `status` at `now`: upcoming by
        opening, active by closing (soonest first), ended by closing (latest first)."""
        ...

    def top(self, challenge_id: str, limit: int) -> list[Standing]:
        """The first participants in ranking order (more progress, then earlier completion)."""
        ...

    def ahead_of(self, challenge_id: str, membership: Membership) -> int:
        """How many participants rank strictly before this membership."""
        ...

    def membership(self, uid: str, challenge_id: str) -> Membership | None: ...

    def memberships(self, uid: str, challenge_ids: Sequence[str]) -> dict[str, Membership]:
        """The user's memberships of these challenges (read together), by challenge id."""
        ...

    def run_in_transaction(self, uid: str, body: Callable[[MembershipTransaction], T]) -> T: ...
