"""The product team's figures (the `admin` claim): daily counters and the reactivation experiment."""

from __future__ import annotations

from functions.api.presenters.analytics import AnalyticsOut, AnalyticsQuery, GroupsOut, ReactivationOut
from functions.routing import Auth, Call, Reply, Routes, Tag
from streak_core.areas import AdminDeps
from streak_core.services.analytics import MAX_DAYS, daily_figures, reactivation_figures

ROUTES: Routes[AdminDeps] = Routes(auth=Auth.ADMIN)


@ROUTES.get(
    "/v1/admin/analytics",
    {200: AnalyticsOut},
    query=AnalyticsQuery,
    operation_id="getAnalytics",
    description=(
        f"Each UTC date of the range (at most {MAX_DAYS} days): active and qualifying users, sessions, focus,"
        " streaks started and broken, freezes, recoveries, notifications per kind (and channel), share"
        " opens, webhook deliveries. Read from daily sharded counters that the writes move: no scan."
    ),
)
def get_analytics(call: Call[AdminDeps]) -> Reply:
    """Get the daily figures"""
    query = call.query_as(AnalyticsQuery)
    days = daily_figures(call.deps.analytics, query.from_, query.to)
    return Reply(200, AnalyticsOut.model_validate({"days": days}), cache_control="private, no-cache")


@ROUTES.get(
    "/v1/admin/analytics/reactivation",
    {200: ReactivationOut},
    query=AnalyticsQuery,
    operation_id="getReactivation",
)
def get_reactivation(call: Call[AdminDeps]) -> Reply:
    """Get the reactivation experiment's groups

    Users who reached a reactivation step (3, 7, 14, 30 quiet days) on a date of the range, per group (the
    holdout hears nothing), those back within 7 days, each group's rate and the lift of the messages.
    """
    query = call.query_as(AnalyticsQuery)
    found = reactivation_figures(call.deps.analytics, query.from_, query.to)
    groups = GroupsOut.model_validate({"treatment": found.treatment, "holdout": found.holdout})
    return Reply(200, ReactivationOut(groups=groups, lift=found.lift), cache_control="private, no-cache")


TAG = Tag("Analytics", "The product team's daily figures and the reactivation experiment (the admin claim).")
