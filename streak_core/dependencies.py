"""What each function, and each area of the API, is given to work with: the few ports it uses, no more.

Each is derived from the one container (streak_core/container.py) by the types of its fields: production
registers the adapters (`streak_core.bootstrap`), tests register fakes of the same ports
(`tests/unit/fakes.py`), and `compose` builds the services made of ports and every area the same way for
both."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from streak_core.container import Container, imported
from streak_core.domain.cards import TextMetrics
from streak_core.domain.config import DEFAULT_CONFIG, StreakConfig
from streak_core.ports.analytics import AnalyticsStore
from streak_core.ports.boards import LeaderboardStore
from streak_core.ports.challenges import ChallengeStore
from streak_core.ports.clock import Clock
from streak_core.ports.erasure import AccountDirectory, Eraser
from streak_core.ports.identity import TokenVerifier
from streak_core.ports.jobs import JobQueue, JobStore
from streak_core.ports.leagues import LeagueStore
from streak_core.ports.maintenance import (
    BatchPublisher,
    DeadLetterStore,
    MaintenanceStore,
    OutageStore,
    RunStore,
    TickPublisher,
)
from streak_core.ports.notifications import DispatchQueue, ReminderStore
from streak_core.ports.pauses import PauseStore
from streak_core.ports.rebuild import RebuildStore
from streak_core.ports.shares import Rasterizer, ShareStore
from streak_core.ports.users import BadgeCounts, Profiles, UserStore
from streak_core.ports.your_data import UserDataReader
from streak_core.services.calendar_cache import CalendarCache
from streak_core.services.rate_limit import SharedRateLimiter

if TYPE_CHECKING:
    from streak_core.services.cursors import Cursors
    from streak_core.services.dispatch import Dispatcher
    from streak_core.services.export import ExportSources
    from streak_core.services.friend_streaks import FriendStreaks
    from streak_core.services.friends import Friends
    from streak_core.services.leaderboard import Leaderboards
    from streak_core.services.leagues import Leagues, LeagueSettler
    from streak_core.services.maintenance import BatchWorker
    from streak_core.services.unsubscribe import UnsubscribeLinks
    from streak_core.services.webhooks import Webhooks

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
    friend_streaks: FriendStreaks | None = None  # checked after the user's days change


@dataclass
class MeDeps:
    """The caller's own state: streak, calendar, days, notifications, devices and settings."""

    store: UserStore
    cursors: Cursors
    unsubscribes: UnsubscribeLinks
    config: StreakConfig = DEFAULT_CONFIG
    calendar_cache: CalendarCache = field(default_factory=CalendarCache)


@dataclass
class StatsDeps:
    """Badges, insights, the heatmap and Wrapped."""

    store: UserStore
    badge_counts: BadgeCounts
    rasterizer: Rasterizer
    analytics: AnalyticsStore
    text_metrics: TextMetrics
    config: StreakConfig = DEFAULT_CONFIG


@dataclass
class ShareDeps:
    """Share cards, shares and their public pages."""

    store: UserStore
    shares: ShareStore
    rasterizer: Rasterizer
    text_metrics: TextMetrics
    config: StreakConfig = DEFAULT_CONFIG
    public_base_url: str | None = None  # where share links point; else the URL the request came to


@dataclass
class ChallengeDeps:
    challenges: ChallengeStore
    profiles: Profiles
    cursors: Cursors
    notify: DispatchQueue | None = None
    config: StreakConfig = DEFAULT_CONFIG


@dataclass
class PauseDeps:
    pauses: PauseStore
    config: StreakConfig = DEFAULT_CONFIG


@dataclass
class SocialDeps:
    """Leaderboards, friends and friend streaks."""

    leaderboards: Leaderboards
    friends: Friends
    friend_streaks: FriendStreaks


@dataclass
class AdminDeps:
    """The operators' routes: runs, rebuilds, freezes, outages, dead letters."""

    store: UserStore
    runs: RunStore
    rebuilds: RebuildStore
    maintenance: MaintenanceStore
    outages: OutageStore
    ticks: TickPublisher
    dead_letters: DeadLetterStore
    replay_worker: BatchWorker
    analytics: AnalyticsStore
    config: StreakConfig = DEFAULT_CONFIG
    page_size: int = 500  # users read at a time when a request pages through them (an outage's dry run)


@dataclass
class DataDeps:
    """The caller's own data: the session log (listed, a session deleted), the export, the erasure."""

    store: UserStore
    data: UserDataReader
    rebuilds: RebuildStore
    cursors: Cursors
    export: ExportSources
    eraser: Eraser
    accounts: AccountDirectory
    verifier: TokenVerifier | None = None  # told to forget an erased user's tokens
    job_queue: JobQueue | None = None  # None: an erasure runs in the request itself
    config: StreakConfig = DEFAULT_CONFIG


@dataclass
class WebhookDeps:
    """The operators' webhook endpoints and their deliveries."""

    webhooks: Webhooks
    cursors: Cursors


@dataclass
class LeagueDeps:
    """Weekly leagues: the caller's cohort, joining it, past weeks."""

    leagues: Leagues


class _Area(Generic[A]):
    """An area of ApiDependencies: taken from the container when first asked for, then the same object."""

    def __init__(self, kind: type[A]) -> None:
        self.kind = kind

    def __get__(self, deps: ApiDependencies, owner: type[ApiDependencies]) -> A:
        return deps.container.get(self.kind)


class ApiDependencies:
    """The `api` function's dependencies, by area: each route receives its own area's, built when a route
    of the area first runs (a cold start builds what its route uses: the sessions area never builds the
    webhooks' or the leagues' services)."""

    request = _Area(RequestDeps)
    sessions = _Area(SessionDeps)
    me = _Area(MeDeps)
    stats = _Area(StatsDeps)
    shares = _Area(ShareDeps)
    challenges = _Area(ChallengeDeps)
    pauses = _Area(PauseDeps)
    social = _Area(SocialDeps)
    admin = _Area(AdminDeps)
    data = _Area(DataDeps)
    webhooks = _Area(WebhookDeps)
    leagues = _Area(LeagueDeps)

    def __init__(self, container: Container) -> None:
        self.container = container


@dataclass
class JobDependencies:
    """What the `session_jobs` function needs: the batch's own dependencies and the job records."""

    jobs: JobStore
    store: UserStore
    clock: Clock
    notify: DispatchQueue | None = None
    config: StreakConfig = DEFAULT_CONFIG
    max_attempts: int = 3
    time_budget: float | None = None  # seconds a task may spend in all
    eraser: Eraser | None = None  # with accounts: the queue's erasure tasks
    accounts: AccountDirectory | None = None
    friend_streaks: FriendStreaks | None = None


@dataclass
class MaintenanceDependencies:
    runs: RunStore
    publisher: BatchPublisher
    dead_letters: DeadLetterStore
    batch_worker: BatchWorker  # hands what still fails to the retry queue
    retry_worker: BatchWorker  # used by the queue's handler itself: no queue of its own
    outages: OutageStore
    clock: Clock
    config: StreakConfig = DEFAULT_CONFIG
    allow_clock_override: bool = False
    page_size: int = 500
    query_page_size: int = 5000
    max_attempts: int = 5
    leagues: LeagueSettler | None = None  # None: no league weeks are settled
    friend_streaks: FriendStreaks | None = None  # None: no friend streak is checked at night
    league_page_size: int = 10  # cohorts per settlement batch message
    event_budget: float | None = None  # seconds a tick or batch message may spend in all
    task_budget: float | None = None  # seconds a retry task may spend in all


@dataclass
class NotificationDependencies:
    dispatcher: Dispatcher
    reminders: ReminderStore
    profiles: Profiles
    clock: Clock
    config: StreakConfig = DEFAULT_CONFIG
    allow_clock_override: bool = False
    sweep_limit: int = 200
    time_budget: float | None = None  # seconds a task may spend in all
    webhooks: Webhooks | None = None  # events fanned out to endpoints, and the lanes drained
    friend_streaks: FriendStreaks | None = None  # pairs checked after a friend's change


@dataclass
class AccountDependencies:
    """What the `on_account_deleted` function needs: to erase a user whose account is gone."""

    eraser: Eraser
    accounts: AccountDirectory
    clock: Clock
    time_budget: float | None = None


@dataclass
class OpsDependencies:
    """What the operator's command line works with (ops/cli.py)."""

    users: UserStore
    rebuilds: RebuildStore
    maintenance: MaintenanceStore
    outages: OutageStore
    ticks: TickPublisher
    runs: RunStore
    dead_letters: DeadLetterStore
    replay_worker: BatchWorker
    clock: Clock
    boards: LeaderboardStore
    jobs: JobStore
    eraser: Eraser
    accounts: AccountDirectory
    export: ExportSources
    job_queue: JobQueue | None = None  # None: SESSION_JOBS_URL is not set, failed jobs cannot be replayed
    leagues: LeagueStore | None = None
    config: StreakConfig = DEFAULT_CONFIG


# Each area of the API, as ApiDependencies lists them (so the two cannot drift).
AREAS: tuple[type[Any], ...] = tuple(v.kind for v in vars(ApiDependencies).values() if isinstance(v, _Area))
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
    for name in COMPOSED:
        c.register(name, _derived_named(name))
    for kind in AREAS:
        c.register(kind, _derived(kind))
    c.register(
        DEFERRED["BatchWorker"], lambda c: c.derive(imported(DEFERRED["BatchWorker"]), retry_queue=None)
    )


def _derived(kind: type[Any]) -> Any:
    return lambda c: c.derive(kind)


def _derived_named(name: str) -> Any:
    return lambda c: c.derive(imported(name))


def derive_api(c: Container) -> ApiDependencies:
    return ApiDependencies(c)
