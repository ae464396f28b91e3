"""Weekly leagues: where the caller stands, joining this week's cohort, past weeks."""

from __future__ import annotations

from functions.api.presenters.leagues import (
    LeagueAnswer,
    LeagueHistoryOut,
    LeagueOut,
    LeagueWeekOut,
    NotJoinedOut,
)
from functions.routing import Call, Reply, Routes, Tag
from streak_core.areas import LeagueDeps
from streak_core.domain.leagues import COHORT_SIZE

LeagueCall = Call[LeagueDeps]


ROUTES: Routes[LeagueDeps] = Routes()


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
