"""Leaderboards and friends."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from functions.fields import Instant, PageQuery, Strict, UserId, View
from functions.routing import Call, Reply, Route, Tag
from streak_core.dependencies import SocialDeps
from streak_core.domain.vocabulary import BoardStart, FriendStatus, Period, Scope
from streak_core.services.leaderboard import BoardRequest

SocialCall = Call[SocialDeps]


# --- schemas ----------------------------------------------------------------------------------------------
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


class FriendshipOut(BaseModel):
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


# --- handlers ---------------------------------------------------------------------------------------------
def get_leaderboard(call: SocialCall) -> Reply:
    query = call.query_as(LeaderboardQuery)
    request = BoardRequest(query.period, query.scope, query.limit, query.cursor, query.start)
    page = call.deps.leaderboards.board(call.uid, request, call.now)
    first_page = request.scope is Scope.GLOBAL and request.cursor is None and request.start is BoardStart.TOP
    cache = "private, max-age=30" if first_page else "private, no-cache"
    return Reply(200, LeaderboardOut.model_validate(page), cache_control=cache)


def post_friend_request(call: SocialCall) -> Reply:
    other = call.body_as(FriendRequestIn).user_id
    outcome = call.deps.friends.request(call.uid, other, call.now)
    out = FriendshipOut(user_id=other, status=outcome.status)
    return Reply(201 if outcome.changed else 200, out)


def accept_friend_request(call: SocialCall) -> Reply:
    other = call.params["uid"]
    outcome = call.deps.friends.accept(call.uid, other, call.now)
    return Reply(200, FriendshipOut(user_id=other, status=outcome.status))


def delete_friend(call: SocialCall) -> Reply:
    call.deps.friends.remove(call.uid, call.params["uid"])
    return Reply(204)


def get_friends(call: SocialCall) -> Reply:
    return Reply(200, FriendsOut.model_validate(call.deps.friends.listing(call.uid, call.now)))


TAG = Tag("Friends", "Leaderboards (global or friends; all time, week, month) and friend requests.")

ROUTES: list[Route[SocialDeps]] = [
    Route(
        "GET",
        "/v1/leaderboard",
        get_leaderboard,
        "Get a leaderboard page",
        {200: LeaderboardOut, 304: None},
        errors=(422,),
        query=LeaderboardQuery,
        description="A leaderboard page and the caller's own rank (ETag; If-None-Match gives 304)",
        operation_id="getLeaderboard",
    ),
    Route(
        "POST",
        "/v1/friends/requests",
        post_friend_request,
        "Ask a user to be friends",
        {201: FriendshipOut, 200: FriendshipOut},
        errors=(404, 409, 422),
        body=FriendRequestIn,
        description="Ask a user to be friends (201 new; 200 pending or friends already; a mutual request"
        " befriends)",
        operation_id="sendFriendRequest",
    ),
    Route(
        "POST",
        "/v1/friends/requests/{uid}:accept",
        accept_friend_request,
        "Accept a friend request",
        {200: FriendshipOut},
        errors=(404, 409, 422),
        description="Accept a friend request",
        operation_id="acceptFriendRequest",
    ),
    Route(
        "GET",
        "/v1/friends",
        get_friends,
        "List friends and requests",
        {200: FriendsOut},
        description="Friends with their streaks, and pending requests",
        operation_id="listFriends",
    ),
    Route(
        "DELETE",
        "/v1/friends/{uid}",
        delete_friend,
        "Unfriend, decline or withdraw",
        {204: None},
        errors=(404, 422),
        description="Unfriend, decline or withdraw (204, also when there was nothing to remove)",
        operation_id="removeFriend",
    ),
]
