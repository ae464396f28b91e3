"""Weekly leagues: where the caller stands, joining this week's cohort, past weeks."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, RootModel

from functions.fields import View, derived
from functions.routing import Call, Reply, Routes, Tag
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


ROUTES: Routes[LeagueDeps] = Routes()


# --- handlers ---------------------------------------------------------------------------------------------
@ROUTES.get("/v1/me/league", {200: LeagueAnswer}, operation_id="getLeague")
def get_league(call: LeagueCall) -> Reply:
    """Get the caller's league week

    The caller's league week: their cohort ranked by this week's focus minutes, or joined: false
    """
    view = call.deps.leagues.current(call.uid, call.now)
    body = LeagueOut.model_validate(view) if view else NotJoinedOut()
    return Reply(200, LeagueAnswer(body))


@ROUTES.post(
    "/v1/me/league:join",
    {200: LeagueOut},
    errors=(409,),
    description=f"Join this week's league: a cohort of at most {COHORT_SIZE} of the caller's tier"
    " (again: nothing changes); 409 for a user hidden from leaderboards",
    operation_id="joinLeague",
)
def join_league(call: LeagueCall) -> Reply:
    """Join this week's league"""
    return Reply(200, LeagueOut.model_validate(call.deps.leagues.join(call.uid, call.now)))


@ROUTES.get("/v1/me/league/history", {200: LeagueHistoryOut}, operation_id="getLeagueHistory")
def get_history(call: LeagueCall) -> Reply:
    """List the caller's past league weeks

    The caller's past league weeks: tier, rank and outcome
    """
    rows = [LeagueWeekOut.model_validate(row) for row in call.deps.leagues.history(call.uid)]
    return Reply(200, LeagueHistoryOut(history=rows))


TAG = Tag(
    "Leagues",
    "Weekly cohorts of up to 30 per tier, ranked by focus minutes; the top 7 move up, the bottom 5 down.",
)
