"""Friendships and friend requests, both sides changed in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar

from streak_core.models.social import FriendLinks

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Relationship:
    """Everything a friendship change between `uid` and `other` depends on, read in one transaction."""

    other_exists: bool
    friends: bool
    they_asked: bool  # a pending request from `other` to `uid`
    we_asked: bool  # a pending request from `uid` to `other`
    my_friends: int
    their_friends: int


class FriendTransaction(Protocol):
    def read(self) -> Relationship: ...

    def befriend(self, now: datetime) -> None:
        """Both sides become friends; pending requests between them go."""
        ...

    def request(self, now: datetime) -> None: ...

    def unfriend(self, were_friends: bool) -> None:
        """Both sides stop being friends; pending requests either way go."""
        ...


class FriendStore(Protocol):
    def run_in_transaction(self, uid: str, other: str, body: Callable[[FriendTransaction], T]) -> T: ...

    def friend_ids(self, uid: str) -> list[str]: ...

    def links(self, uid: str, limit: int) -> FriendLinks:
        """The user's friends and pending requests both ways, at most `limit` of each, newest first."""
        ...
