"""Friendships: requests, accepting, removing (both sides at once), limits, and the friends list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from streak_core.domain.config import StreakConfig
from streak_core.models import UserSettings
from streak_core.ports import FriendStore, FriendTransaction, LeaderboardStore
from streak_core.services.views import local_today

MAX_FRIENDS = 500
PENDING, FRIENDS = "pending", "friends"


class FriendError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass(frozen=True, slots=True)
class FriendOutcome:
    status: str  # pending | friends
    changed: bool  # False when the request or friendship already existed


@dataclass
class Friends:
    store: FriendStore
    boards: LeaderboardStore
    config: StreakConfig
    max_friends: int = MAX_FRIENDS

    def request(self, uid: str, other: str, now: datetime) -> FriendOutcome:
        """Ask `other` to be friends; if they already asked us, this accepts."""
        self._not_self(uid, other)

        def body(tx: FriendTransaction) -> FriendOutcome:
            rel = tx.read()
            if not rel.other_exists:
                raise FriendError(404, "user_not_found", "No such user.")
            if rel.friends:
                return FriendOutcome(FRIENDS, changed=False)
            if rel.they_asked:
                self._check_room(rel.my_friends, rel.their_friends)
                tx.befriend(now)
                return FriendOutcome(FRIENDS, changed=True)
            if rel.we_asked:
                return FriendOutcome(PENDING, changed=False)
            self._check_room(rel.my_friends, 0)
            tx.request(now)
            return FriendOutcome(PENDING, changed=True)

        return self.store.run_in_transaction(uid, other, body)

    def accept(self, uid: str, other: str, now: datetime) -> FriendOutcome:
        self._not_self(uid, other)

        def body(tx: FriendTransaction) -> FriendOutcome:
            rel = tx.read()
            if rel.friends:
                return FriendOutcome(FRIENDS, changed=False)
            if not rel.they_asked:
                raise FriendError(404, "request_not_found", "This user has not asked to be your friend.")
            self._check_room(rel.my_friends, rel.their_friends)
            tx.befriend(now)
            return FriendOutcome(FRIENDS, changed=True)

        return self.store.run_in_transaction(uid, other, body)

    def remove(self, uid: str, other: str) -> None:
        """Unfriend, or decline / withdraw a request: symmetric and idempotent."""
        self._not_self(uid, other)

        def body(tx: FriendTransaction) -> None:
            tx.unfriend(tx.read().friends)

        self.store.run_in_transaction(uid, other, body)

    def listing(self, uid: str, now: datetime) -> dict[str, object]:
        """Friends with their current streak and how today is going, and pending requests both ways."""
        links = self.store.links(uid)
        friend_ids = [str(f["user_id"]) for f in links["friends"]]
        everyone = friend_ids + [str(r["user_id"]) for r in links["incoming"] + links["outgoing"]]
        names = self.store.profiles(everyone)
        summaries = self.boards.summaries(friend_ids)
        todays = {uid_: local_today(now, s.timezone) for uid_, s in summaries.items()}
        seconds = self.store.today_seconds(list(todays.items()))
        friends: list[dict[str, object]] = []
        for link in links["friends"]:
            friend = str(link["user_id"])
            summary = summaries.get(friend)
            today = todays.get(friend)
            done = seconds.get((friend, today), 0) if today else 0
            friends.append(
                {
                    "user_id": friend,
                    "display_name": _name(names, friend),
                    "since": _iso(link.get("since")),
                    "current_streak": summary.current_streak(today) if summary and today else 0,
                    "today": {
                        "date": today.isoformat() if today else None,
                        "seconds": done,
                        "qualified": done >= self.config.threshold_seconds,
                    },
                }
            )
        friends.sort(key=_by_streak_then_name)

        def pending(kind: str) -> list[dict[str, object]]:
            return [
                {
                    "user_id": str(r["user_id"]),
                    "display_name": _name(names, str(r["user_id"])),
                    "created_at": _iso(r.get("created_at")),
                }
                for r in links[kind]
            ]

        return {
            "friends": friends,
            "requests": {"incoming": pending("incoming"), "outgoing": pending("outgoing")},
        }

    def _check_room(self, mine: int, theirs: int) -> None:
        if mine >= self.max_friends:
            raise FriendError(409, "friend_limit_reached", f"You already have {self.max_friends} friends.")
        if theirs >= self.max_friends:
            raise FriendError(
                409, "friend_limit_reached", f"This user already has {self.max_friends} friends."
            )

    @staticmethod
    def _not_self(uid: str, other: str) -> None:
        if uid == other:
            raise FriendError(422, "cannot_befriend_self", "You cannot be your own friend.")


def _name(names: dict[str, UserSettings], uid: str) -> str | None:
    settings = names.get(uid)
    return settings.display_name if settings else None


def _iso(value: object) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else None


def _by_streak_then_name(friend: dict[str, object]) -> tuple[int, str, str]:
    streak = friend["current_streak"]
    return (
        -streak if isinstance(streak, int) else 0,
        str(friend["display_name"] or ""),
        str(friend["user_id"]),
    )
