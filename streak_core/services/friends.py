"""Friendships: requests, accepting, removing (both sides at once), limits, and the friends list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from streak_core.domain.config import StreakConfig
from streak_core.domain.days import qualifies
from streak_core.domain.ids import is_user_id
from streak_core.domain.vocabulary import FriendStatus, Visibility
from streak_core.errors import (
    CannotBefriendSelf,
    FriendLimitReached,
    FriendRequestNotFound,
    UserNotFound,
)
from streak_core.models.social import FriendLink
from streak_core.models.users import UserSettings
from streak_core.ports.boards import LeaderboardStore
from streak_core.ports.friends import FriendStore, FriendTransaction
from streak_core.ports.users import Profiles
from streak_core.services.views import local_today

MAX_FRIENDS = 500


@dataclass(frozen=True, slots=True)
class FriendOutcome:
    status: FriendStatus
    changed: bool  # False when the request or friendship already existed


@dataclass(frozen=True, slots=True)
class FriendToday:
    date: date | None
    seconds: int
    qualified: bool


@dataclass(frozen=True, slots=True)
class FriendView:
    user_id: str
    display_name: str | None
    since: datetime | None
    current_streak: int
    today: FriendToday


@dataclass(frozen=True, slots=True)
class PendingRequest:
    user_id: str
    display_name: str | None
    created_at: datetime | None


@dataclass(frozen=True, slots=True)
class PendingRequests:
    incoming: list[PendingRequest]
    outgoing: list[PendingRequest]


@dataclass(frozen=True, slots=True)
class FriendsList:
    friends: list[FriendView]
    requests: PendingRequests


@dataclass
class Friends:
    store: FriendStore
    boards: LeaderboardStore
    profiles: Profiles
    config: StreakConfig
    max_friends: int = MAX_FRIENDS

    def request(self, uid: str, other: str, now: datetime) -> FriendOutcome:
        """Ask `other` to be friends; if they already asked us, this accepts."""
        self._check_other(uid, other, UserNotFound)

        def body(tx: FriendTransaction) -> FriendOutcome:
            rel = tx.read()
            if not rel.other_exists:
                raise UserNotFound
            if rel.friends:
                return FriendOutcome(FriendStatus.FRIENDS, changed=False)
            if rel.they_asked:
                self._check_room(rel.my_friends, rel.their_friends)
                tx.befriend(now)
                return FriendOutcome(FriendStatus.FRIENDS, changed=True)
            if rel.we_asked:
                return FriendOutcome(FriendStatus.PENDING, changed=False)
            self._check_room(rel.my_friends, 0)
            tx.request(now)
            return FriendOutcome(FriendStatus.PENDING, changed=True)

        return self.store.run_in_transaction(uid, other, body)

    def accept(self, uid: str, other: str, now: datetime) -> FriendOutcome:
        self._check_other(uid, other, FriendRequestNotFound)

        def body(tx: FriendTransaction) -> FriendOutcome:
            rel = tx.read()
            if rel.friends:
                return FriendOutcome(FriendStatus.FRIENDS, changed=False)
            if not rel.they_asked:
                raise FriendRequestNotFound
            self._check_room(rel.my_friends, rel.their_friends)
            tx.befriend(now)
            return FriendOutcome(FriendStatus.FRIENDS, changed=True)

        return self.store.run_in_transaction(uid, other, body)

    def remove(self, uid: str, other: str) -> None:
        """Unfriend, or decline / withdraw a request: symmetric and idempotent."""
        self._check_other(uid, other, UserNotFound)

        def body(tx: FriendTransaction) -> None:
            tx.unfriend(tx.read().friends)

        self.store.run_in_transaction(uid, other, body)

    def listing(self, uid: str, now: datetime) -> FriendsList:
        """Friends with their current streak and how today is going, and pending requests both ways (the
        newest `max_friends` of each). Whom the caller asked is shown by name only where that user is not
        hidden."""
        links = self.store.links(uid, self.max_friends)
        friend_ids = [f.user_id for f in links.friends]
        everyone = friend_ids + [r.user_id for r in links.incoming + links.outgoing]
        profiles = self.profiles.profiles(everyone)
        summaries = self.boards.summaries(friend_ids)
        todays = {uid_: local_today(now, s.timezone, s.day_starts) for uid_, s in summaries.items()}
        seconds = self.profiles.focus_seconds(list(todays.items()))
        friends = []
        for link in links.friends:
            summary, today = summaries.get(link.user_id), todays.get(link.user_id)
            done = seconds.get((link.user_id, today), 0) if today else 0
            friends.append(
                FriendView(
                    user_id=link.user_id,
                    display_name=_name(profiles.get(link.user_id)),
                    since=link.at,
                    current_streak=summary.current_streak(today) if summary and today else 0,
                    today=FriendToday(today, done, qualifies(done, self.config)),
                )
            )
        friends.sort(key=lambda f: (-f.current_streak, f.display_name or "", f.user_id))

        def shown_name(user_id: str, unless_hidden: bool) -> str | None:
            profile = profiles.get(user_id)
            if unless_hidden and profile and profile.leaderboard_visibility is Visibility.HIDDEN:
                return None
            return _name(profile)

        def pending(requests: tuple[FriendLink, ...], unless_hidden: bool) -> list[PendingRequest]:
            return [PendingRequest(r.user_id, shown_name(r.user_id, unless_hidden), r.at) for r in requests]

        return FriendsList(
            friends,
            PendingRequests(pending(links.incoming, False), pending(links.outgoing, True)),
        )

    def _check_room(self, mine: int, theirs: int) -> None:
        if mine >= self.max_friends:
            raise FriendLimitReached(f"You already have {self.max_friends} friends.")
        if theirs >= self.max_friends:
            raise FriendLimitReached(f"This user already has {self.max_friends} friends.")

    @staticmethod
    def _check_other(uid: str, other: str, missing: type[UserNotFound | FriendRequestNotFound]) -> None:
        """Another user who could exist: yourself is refused, an id no user can have is not found."""
        if uid == other:
            raise CannotBefriendSelf
        if not is_user_id(other):
            raise missing


def _name(profile: UserSettings | None) -> str | None:
    return profile.display_name if profile else None
