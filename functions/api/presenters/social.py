"""The social area's schemas and presenters: its request and response models and how views become them."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from functions.fields import Instant, Model, PageQuery, Strict, UserId, View
from streak_core.domain.vocabulary import BoardStart, FriendStatus, Period, Scope


class LeaderboardQuery(PageQuery):
    period: Period = Period.ALL
    scope: Scope = Scope.GLOBAL
    start: BoardStart = Field(
        default=BoardStart.TOP,
        description='`me`: the page begins with the caller\'s own row ("jump to me"); a cursor continues it',
    )


class LeaderboardEntryOut(View):
    rank: int
    user_id: str
    display_name: str | None
    score: int
    current_streak: int
    longest_streak: int


class LeaderboardMeOut(View):
    rank: int = Field(description="Where the caller stands among the users they can see, hidden or not")
    score: int


class LeaderboardOut(View):
    entries: list[LeaderboardEntryOut]
    next_cursor: str | None
    me: LeaderboardMeOut


class FriendRequestIn(Strict):
    user_id: UserId


class FriendshipOut(Model):
    user_id: str
    status: FriendStatus


class FriendTodayOut(View):
    date: date | None
    seconds: int
    qualified: bool


class FriendOut(View):
    user_id: str
    display_name: str | None
    since: Instant | None
    current_streak: int
    today: FriendTodayOut


class PendingRequestOut(View):
    user_id: str
    display_name: str | None = Field(description="null when unknown, or hidden by that user's settings")
    created_at: Instant | None


class FriendRequestsOut(View):
    incoming: list[PendingRequestOut]
    outgoing: list[PendingRequestOut]


class FriendsOut(View):
    friends: list[FriendOut]
    requests: FriendRequestsOut
