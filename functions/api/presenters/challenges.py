"""The challenges area's schemas and presenters: its request and response models and how views become them."""

from __future__ import annotations

from datetime import date

from pydantic import ConfigDict, Field, StrictInt, StrictStr

from functions.fields import DateIn, Model, PageQuery, Strict, View, derived
from streak_core.domain.challenges import (
    MAX_REWARD_XP,
    MAX_TARGET,
    MAX_TITLE,
    MAX_WINDOW_DAYS,
)
from streak_core.domain.vocabulary import ChallengeKind, ChallengeStatus, ChallengeVisibility
from streak_core.services import challenges
from streak_core.services.challenges import TOP, MeView, TopRow


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


class ChallengeOut(Model):
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


class ChallengeCreatedOut(Model):
    challenge: ChallengeOut


class ListedChallengeOut(ChallengeOut):
    me: ChallengeMeOut = Field(description="Where the caller stands (joined: false when not in it)")


class ChallengesOut(Model):
    challenges: list[ListedChallengeOut]
    next_cursor: str | None


class ChallengeJoinedOut(Model):
    challenge: ChallengeOut
    me: ChallengeMeOut


class ChallengeDetailOut(Model):
    challenge: ChallengeOut
    me: ChallengeMeOut
    top: list[ChallengeTopOut] = Field(description=f"The first {TOP}, by progress then completion time")


class ChallengesQuery(PageQuery):
    status: ChallengeStatus = ChallengeStatus.ACTIVE


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
