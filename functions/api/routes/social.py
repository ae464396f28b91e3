"""Leaderboards and friends."""

from __future__ import annotations

from functions.api.presenters.social import (
    FriendRequestIn,
    FriendshipOut,
    FriendsOut,
    LeaderboardOut,
    LeaderboardQuery,
)
from functions.routing import Call, Reply, Routes, Tag
from streak_core.areas import SocialDeps
from streak_core.domain.vocabulary import BoardStart, Scope
from streak_core.services.leaderboard import BoardRequest

SocialCall = Call[SocialDeps]


ROUTES: Routes[SocialDeps] = Routes()


@ROUTES.get(
    "/v1/leaderboard",
    {200: LeaderboardOut, 304: None},
    errors=(422,),
    query=LeaderboardQuery,
    operation_id="getLeaderboard",
)
def get_leaderboard(call: SocialCall) -> Reply:
    """Get a leaderboard page

    A leaderboard page and the caller's own rank (ETag; If-None-Match gives 304)
    """
    query = call.query_as(LeaderboardQuery)
    request = BoardRequest(query.period, query.scope, query.limit, query.cursor, query.start)
    page = call.deps.leaderboards.board(call.uid, request, call.now)
    first_page = request.scope is Scope.GLOBAL and request.cursor is None and request.start is BoardStart.TOP
    cache = "private, max-age=30" if first_page else "private, no-cache"
    return Reply(200, LeaderboardOut.model_validate(page), cache_control=cache)


@ROUTES.post(
    "/v1/friends/requests",
    {201: FriendshipOut, 200: FriendshipOut},
    errors=(404, 409, 422),
    body=FriendRequestIn,
    operation_id="sendFriendRequest",
)
def post_friend_request(call: SocialCall) -> Reply:
    """Ask a user to be friends

    Ask a user to be friends (201 new; 200 pending or friends already; a mutual request befriends)
    """
    other = call.body_as(FriendRequestIn).user_id
    outcome = call.deps.friends.request(call.uid, other, call.now)
    out = FriendshipOut(user_id=other, status=outcome.status)
    return Reply(201 if outcome.changed else 200, out)


@ROUTES.post(
    "/v1/friends/requests/{uid}:accept",
    {200: FriendshipOut},
    errors=(404, 409, 422),
    operation_id="acceptFriendRequest",
)
def accept_friend_request(call: SocialCall) -> Reply:
    """Accept a friend request

    Accept a friend request
    """
    other = call.params["uid"]
    outcome = call.deps.friends.accept(call.uid, other, call.now)
    return Reply(200, FriendshipOut(user_id=other, status=outcome.status))


@ROUTES.get("/v1/friends", {200: FriendsOut}, operation_id="listFriends")
def get_friends(call: SocialCall) -> Reply:
    """List friends and requests

    Friends with their streaks, and pending requests
    """
    return Reply(200, FriendsOut.model_validate(call.deps.friends.listing(call.uid, call.now)))


@ROUTES.delete("/v1/friends/{uid}", {204: None}, errors=(404, 422), operation_id="removeFriend")
def delete_friend(call: SocialCall) -> Reply:
    """Unfriend, decline or withdraw

    Unfriend, decline or withdraw (204, also when there was nothing to remove)
    """
    call.deps.friends.remove(call.uid, call.params["uid"])
    return Reply(204)


TAG = Tag("Friends", "Leaderboards (global or friends; all time, week, month) and friend requests.")
