"""Challenges: creating, listing, showing, joining and leaving them."""

from __future__ import annotations

from functions.api.presenters.challenges import (
    ChallengeCreatedOut,
    ChallengeDetailOut,
    ChallengeIn,
    ChallengeJoinedOut,
    ChallengeMeOut,
    ChallengesOut,
    ChallengesQuery,
    ChallengeTopOut,
    ListedChallengeOut,
    challenge_out,
)
from functions.routing import Call, Reply, Routes, Tag
from streak_core.areas import ChallengeDeps
from streak_core.domain.challenges import (
    ChallengeTerms,
)
from streak_core.services import challenges
from streak_core.services.challenges import TOP

ChallengeCall = Call[ChallengeDeps]


ROUTES: Routes[ChallengeDeps] = Routes()


@ROUTES.post(
    "/v1/challenges",
    {201: ChallengeCreatedOut},
    errors=(403, 422),
    body=ChallengeIn,
    operation_id="createChallenge",
)
def post_challenge(call: ChallengeCall) -> Reply:
    """Create a challenge

    Create a challenge: public ones need the admin claim, anyone may create a private one (its id is the
    invitation)
    """
    body = call.body_as(ChallengeIn)
    terms = ChallengeTerms(body.kind, body.target, body.starts_on, body.ends_on, body.reward_xp)
    admin = call.principal is not None and call.principal.admin
    view = challenges.create_challenge(
        call.deps.challenges, call.uid, admin, body.title, terms, body.visibility, call.now
    )
    return Reply(201, ChallengeCreatedOut(challenge=challenge_out(view)))


@ROUTES.get(
    "/v1/challenges",
    {200: ChallengesOut},
    errors=(422,),
    query=ChallengesQuery,
    operation_id="listChallenges",
)
def get_challenges(call: ChallengeCall) -> Reply:
    """List challenges

    Challenges by status: public ones, and the private ones the caller created or joined
    """
    query, deps = call.query_as(ChallengesQuery), call.deps
    found = challenges.list_challenges(
        deps.challenges, deps.cursors, call.uid, query.status, query.limit, query.cursor, call.now
    )
    out = [
        ListedChallengeOut(
            **challenge_out(view).model_dump(),
            me=ChallengeMeOut.model_validate(found.mine[view.challenge.id]),
        )
        for view in found.challenges
    ]
    return Reply(200, ChallengesOut(challenges=out, next_cursor=found.next_cursor))


@ROUTES.get(
    "/v1/challenges/{id}",
    {200: ChallengeDetailOut},
    errors=(404,),
    description=f"A challenge, where the caller stands, and the first {TOP} participants",
    operation_id="getChallenge",
)
def get_challenge(call: ChallengeCall) -> Reply:
    """Get a challenge and its standings"""
    detail = challenges.challenge_detail(
        call.deps.challenges, call.deps.profiles, call.uid, call.params["id"], call.now
    )
    return Reply(
        200,
        ChallengeDetailOut(
            challenge=challenge_out(detail.challenge),
            me=ChallengeMeOut.model_validate(detail.me),
            top=[ChallengeTopOut.model_validate(row) for row in detail.top],
        ),
    )


@ROUTES.post(
    "/v1/challenges/{id}:join", {200: ChallengeJoinedOut}, errors=(404, 409), operation_id="joinChallenge"
)
def join_challenge(call: ChallengeCall) -> Reply:
    """Join a challenge

    Join a challenge (again: nothing changes); progress counts the whole window so far
    """
    deps = call.deps
    view, me = challenges.join_challenge(
        deps.challenges, call.uid, call.params["id"], call.now, deps.config, deps.notify
    )
    out = ChallengeJoinedOut(challenge=challenge_out(view), me=ChallengeMeOut.model_validate(me))
    return Reply(200, out)


@ROUTES.post("/v1/challenges/{id}:leave", {204: None}, errors=(404, 409), operation_id="leaveChallenge")
def leave_challenge(call: ChallengeCall) -> Reply:
    """Leave a challenge

    Leave a challenge (204, also when not in it); a completed one cannot be left (409)
    """
    challenges.leave_challenge(call.deps.challenges, call.uid, call.params["id"])
    return Reply(204)


TAG = Tag(
    "Challenges",
    "Windows of local dates with a target of qualified days or focus minutes; public or private.",
)
