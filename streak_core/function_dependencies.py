"""What each function other than `api` is given to work with, derived from the one container like the API's
areas (streak_core/dependencies.py): `session_jobs`, the maintenance, the notifications, the account
events, and the operators' command line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from streak_core.dependencies import DEFERRED as DEFERRED  # the services named below (container.hints_of)
from streak_core.domain.config import DEFAULT_CONFIG, StreakConfig
from streak_core.ports.boards import LeaderboardStore
from streak_core.ports.clock import Clock
from streak_core.ports.erasure import AccountDirectory, Eraser
from streak_core.ports.followups import DispatchQueue, FriendStreakQueue
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
from streak_core.ports.notifications import ReminderStore
from streak_core.ports.rebuild import RebuildStore
from streak_core.ports.users import Profiles, UserStore

if TYPE_CHECKING:
    from streak_core.services.dispatch import Dispatcher
    from streak_core.services.export import ExportSources
    from streak_core.services.friend_streaks import FriendStreaks
    from streak_core.services.leagues import LeagueSettler
    from streak_core.services.maintenance import BatchWorker
    from streak_core.services.webhooks import Webhooks


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
    pair_checks: FriendStreakQueue | None = None


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
