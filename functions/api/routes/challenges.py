"""Challenges: creating, listing, showing, joining and leaving them."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

from functions.fields import DateIn, PageQuery, Strict, View, derived
from functions.routing import Call, Reply, Routes, Tag
from streak_core.dependencies import ChallengeDeps
from streak_core.domain.challenges import (
    MAX_REWARD_XP,
    MAX_TARGET,
    MAX_TITLE,
    MAX_WINDOW_DAYS,
    ChallengeTerms,
)
from streak_core.domain.vocabulary import ChallengeKind, ChallengeStatus, ChallengeVisibility
from streak_core.services import challenges
from streak_core.services.challenges import TOP, MeView, TopRow

ChallengeCall = Call[ChallengeDeps]


# --- schemas ----------------------------------------------------------------------------------------------
class ChallengeIn(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "title": "7-day study sprint",
                    "kind": "qualified_days",
                    "target": 7,
                    "starts_on": "2026-12-01",
                    "ends_on": "2026-12-07",
                    "reward_xp": 0,
                    "visibility": "private",
                }
            ]
        }
    )

    title: StrictStr = Field(
        min_length=1, max_length=MAX_TITLE, description=f"1-{MAX_TITLE} printable characters"
    )
    kind: ChallengeKind
    target: StrictInt = Field(
        description="Qualified days, or focus minutes; at least 1, reachable in the window",
        json_schema_extra={"minimum": 1, "maximum": MAX_TARGET},
    )
    starts_on: DateIn = Field(description="First local date of the window (each participant's own)")
    ends_on: DateIn = Field(
        description=f"Last local date; at most {MAX_WINDOW_DAYS} days after starts_on, not yet past"
    )
    reward_xp: StrictInt = Field(
        default=0,
        description=f"0-{MAX_REWARD_XP}; private challenges grant none (0)",
        json_schema_extra={"minimum": 0, "maximum": MAX_REWARD_XP},
    )
    visibility: ChallengeVisibility = Field(
        default=ChallengeVisibility.PRIVATE, description="public needs the admin claim"
    )


class ChallengeOut(BaseModel):
    id: str
    title: str
    kind: ChallengeKind
    target: int
    starts_on: date
    ends_on: date
    reward_xp: int
    visibility: ChallengeVisibility
    created_by: str
    participants: int
    status: ChallengeStatus = Field(description="The window's status somewhere on Earth (UTC+14 to UTC-12)")


@derived(
    MeView,
    fields={
        "progress": Field(description="Qualified days or focus minutes in the window, capped at the target"),
        "rank": Field(description="1 + the participants ahead; null when not joined"),
    },
)
class ChallengeMeOut(View):
    pass


@derived(TopRow)
class ChallengeTopOut(View):
    pass


class ChallengeCreatedOut(BaseModel):
    challenge: ChallengeOut


class ListedChallengeOut(ChallengeOut):
    me: ChallengeMeOut = Field(description="Where the caller stands (joined: false when not in it)")


class ChallengesOut(BaseModel):
    challenges: list[ListedChallengeOut]
    next_cursor: str | None


class ChallengeJoinedOut(BaseModel):
    challenge: ChallengeOut
    me: ChallengeMeOut


class ChallengeDetailOut(BaseModel):
    challenge: ChallengeOut
    me: ChallengeMeOut
    top: list[ChallengeTopOut] = Field(description=f"The first {TOP}, by progress then completion time")


class ChallengesQuery(PageQuery):
    status: ChallengeStatus = ChallengeStatus.ACTIVE


# --- handlers ---------------------------------------------------------------------------------------------
def challenge_out(view: challenges.ChallengeView) -> ChallengeOut:
    c, terms = view.challenge, view.challenge.terms
    return ChallengeOut(
        id=c.id,
        title=c.title,
        kind=terms.kind,
        target=terms.target,
        starts_on=terms.starts_on,
        ends_on=terms.ends_on,
        reward_xp=terms.reward_xp,
        visibility=c.visibility,
        created_by=c.created_by,
        participants=c.participants,
        status=view.status,
    )


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
