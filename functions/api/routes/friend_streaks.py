"""Friend streaks: invite a friend, accept, end, list, nudge."""

from __future__ import annotations

from functions.api.presenters.friend_streaks import (
    FriendStreakEnvelope,
    FriendStreakIn,
    FriendStreaksOut,
    NudgeOut,
    friend_streak_out,
)
from functions.routing import Call, Reply, Routes, Tag
from streak_core.areas import SocialDeps
from streak_core.models.friend_streaks import MAX_FRIEND_STREAKS

FriendStreakCall = Call[SocialDeps]


ROUTES: Routes[SocialDeps] = Routes()


@ROUTES.post(
    "/v1/friend-streaks",
    {201: FriendStreakEnvelope},
    errors=(409, 422),
    body=FriendStreakIn,
    operation_id="inviteFriendStreak",
    description=(
        "Invite a friend to keep a streak together (status `invited`; the friend hears of it). 422"
        " `not_friends` unless the two are friends; 409 `limit_reached` beyond"
        f" {MAX_FRIEND_STREAKS} friend streaks (active or invited) on either side; 409 `exists` when the"
        " pair has one already (its id in `details.id`)."
    ),
)
def invite(call: FriendStreakCall) -> Reply:
    """Invite a friend to a friend streak"""
    view = call.deps.friend_streaks.invite(call.uid, call.body_as(FriendStreakIn).user_id, call.now)
    return Reply(201, FriendStreakEnvelope(friend_streak=friend_streak_out(view)))


@ROUTES.post(
    "/v1/friend-streaks/{id}:accept",
    {200: FriendStreakEnvelope},
    errors=(404, 422),
    operation_id="acceptFriendStreak",
)
def accept(call: FriendStreakCall) -> Reply:
    """Accept a friend streak invitation

    The invited friend only (anyone else: 404). The pair's days count from the accepting friend's local
    today; accepting again answers the same.
    """
    view = call.deps.friend_streaks.accept(call.uid, call.params["id"], call.now)
    return Reply(200, FriendStreakEnvelope(friend_streak=friend_streak_out(view)))


@ROUTES.delete("/v1/friend-streaks/{id}", {204: None}, errors=(404,), operation_id="endFriendStreak")
def end(call: FriendStreakCall) -> Reply:
    """End a friend streak

    Either friend ends it, or declines (or withdraws) the invitation: 204. Once ended it is gone: a second
    DELETE is a 404. Unfriending, and deleting either account, end it too.
    """
    call.deps.friend_streaks.end(call.uid, call.params["id"])
    return Reply(204)


@ROUTES.get("/v1/me/friend-streaks", {200: FriendStreaksOut}, operation_id="listFriendStreaks")
def listing(call: FriendStreakCall) -> Reply:
    """List my friend streaks

    Active and invited friend streaks, both ways, with each friend's mark for the pair's date (the earlier
    of the two local todays: nobody is judged before their own day is over).
    """
    views = call.deps.friend_streaks.listing(call.uid, call.now)
    return Reply(200, FriendStreaksOut(friend_streaks=[friend_streak_out(v) for v in views]))


@ROUTES.post(
    "/v1/friend-streaks/{id}:nudge", {202: NudgeOut}, errors=(404, 409), operation_id="nudgeFriendStreak"
)
def nudge(call: FriendStreakCall) -> Reply:
    """Nudge the friend

    A `friend_streak_nudge` push to the friend: once per pair and sender per local day (409
    `already_nudged`); an invitation cannot be nudged (409 `not_active`).
    """
    streak_id = call.params["id"]
    call.deps.friend_streaks.nudge(call.uid, streak_id, call.now)
    return Reply(202, NudgeOut(friend_streak_id=streak_id, nudged=True))


TAG = Tag(
    "Friend streaks",
    "Two friends keep a streak together: a date counts when both qualified it in their own local days.",
)
