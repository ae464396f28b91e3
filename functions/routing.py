"""Route tables: what each HTTP function serves, with every status a route can answer declared on it."""

from __future__ import annotations

import importlib
import inspect
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any, Generic, TypedDict, TypeVar, Unpack

import flask
from pydantic import BaseModel

from functions.http import ApiError, Binary, Stream
from streak_core.ports.identity import Principal

D = TypeVar("D")
R = TypeVar("R")  # the dependencies a whole table is served with
M = TypeVar("M", bound=BaseModel)


class Auth(Enum):
    NONE = "none"  # called by the platform (Cloud Tasks, Scheduler, Pub/Sub), which authenticates it
    PUBLIC = "public"  # anyone, no token: limited per client address (share pages, unsubscribe, the document)
    USER = "user"  # a Firebase ID token
    ADMIN = "admin"  # a Firebase ID token with the `admin` claim


@dataclass(frozen=True)
class Reply:
    """A handler's answer: status and body model (None for 204/no body); `cache_control` makes it
    cacheable with an ETag (and 304 to a matching If-None-Match)."""

    status: int
    body: BaseModel | Binary | Stream | None = None
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
    description: str = ""  # the document's longer text; routes of the `api` function must have one
    operation_id: str = ""  # camelCase, read as a method name by client generators (`acceptSession`)

    @property
    def path_params(self) -> list[str]:
        return re.findall(r"\{(\w+)\}", self.path)

    def error_statuses(self, clock_override: bool) -> list[int]:
        statuses = set(self.errors)
        if self.auth is not Auth.NONE:
            statuses.add(429)  # every route a client calls is rate-limited (per user, or per address)
        if self.auth in (Auth.USER, Auth.ADMIN):
            statuses |= {401, 503}  # the token check, the store
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


Handler = Callable[[Call[D]], Reply]
Responses = Mapping[int, type[BaseModel] | None]


class RouteOptions(TypedDict, total=False):
    errors: tuple[int, ...]
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    auth: Auth
    path_schemas: Mapping[str, Mapping[str, object]]
    media_types: tuple[str, ...]
    description: str  # where the text is computed (it names a limit); otherwise the docstring says it
    operation_id: str


class Routes(list[Route[D]]):
    """An area's routes, each declared on its handler: `@ROUTES.get(path, responses, ...)`. The handler's
    docstring is the operation's text: its first paragraph the summary, the rest the description. Listed
    in the order they are declared, which is the order of the document. `auth` is the area's own (an
    admin area, the platform's task handlers); a route may say otherwise."""

    def __init__(self, auth: Auth = Auth.USER) -> None:
        super().__init__()
        self.auth = auth

    def get(
        self, path: str, responses: Responses, **options: Unpack[RouteOptions]
    ) -> Callable[[Handler[D]], Handler[D]]:
        return self._on("GET", path, responses, options)

    def post(
        self, path: str, responses: Responses, **options: Unpack[RouteOptions]
    ) -> Callable[[Handler[D]], Handler[D]]:
        return self._on("POST", path, responses, options)

    def patch(
        self, path: str, responses: Responses, **options: Unpack[RouteOptions]
    ) -> Callable[[Handler[D]], Handler[D]]:
        return self._on("PATCH", path, responses, options)

    def delete(
        self, path: str, responses: Responses, **options: Unpack[RouteOptions]
    ) -> Callable[[Handler[D]], Handler[D]]:
        return self._on("DELETE", path, responses, options)

    def _on(
        self, method: str, path: str, responses: Responses, options: RouteOptions
    ) -> Callable[[Handler[D]], Handler[D]]:
        def declare(handler: Handler[D]) -> Handler[D]:
            summary, _, description = inspect.cleandoc(handler.__doc__ or "").partition("\n\n")
            options.setdefault("description", " ".join(description.split()))
            options.setdefault("auth", self.auth)
            self.append(Route(method, path, handler, " ".join(summary.split()), responses, **options))
            return handler

        return declare


@dataclass(frozen=True)
class Tag:
    """An area of the API as the document groups it: one tag per area, described."""

    name: str
    description: str


@dataclass(frozen=True)
class Mounted(Generic[R]):
    """A route in a table whose handlers need different dependencies: `pick` takes the route's own out of
    the table's (each area of the API gets the few ports it uses, not all of them); `tag` is its area."""

    route: Route[Any]
    pick: Callable[[R], Any]
    tag: Tag | None = None


def mount(routes: Sequence[Route[D]], pick: Callable[[R], D], tag: Tag | None = None) -> list[Mounted[R]]:
    """An area's routes, served with the dependencies `pick` selects for them, under the area's tag."""
    return [Mounted(route, pick, tag) for route in routes]


@dataclass(frozen=True)
class Area(Generic[R]):
    """An area of a table named by the module declaring its `ROUTES` and `TAG`, imported when a request
    first needs it (a cold start imports the area it serves, not all fourteen). Every path of the area
    starts with one of `prefixes` or is one of `exact` (tests/unit/test_routing.py checks it), so the
    areas a path can belong to are known without importing any of them."""

    module: str
    pick: Callable[[R], Any]
    prefixes: tuple[str, ...] = ()
    exact: tuple[str, ...] = ()

    def holds(self, path: str) -> bool:
        return path in self.exact or path.startswith(self.prefixes)

    def load(self) -> list[Mounted[R]]:
        module = importlib.import_module(self.module)
        return mount(module.ROUTES, self.pick, module.TAG)


class RouteTable(Generic[R]):
    """The routes one function serves. Matching does not depend on the order they are listed in: of the
    path templates that match, the most specific wins (the most literal characters, so `/s/{id}.png` beats
    `/s/{id}` and `/v1/challenges/{id}:join` beats `/v1/challenges/{id}`); should two equally specific
    templates match one path, it is a 404, never whichever was listed first. Areas are loaded when a path
    they hold is first asked for (and all of them for `routes`, the document's view)."""

    def __init__(self, routes: Sequence[Route[R] | Mounted[R] | Area[R]]) -> None:
        self._order: list[Mounted[R] | Area[R]] = [
            entry if isinstance(entry, Mounted | Area) else Mounted(entry, _same) for entry in routes
        ]
        self._loaded: dict[int, list[Mounted[R]]] = {}
        self._templates: dict[str, dict[str, Mounted[R]]] = {}
        self._compiled: list[tuple[re.Pattern[str], tuple[int, int], dict[str, Mounted[R]]]] = []
        self._lock = threading.Lock()
        with self._lock:
            for n, entry in enumerate(self._order):
                if isinstance(entry, Mounted):
                    self._add(n, [entry])

    @property
    def mounted(self) -> list[Mounted[R]]:
        """Every route, in the order the table lists them (each area loaded)."""
        self._load(lambda _: True)
        return [m for n in range(len(self._order)) for m in self._loaded[n]]

    @property
    def routes(self) -> list[Route[Any]]:
        return [entry.route for entry in self.mounted]

    def _load(self, wanted: Callable[[Area[R]], bool]) -> None:
        due = [
            n
            for n, e in enumerate(self._order)
            if isinstance(e, Area) and n not in self._loaded and wanted(e)
        ]
        if not due:
            return
        with self._lock:  # requests on several threads: each area is imported and added once
            for n in due:
                area = self._order[n]
                if n not in self._loaded and isinstance(area, Area):
                    self._add(n, area.load())

    def _add(self, n: int, entries: list[Mounted[R]]) -> None:
        for entry in entries:
            methods = self._templates.setdefault(entry.route.path, {})
            if entry.route.method in methods:
                raise ValueError(f"{entry.route.method} {entry.route.path} is declared twice")
            methods[entry.route.method] = entry
        self._loaded[n] = entries
        self._compiled = [
            (re.compile(_pattern(path)), _specificity(path), methods)
            for path, methods in self._templates.items()
        ]

    def match(self, method: str, path: str) -> tuple[Mounted[R], dict[str, str]]:
        """The route and its path parameters; ApiError 404 for an unknown path, 405 (with `Allow`) for a
        method no matching template has."""
        self._load(lambda area: area.holds(path))
        found = [
            (rank, methods, hit) for pattern, rank, methods in self._compiled if (hit := pattern.match(path))
        ]
        if not found:
            raise ApiError(404, "not_found", "No such route.")
        wanted = "GET" if method == "HEAD" else method  # HEAD is GET without the body (werkzeug drops it)
        # Of the templates that serve this method, the most specific: `DELETE /v1/friends/requests` is the
        # friend "requests" removed, not a 405 from `POST /v1/friends/requests`.
        serving = [(rank, methods[wanted], hit) for rank, methods, hit in found if wanted in methods]
        if not serving:
            raise method_not_allowed(method, sorted({m for _, methods, _ in found for m in methods}))
        rank, entry, hit = max(serving, key=lambda item: item[0])
        if [r for r, _, _ in serving].count(rank) > 1:
            raise ApiError(404, "not_found", "No such route.")  # ambiguous: no template is more specific
        return entry, hit.groupdict()


def _same(deps: R) -> R:
    return deps


def _pattern(path: str) -> str:
    return "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(path)) + "$"


def _specificity(path: str) -> tuple[int, int]:
    """More literal characters first; then fewer parameters."""
    parameters = re.findall(r"\{\w+\}", path)
    return len(path) - sum(map(len, parameters)), -len(parameters)


def method_not_allowed(method: str, allowed: Sequence[str]) -> ApiError:
    methods = ", ".join(sorted({*allowed, *(["HEAD"] if "GET" in allowed else [])}))
    return ApiError(
        405,
        "method_not_allowed",
        f"This path does not support {method}; it supports {methods}.",
        headers={"Allow": methods},
    )
