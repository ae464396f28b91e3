"""Route tables: what each HTTP function serves, with every status a route can answer declared on it."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Generic, TypeVar

import flask
from pydantic import BaseModel

from functions.http import ApiError, Binary
from streak_core.ports.identity import Principal

D = TypeVar("D")
M = TypeVar("M", bound=BaseModel)


class Auth(Enum):
    NONE = "none"  # public, or called by the platform (Cloud Tasks, Scheduler)
    USER = "user"  # a Firebase ID token
    ADMIN = "admin"  # a Firebase ID token with the `admin` claim


@dataclass(frozen=True)
class Reply:
    """A handler's answer: status and body model (None for 204/no body); `cache_control` makes it
    cacheable with an ETag (and 304 to a matching If-None-Match)."""

    status: int
    body: BaseModel | Binary | None = None
    cache_control: str | None = None
    log_fields: Mapping[str, object] = field(default_factory=dict)  # added to the request's log line
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Call(Generic[D]):
    """What a handler gets: the request, the caller, `now`, dependencies, and its parsed inputs."""

    request: flask.Request
    deps: D
    principal: Principal | None
    now: datetime
    params: dict[str, str] = field(default_factory=dict)
    body: BaseModel | None = None
    query: BaseModel | None = None

    @property
    def uid(self) -> str:
        assert self.principal is not None, "only routes with Auth.USER or Auth.ADMIN have a caller"
        return self.principal.uid

    def body_as(self, model: type[M]) -> M:
        assert isinstance(self.body, model), f"the route declares {model.__name__} as its body"
        return self.body

    def query_as(self, model: type[M]) -> M:
        assert isinstance(self.query, model), f"the route declares {model.__name__} as its query"
        return self.query


@dataclass(frozen=True)
class Route(Generic[D]):
    """One operation. `responses` maps success statuses to body models (None: no body); `errors` lists the
    error statuses the handler itself can answer. The ones the pipeline answers follow from the rest
    (see `error_statuses`), so the OpenAPI document states every status the route can return."""

    method: str
    path: str
    handler: Callable[[Call[D]], Reply]
    summary: str
    responses: Mapping[int, type[BaseModel] | None]
    errors: tuple[int, ...] = ()
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    auth: Auth = Auth.USER
    path_schemas: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    media_types: tuple[str, ...] = ()  # a success body that is not JSON (its `responses` model is None)

    @property
    def pattern(self) -> re.Pattern[str]:
        return re.compile("^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(self.path)) + "$")

    @property
    def path_params(self) -> list[str]:
        return list(self.pattern.groupindex)

    def error_statuses(self, clock_override: bool) -> list[int]:
        statuses = set(self.errors)
        if self.auth is not Auth.NONE:
            statuses |= {401, 429, 503}  # the token check, the rate limit, the store
        if self.auth is Auth.ADMIN:
            statuses.add(403)
        if self.body is not None:
            statuses |= {400, 413, 422}
        if self.query is not None:
            statuses.add(422)
        if self.path_params:
            statuses.add(404)  # an id no resource can have, or a value the path cannot carry
        if clock_override:
            statuses.add(400)  # a malformed X-Now
        return sorted(statuses)


class RouteTable(Generic[D]):
    def __init__(self, routes: Sequence[Route[D]]) -> None:
        self.routes = list(routes)
        self._compiled = [(route, route.pattern) for route in self.routes]

    def match(self, method: str, path: str) -> tuple[Route[D], dict[str, str]]:
        """The route and its path parameters; ApiError 404 for an unknown path, 405 (with `Allow`) for a
        method the path does not have."""
        wanted = "GET" if method == "HEAD" else method  # HEAD is GET without the body (werkzeug drops it)
        allowed: list[str] = []
        for route, pattern in self._compiled:
            found = pattern.match(path)
            if found is None:
                continue
            if route.method == wanted:
                return route, found.groupdict()
            allowed.append(route.method)
        if allowed:
            raise method_not_allowed(method, allowed)
        raise ApiError(404, "not_found", "No such route.")


def method_not_allowed(method: str, allowed: Sequence[str]) -> ApiError:
    methods = ", ".join(sorted({*allowed, *(["HEAD"] if "GET" in allowed else [])}))
    return ApiError(
        405,
        "method_not_allowed",
        f"This path does not support {method}; it supports {methods}.",
        headers={"Allow": methods},
    )
