"""What the `api` function is given to work with: its areas, each derived when a route of it first runs, the
pipeline's own and the sessions area's; and `compose`, which registers what is made of ports.

Each area (and each other function's dependencies, streak_core/function_dependencies.py) is derived from the
one container (streak_core/container.py) by the types of its fields: production registers the adapters
(`streak_core.bootstrap`), tests register fakes of the same ports (`tests/unit/fakes.py`), and `compose`
builds the services made of ports and every area the same way for both. The other areas are in
streak_core/areas.py, named here and imported when first derived: each area's dataclass costs a cold start
0.3-0.7 ms to build, and a `POST /v1/sessions` cold start has no use for the other 15."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from streak_core.container import Container, imported, name_of
from streak_core.domain.config import DEFAULT_CONFIG, StreakConfig
from streak_core.ports.clock import Clock
from streak_core.ports.erasure import Eraser
from streak_core.ports.followups import DispatchQueue, FriendStreakQueue
from streak_core.ports.identity import TokenVerifier
from streak_core.ports.jobs import JobQueue, JobStore
from streak_core.ports.users import UserStore
from streak_core.services.rate_limit import SharedRateLimiter

if TYPE_CHECKING:
    from streak_core.areas import (
        AdminDeps,
        ChallengeDeps,
        DataDeps,
        LeagueDeps,
        MeDeps,
        PauseDeps,
        ShareDeps,
        SocialDeps,
        StatsDeps,
        WebhookDeps,
    )

# The services the areas below hold, imported when an area holding one is first derived (container.py's
# `hints_of`), not with this module: a cold start imports the services of the area it serves.
DEFERRED = {
    "Cursors": "streak_core.services.cursors:Cursors",
    "Dispatcher": "streak_core.services.dispatch:Dispatcher",
    "ExportSources": "streak_core.services.export:ExportSources",
    "FriendStreaks": "streak_core.services.friend_streaks:FriendStreaks",
    "Friends": "streak_core.services.friends:Friends",
    "Leaderboards": "streak_core.services.leaderboard:Leaderboards",
    "Leagues": "streak_core.services.leagues:Leagues",
    "LeagueSettler": "streak_core.services.leagues:LeagueSettler",
    "BatchWorker": "streak_core.services.maintenance:BatchWorker",
    "UnsubscribeLinks": "streak_core.services.unsubscribe:UnsubscribeLinks",
    "Webhooks": "streak_core.services.webhooks:Webhooks",
}

A = TypeVar("A")


@dataclass
class RequestDeps:
    """What the API's pipeline needs before any route runs: who is calling, how often, and when."""

    verifier: TokenVerifier
    clock: Clock
    rate_limiter: SharedRateLimiter | None = None  # None: no limits
    allow_clock_override: bool = False
    time_budget: float | None = None  # seconds a request may spend in all (None: the library's defaults)
    trusted_proxy_hops: int = (
        0  # X-Forwarded-For entries appended after the client's (pipeline.client_address)
    )


@dataclass
class SessionDeps:
    """Sessions in, one at a time, in batches, or as asynchronous jobs (`jobs` and `job_queue` both set)."""

    store: UserStore
    notify: DispatchQueue | None = None
    config: StreakConfig = DEFAULT_CONFIG
    jobs: JobStore | None = None
    job_queue: JobQueue | None = None
    eraser: Eraser | None = None  # an erasure is followed as a job too
    pair_checks: FriendStreakQueue | None = None  # the user's friend streaks, checked after their days change


class _Area(Generic[A]):
    """An area of ApiDependencies: taken from the container when first asked for, then the same object.
    Named `module:Qualname` when its module is imported only then."""

    def __init__(self, kind: type[A] | str) -> None:
        self.name = name_of(kind)

    def __get__(self, deps: ApiDependencies, owner: type[ApiDependencies]) -> A:
        built: A = deps.container.get(self.name)
        return built


def _other(name: str) -> Any:
    """An area of streak_core/areas.py, by name."""
    return _Area(f"streak_core.areas:{name}")


class ApiDependencies:
    """The `api` function's dependencies, by area: each route receives its own area's, built when a route
    of the area first runs (a cold start builds what its route uses: the sessions area never builds the
    webhooks' or the leagues' services)."""

    request: _Area[RequestDeps] = _Area(RequestDeps)
    sessions: _Area[SessionDeps] = _Area(SessionDeps)
    me: _Area[MeDeps] = _other("MeDeps")
    stats: _Area[StatsDeps] = _other("StatsDeps")
    shares: _Area[ShareDeps] = _other("ShareDeps")
    challenges: _Area[ChallengeDeps] = _other("ChallengeDeps")
    pauses: _Area[PauseDeps] = _other("PauseDeps")
    social: _Area[SocialDeps] = _other("SocialDeps")
    admin: _Area[AdminDeps] = _other("AdminDeps")
    data: _Area[DataDeps] = _other("DataDeps")
    webhooks: _Area[WebhookDeps] = _other("WebhookDeps")
    leagues: _Area[LeagueDeps] = _other("LeagueDeps")

    def __init__(self, container: Container) -> None:
        self.container = container


# Each area of the API by name (`module:Qualname`), as ApiDependencies lists them (so the two cannot drift).
AREAS: tuple[str, ...] = tuple(v.name for v in vars(ApiDependencies).values() if isinstance(v, _Area))
# Services made of ports alone: derived from the container like the areas (imported when first built).
COMPOSED: tuple[str, ...] = tuple(
    DEFERRED[name]
    for name in ("Friends", "FriendStreaks", "Leaderboards", "Leagues", "LeagueSettler", "ExportSources")
)


def compose(c: Container) -> None:
    """Register what is made of ports, the same in production and in tests: the composed services, the
    replay worker (no retry queue of its own) and each area of the API."""
    if not c.has(StreakConfig):
        c.value(StreakConfig, DEFAULT_CONFIG)
    for name in (*COMPOSED, *AREAS):
        c.register(name, _derived(name))
    c.register(
        DEFERRED["BatchWorker"], lambda c: c.derive(imported(DEFERRED["BatchWorker"]), retry_queue=None)
    )


def _derived(name: str) -> Any:
    """The factory of what `name` names, derived from the container (its module imported when first built)."""
    return lambda c: c.derive(imported(name))


def derive_api(c: Container) -> ApiDependencies:
    return ApiDependencies(c)
