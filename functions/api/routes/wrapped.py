"""Wrapped: the caller's year in review and its card."""

from __future__ import annotations

from functions.api.presenters.wrapped import WrappedCardQuery, WrappedOut, WrappedQuery, wrapped_out
from functions.api.shared import image
from functions.routing import Call, Reply, Routes, Tag
from streak_core.areas import StatsDeps
from streak_core.services.wrapped import get_wrapped, wrapped_card

ROUTES: Routes[StatsDeps] = Routes()


@ROUTES.get("/v1/me/wrapped", {200: WrappedOut}, errors=(422,), query=WrappedQuery, operation_id="getWrapped")
def get_year(call: Call[StatsDeps]) -> Reply:
    """Get the caller's year in review

    The year's days active, qualified days, focus, sessions, longest run inside the year, best month, week,
    weekday and hour, badges earned and the percentile among the users active that year (a year before
    2000 or after the current one: 422; a year without activity: zeros and nulls).
    """
    deps, year = call.deps, call.query_as(WrappedQuery).year
    review = get_wrapped(deps.store, deps.analytics, call.uid, year, call.now, deps.config)
    return Reply(200, wrapped_out(review), cache_control="private, no-cache")


@ROUTES.get(
    "/v1/me/wrapped/card",
    {200: None},
    errors=(422,),
    query=WrappedCardQuery,
    media_types=("image/png", "image/svg+xml"),
    operation_id="getWrappedCard",
)
def get_card(call: Call[StatsDeps]) -> Reply:
    """Draw the caller's Wrapped card

    The year's card in the caller's language: 1200x630 (`landscape`) or 1080x1920 (`story`), PNG or SVG.
    """
    deps, query = call.deps, call.query_as(WrappedCardQuery)
    svg = wrapped_card(
        deps.store, deps.analytics, deps.text_metrics, call.uid, query.year, query.size, call.now, deps.config
    )
    return Reply(200, image(deps.rasterizer, svg, query.format), "private, no-cache")


TAG = Tag("Wrapped", "The caller's year in review, and its card to share.")
