"""Friend streaks as stored: the pair, who invited whom, since when, and what the last check of it found."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from streak_core.domain.vocabulary import FriendStreakStatus
from streak_core.models.streaks import StreakRecord
from streak_core.models.users import UserSettings

MAX_FRIEND_STREAKS = 5  # per user, active or invited, either side


def pair_id(uid: str, other: str) -> str:
    """One id per pair of users, whoever invites: a digest, so it says nothing of who they are."""
    first, second = sorted((uid, other))
    return "fs" + hashlib.sha256(f"{first}\0{second}".encode()).hexdigest()[:30]


@dataclass(frozen=True, slots=True)
class FriendStreak:
    """`friend_streaks/{id}`. `length`, `longest` and `check_at` are what the last check found, for the
    break check and its notification; every read works the streak out afresh from both friends' days."""

    id: str
    users: tuple[str, ...]  # the two uids, sorted
    invited_by: str
    status: FriendStreakStatus
    created_at: datetime
    accepted_at: datetime | None = None
    started_on: date | None = None  # the accepting friend's local date: the pair's days count from it
    length: int = 0
    longest: int = 0
    check_at: datetime | None = None  # when the pair's date next moves on: the break check is due

    def other(self, uid: str) -> str:
        return self.users[1] if self.users[0] == uid else self.users[0]


@dataclass(frozen=True, slots=True)
class PairSide:
    """One friend as a friend streak reads them: their settings (zone, day start, name) and their days."""

    uid: str
    settings: UserSettings
    streak: StreakRecord
