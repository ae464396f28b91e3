"""What each area of the API other than sessions is given to work with (the few ports it uses, no more),
imported when a route of one first runs (streak_core/dependencies.py names them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from streak_core.dependencies import DEFERRED as DEFERRED  # the services named below (container.hints_of)
from streak_core.domain.cards import TextMetrics
from streak_core.domain.config import DEFAULT_CONFIG, StreakConfig
from streak_core.ports.analytics import AnalyticsStore
from streak_core.ports.challenges import ChallengeStore
from streak_core.ports.erasure import AccountDirectory, Eraser
from streak_core.ports.followups import DispatchQueue
from streak_core.ports.identity import TokenVerifier
from streak_core.ports.jobs import JobQueue
from streak_core.ports.maintenance import (
    DeadLetterStore,
    MaintenanceStore,
    OutageStore,
    RunStore,
    TickPublisher,
)
from streak_core.ports.pauses import PauseStore
from streak_core.ports.rebuild import RebuildStore
from streak_core.ports.shares import Rasterizer, ShareStore
from streak_core.ports.users import BadgeCounts, Profiles, UserStore
from streak_core.ports.your_data import UserDataReader
from streak_core.services.calendar_cache import CalendarCache

if TYPE_CHECKING:
    from streak_core.services.cursors import Cursors
    from streak_core.services.export import ExportSources
    from streak_core.services.friend_streaks import FriendStreaks
    from streak_core.services.friends import Friends
    from streak_core.services.leaderboard import Leaderboards
    from streak_core.services.leagues import Leagues
    from streak_core.services.maintenance import BatchWorker
    from streak_core.services.unsubscribe import UnsubscribeLinks
    from streak_core.services.webhooks import Webhooks


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
