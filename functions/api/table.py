"""The `api` function's route table: every area's routes, each served with its own dependencies; and the
OpenAPI document built from it."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from functions.api.shared import Document
from functions.routing import Area, Auth, Call, Reply, Routes, RouteTable, Tag, mount
from streak_core.dependencies import ApiDependencies

ROUTES: Routes[bool] = Routes()


@ROUTES.get("/v1/openapi.json", {200: Document}, auth=Auth.PUBLIC, operation_id="getOpenApiDocument")
def get_openapi(call: Call[bool]) -> Reply:
    """Get this document

    This document
    """
    return Reply(200, api_document(call.deps))


@cache
def api_document(clock_override: bool) -> Document:
    """Built once per instance (`X-Now` is documented only where it is honoured): the table is fixed."""
    from functions.openapi import openapi_document  # noqa: PLC0415  # pydantic's JSON schema: not every cold start

    return Document(openapi_document(API, clock_override))


DOCUMENT = Tag("Document", "This OpenAPI document, from which app teams generate their clients.")


def _area(
    name: str, pick: Callable[[ApiDependencies], object], *prefixes: str, exact: tuple[str, ...] = ()
) -> Area[ApiDependencies]:
    return Area(f"functions.api.routes.{name}", pick, prefixes, exact)


# Each area's module is imported when a request first asks for a path it holds (its prefixes, checked
# against its routes by tests/unit/test_routing.py): a cold start imports the one area it serves.
API: RouteTable[ApiDependencies] = RouteTable(
    [
        _area("sessions", lambda deps: deps.sessions, "/v1/sessions", "/v1/jobs/"),
        _area(
            "me",
            lambda deps: deps.me,
            "/v1/me/calendar",
            "/v1/me/days/",
            "/v1/me/devices",
            "/v1/me/notifications",
            "/v1/me/settings",
            "/v1/me/streak",
            "/v1/unsubscribe",
        ),
        _area("stats", lambda deps: deps.stats, "/v1/me/badges", "/v1/me/heatmap", "/v1/me/insights"),
        _area("wrapped", lambda deps: deps.stats, "/v1/me/wrapped"),
        _area("shares", lambda deps: deps.shares, "/s/", "/v1/me/share-card", "/v1/shares"),
        _area("challenges", lambda deps: deps.challenges, "/v1/challenges"),
        _area("pauses", lambda deps: deps.pauses, "/v1/me/pauses"),
        _area("social", lambda deps: deps.social, "/v1/friends", "/v1/leaderboard"),
        _area("friend_streaks", lambda deps: deps.social, "/v1/friend-streaks", "/v1/me/friend-streaks"),
        _area(
            "admin",
            lambda deps: deps.admin,
            "/v1/admin/dead-letters",
            "/v1/admin/maintenance-runs/",
            "/v1/admin/outages",
            "/v1/admin/users/",
        ),
        _area("analytics", lambda deps: deps.admin, "/v1/admin/analytics"),
        _area("data", lambda deps: deps.data, "/v1/me/export", "/v1/me/sessions", exact=("/v1/me",)),
        _area("webhooks", lambda deps: deps.webhooks, "/v1/admin/webhooks"),
        _area("leagues", lambda deps: deps.leagues, "/v1/me/league"),
        *mount(ROUTES, lambda deps: deps.request.allow_clock_override, DOCUMENT),
    ]
)
