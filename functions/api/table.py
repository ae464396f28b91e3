"""The `api` function's route table: every area's routes, each served with its own dependencies; and the
OpenAPI document built from it."""

from __future__ import annotations

from functools import cache

from functions.api.routes import (
    admin,
    analytics,
    challenges,
    data,
    friend_streaks,
    leagues,
    me,
    pauses,
    sessions,
    shares,
    social,
    stats,
    webhooks,
    wrapped,
)
from functions.api.shared import Document
from functions.openapi import openapi_document
from functions.routing import Auth, Call, Reply, Routes, RouteTable, Tag, mount
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
    return Document(openapi_document(API, clock_override))


DOCUMENT = Tag("Document", "This OpenAPI document, from which app teams generate their clients.")


API: RouteTable[ApiDependencies] = RouteTable(
    [
        *mount(sessions.ROUTES, lambda deps: deps.sessions, sessions.TAG),
        *mount(me.ROUTES, lambda deps: deps.me, me.TAG),
        *mount(stats.ROUTES, lambda deps: deps.stats, stats.TAG),
        *mount(wrapped.ROUTES, lambda deps: deps.stats, wrapped.TAG),
        *mount(shares.ROUTES, lambda deps: deps.shares, shares.TAG),
        *mount(challenges.ROUTES, lambda deps: deps.challenges, challenges.TAG),
        *mount(pauses.ROUTES, lambda deps: deps.pauses, pauses.TAG),
        *mount(social.ROUTES, lambda deps: deps.social, social.TAG),
        *mount(friend_streaks.ROUTES, lambda deps: deps.social, friend_streaks.TAG),
        *mount(admin.ROUTES, lambda deps: deps.admin, admin.TAG),
        *mount(analytics.ROUTES, lambda deps: deps.admin, analytics.TAG),
        *mount(data.ROUTES, lambda deps: deps.data, data.TAG),
        *mount(webhooks.ROUTES, lambda deps: deps.webhooks, webhooks.TAG),
        *mount(leagues.ROUTES, lambda deps: deps.leagues, leagues.TAG),
        *mount(ROUTES, lambda deps: deps.request.allow_clock_override, DOCUMENT),
    ]
)
