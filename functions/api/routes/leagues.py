"""Weekly leagues: where the caller stands, joining this week's cohort, past weeks."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, RootModel

from functions.fields import View, derived
from functions.routing import Call, Reply, Route, Tag
from streak_core.dependencies import LeagueDeps
from streak_core.domain.leagues import COHORT_SIZE, DEMOTED, PROMOTED
from streak_core.services.leagues import HistoryRow, LeagueView, MemberRow

LeagueCall = Call[LeagueDeps]


# --- schemas ----------------------------------------------------------------------------------------------
@derived(MemberRow)
class LeagueMemberOut(View):
    pass


@derived(
    LeagueView,
    fields={
        "week": Field(description="ISO week of the caller's local days, e.g. 2026-W49"),
        "ends_at": Field(description="The end of the week's Sunday in the caller's time zone"),
        "score": Field(description="Focus minutes this week (the caller's local days)"),
        "promotion_rank": Field(description=f"Ranks 1 to this move up a tier (top {PROMOTED}; 0: none)"),
        "demotion_rank": Field(description=f"Ranks from this one on move down (bottom {DEMOTED}; 0: none)"),
        "members": Field(description=f"The cohort (at most {COHORT_SIZE}), in rank order"),
    },
)
class LeagueOut(View):
    pass


class NotJoinedOut(BaseModel):
    joined: Literal[False] = False


class LeagueAnswer(RootModel[LeagueOut | NotJoinedOut]):
    pass


@derived(HistoryRow)
class LeagueWeekOut(View):
    pass


class LeagueHistoryOut(BaseModel):
    history: list[LeagueWeekOut] = Field(description="Settled weeks, newest first (at most 52)")


# --- handlers ---------------------------------------------------------------------------------------------
def get_league(call: LeagueCall) -> Reply:
    view = call.deps.leagues.current(call.uid, call.now)
    body = LeagueOut.model_validate(view) if view else NotJoinedOut()
    return Reply(200, LeagueAnswer(body))


def join_league(call: LeagueCall) -> Reply:
    return Reply(200, LeagueOut.model_validate(call.deps.leagues.join(call.uid, call.now)))


def get_history(call: LeagueCall) -> Reply:
    rows = [LeagueWeekOut.model_validate(row) for row in call.deps.leagues.history(call.uid)]
    return Reply(200, LeagueHistoryOut(history=rows))


TAG = Tag(
    "Leagues",
    "Weekly cohorts of up to 30 per tier, ranked by focus minutes; the top 7 move up, the bottom 5 down.",
)

ROUTES: list[Route[LeagueDeps]] = [
    Route(
        "GET",
        "/v1/me/league",
        get_league,
        "Get the caller's league week",
        {200: LeagueAnswer},
        description="The caller's league week: their cohort ranked by this week's focus minutes, or joined:"
        " false",
        operation_id="getLeague",
    ),
    Route(
        "POST",
        "/v1/me/league:join",
        join_league,
        "Join this week's league",
        {200: LeagueOut},
        errors=(409,),
        description=f"Join this week's league: a cohort of at most {COHORT_SIZE} of the caller's tier"
        " (again: nothing changes); 409 for a user hidden from leaderboards",
        operation_id="joinLeague",
    ),
    Route(
        "GET",
        "/v1/me/league/history",
        get_history,
        "List the caller's past league weeks",
        {200: LeagueHistoryOut},
        description="The caller's past league weeks: tier, rank and outcome",
        operation_id="getLeagueHistory",
    ),
]
