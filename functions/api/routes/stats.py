"""Badges, insights and the heatmap."""

from __future__ import annotations

from functions.api.presenters.stats import (
    BadgesOut,
    HeatmapQuery,
    InsightsOut,
    InsightsQuery,
    PredictionOut,
    PreviousPeriodOut,
    badge_out,
)
from functions.api.shared import image
from functions.routing import Call, Reply, Routes, Tag
from streak_core.areas import StatsDeps
from streak_core.domain.insights import MAX_WEEKS
from streak_core.domain.vocabulary import ImageFormat
from streak_core.services import badges, images, insights

StatsCall = Call[StatsDeps]


ROUTES: Routes[StatsDeps] = Routes()


@ROUTES.get("/v1/me/badges", {200: BadgesOut}, operation_id="listBadges")
def get_badges(call: StatsCall) -> Reply:
    """List the badge catalogue with the caller's progress

    The whole badge catalogue: when the caller earned each, their progress, and its rarity
    """
    found = badges.list_badges(call.deps.store, call.deps.badge_counts, call.uid)
    return Reply(200, BadgesOut(badges=[badge_out(b) for b in found]))


@ROUTES.get(
    "/v1/me/insights",
    {200: InsightsOut, 304: None},
    errors=(422,),
    query=InsightsQuery,
    description=f"Figures over 1-{MAX_WEEKS} weeks ending with local yesterday, the period before, and"
    " the chance of keeping the streak over the next 7 days (ETag; If-None-Match gives 304)",
    operation_id="getInsights",
)
def get_insights(call: StatsCall) -> Reply:
    """Get the caller's insights"""
    weeks = call.query_as(InsightsQuery).weeks
    found = insights.get_insights(call.deps.store, call.uid, weeks, call.now, call.deps.config)
    period, previous = found.period, found.previous
    return Reply(
        200,
        InsightsOut(
            first=period.first,
            to=period.last,
            days=period.days,
            active_days=period.active_days,
            qualified_days=period.qualified_days,
            qualified_rate=period.qualified_rate,
            average_seconds_per_day=period.average_seconds_per_day,
            average_seconds_per_active_day=period.average_seconds_per_active_day,
            average_sessions_per_active_day=period.average_sessions_per_active_day,
            weekday_rates=period.weekday_rates,
            best_weekday=period.best_weekday,
            hour_seconds=period.hour_seconds,
            previous_period=PreviousPeriodOut(
                qualified_rate=previous.qualified_rate,
                average_seconds_per_day=previous.average_seconds_per_day,
            ),
            prediction=PredictionOut.model_validate(found.prediction),
        ),
        cache_control="private, no-cache",
    )


@ROUTES.get(
    "/v1/me/heatmap.svg",
    {200: None, 304: None},
    errors=(422,),
    query=HeatmapQuery,
    media_types=("image/svg+xml",),
    operation_id="getHeatmapSvg",
)
def get_heatmap_svg(call: StatsCall) -> Reply:
    """Draw the caller's heatmap as SVG

    A contribution-style heatmap of the caller's local days (a <title> per cell), as SVG
    """
    return Reply(
        200, image(call.deps.rasterizer, _heatmap(call), ImageFormat.SVG), cache_control="private, no-cache"
    )


@ROUTES.get(
    "/v1/me/heatmap.png",
    {200: None, 304: None},
    errors=(422,),
    query=HeatmapQuery,
    media_types=("image/png",),
    operation_id="getHeatmapPng",
)
def get_heatmap_png(call: StatsCall) -> Reply:
    """Draw the caller's heatmap as PNG

    The same heatmap as PNG
    """
    return Reply(
        200, image(call.deps.rasterizer, _heatmap(call), ImageFormat.PNG), cache_control="private, no-cache"
    )


def _heatmap(call: StatsCall) -> str:
    weeks = call.query_as(HeatmapQuery).weeks
    return images.heatmap(call.deps.store, call.uid, weeks, call.now, call.deps.config)


TAG = Tag(
    "Insights",
    "Badges, insights over weeks, the heatmap and the share card: what the caller's days add up to.",
)
