"""The one place that reads the environment and builds the object graph; clients are created lazily."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache

from limits import RateLimitItem
from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from streak_core.domain.cards import TextMetrics
from streak_core.domain.config import DEFAULT_CONFIG, StreakConfig
from streak_core.domain.vocabulary import LimitScope
from streak_core.ports.boards import LeaderboardStore
from streak_core.ports.challenges import ChallengeStore
from streak_core.ports.clock import Clock
from streak_core.ports.identity import TokenVerifier
from streak_core.ports.jobs import JobQueue, JobStore
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
from streak_core.services.calendar_cache import CalendarCache
from streak_core.services.cursors import Cursors
from streak_core.services.dispatch import Dispatcher
from streak_core.services.friends import Friends
from streak_core.services.leaderboard import BoardCache, Leaderboards
from streak_core.services.maintenance import BatchWorker
from streak_core.services.rate_limit import SharedRateLimiter, parse_limits

log = logging.getLogger(__name__)


class Settings(BaseSettings):
    """Every environment variable the functions read, with its default (names are case-insensitive)."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    project_id: str | None = Field(
        default=None, validation_alias=AliasChoices("GOOGLE_CLOUD_PROJECT", "GCLOUD_PROJECT")
    )
    # Local runs and tests only: honour `X-Now` and `now` overrides of the clock.
    allow_clock_override: bool = False
    # Request windows in the `limits` notation; an empty value switches that scope's limit off.
    rate_limit_writes: str = "3/second;20/10 seconds;100/minute"  # per user: the seed's figures
    rate_limit_reads: str = "10/second;60/10 seconds;300/minute"  # per user
    rate_limit_public: str = "5/second;30/10 seconds;120/minute"  # per client address: public share pages
    public_base_url: str | None = None  # e.g. https://share.example.com: the base of public share links
    # Signs page cursors. Unset, each instance draws its own key, so a cursor only works on the instance
    # that issued it: deployments set it (the same on every instance).
    cursor_secret: SecretStr | None = None
    leaderboard_snapshot_max_age_seconds: float = 60.0
    leaderboard_memory_cache_seconds: float = 10.0
    tasks_location: str = "us-central1"
    cloud_tasks_emulator_host: str | None = None
    notifications_queue: str = "notifications"
    # The `notifications` function's /dispatch; unset, entries are sent by the scheduled sweep alone.
    notifications_dispatch_url: str | None = None
    notifications_sweep_limit: int = 200
    session_jobs_queue: str = "session-jobs"
    # The `session_jobs` function's URL; unset, `Prefer: respond-async` is answered synchronously (RFC 7240).
    session_jobs_url: str | None = None
    session_jobs_max_attempts: int = 3  # the queue's max attempts: the last one dead-letters the job
    maintenance_retry_queue: str = "maintenance-retry"
    maintenance_retry_url: str = ""
    maintenance_retry_max_attempts: int = 5
    maintenance_page_size: int = 500
    maintenance_query_page_size: int = 5000
    firebase_auth_emulator_host: str | None = None
    fcm_url: str | None = None
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_sender: str = "Focus Streaks <streaks@localhost>"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False

    @field_validator("rate_limit_writes", "rate_limit_reads", "rate_limit_public")
    @classmethod
    def _limits_parse(cls, spec: str) -> str:
        parse_limits(spec)  # a typo fails the instance at start, not every request
        return spec

    def rate_policies(self) -> dict[LimitScope, tuple[RateLimitItem, ...]]:
        return {
            LimitScope.WRITE: parse_limits(self.rate_limit_writes),
            LimitScope.READ: parse_limits(self.rate_limit_reads),
            LimitScope.PUBLIC: parse_limits(self.rate_limit_public),
        }

    def cursors(self) -> Cursors:
        if self.cursor_secret is None:
            log.warning("CURSOR_SECRET is not set: page cursors only work on the instance that issued them")
            return Cursors(secrets.token_urlsafe(32))
        return Cursors(self.cursor_secret.get_secret_value())


@cache
def settings() -> Settings:
    """Read once per instance, on first use."""
    return Settings()


@dataclass
class ApiDependencies:
    store: UserStore
    verifier: TokenVerifier
    clock: Clock
    leaderboards: Leaderboards
    friends: Friends
    runs: RunStore
    dead_letters: DeadLetterStore
    replay_worker: BatchWorker
    cursors: Cursors
    pauses: PauseStore
    rebuilds: RebuildStore
    maintenance: MaintenanceStore
    outages: OutageStore
    ticks: TickPublisher
    badge_counts: BadgeCounts
    challenges: ChallengeStore
    rasterizer: Rasterizer
    text_metrics: TextMetrics
    shares: ShareStore
    profiles: Profiles
    notify: DispatchQueue | None = None
    config: StreakConfig = DEFAULT_CONFIG
    page_size: int = 500  # users read at a time when a request pages through them (an outage's dry run)
    allow_clock_override: bool = False
    rate_limiter: SharedRateLimiter | None = None  # None: no limits
    jobs: JobStore | None = None  # with job_queue: `Prefer: respond-async` makes a batch a job
    job_queue: JobQueue | None = None
    public_base_url: str | None = None  # where share links point; else the URL the request came to
    calendar_cache: CalendarCache = field(default_factory=CalendarCache)


def notifications_queue(env: Settings) -> DispatchQueue | None:
    """The `notifications` Cloud Tasks queue, whose tasks call the `notifications` function's /dispatch."""
    from streak_core.adapters.cloud_tasks import CloudTasksDispatchQueue, CloudTasksQueue

    if not env.notifications_dispatch_url:
        return None
    queue = CloudTasksQueue(
        env.project_id,
        env.tasks_location,
        env.notifications_queue,
        env.notifications_dispatch_url,
        env.cloud_tasks_emulator_host,
    )
    return CloudTasksDispatchQueue(queue)


def session_jobs_queue(env: Settings) -> JobQueue | None:
    """The `session-jobs` Cloud Tasks queue, whose tasks call the `session_jobs` function."""
    from streak_core.adapters.cloud_tasks import CloudTasksJobQueue, CloudTasksQueue

    if not env.session_jobs_url:
        return None
    queue = CloudTasksQueue(
        env.project_id,
        env.tasks_location,
        env.session_jobs_queue,
        env.session_jobs_url,
        env.cloud_tasks_emulator_host,
    )
    return CloudTasksJobQueue(queue)


@cache
def api_dependencies() -> ApiDependencies:
    """Built on the first request of an instance; importing this module needs no credentials."""
    from streak_core.adapters.firebase_auth import FirebaseTokenVerifier
    from streak_core.adapters.firestore.badges import FirestoreBadgeCounts
    from streak_core.adapters.firestore.boards import FirestoreLeaderboardStore
    from streak_core.adapters.firestore.challenges import FirestoreChallengeStore
    from streak_core.adapters.firestore.client import LazyFirestore
    from streak_core.adapters.firestore.dead_letters import FirestoreDeadLetters
    from streak_core.adapters.firestore.friends import FirestoreFriendStore
    from streak_core.adapters.firestore.jobs import FirestoreJobStore
    from streak_core.adapters.firestore.maintenance import FirestoreMaintenanceStore
    from streak_core.adapters.firestore.outages import FirestoreOutageStore
    from streak_core.adapters.firestore.pauses import FirestorePauseStore
    from streak_core.adapters.firestore.rate_limits import FirestoreStorage
    from streak_core.adapters.firestore.rebuild import FirestoreRebuildStore
    from streak_core.adapters.firestore.runs import FirestoreRunStore
    from streak_core.adapters.firestore.shares import FirestoreShareStore
    from streak_core.adapters.firestore.users import FirestoreProfiles, FirestoreUserStore
    from streak_core.adapters.pubsub_publisher import PubSubTickPublisher
    from streak_core.adapters.raster import ResvgRasterizer, RobotoMetrics
    from streak_core.adapters.system_clock import SystemClock

    env = settings()
    firestore = LazyFirestore(env.project_id)
    notify = notifications_queue(env)
    users, profiles = FirestoreUserStore(firestore), FirestoreProfiles(firestore)
    boards, friend_store = FirestoreLeaderboardStore(firestore), FirestoreFriendStore(firestore)
    cache = BoardCache(
        max_age=timedelta(seconds=env.leaderboard_snapshot_max_age_seconds),
        memory_age=env.leaderboard_memory_cache_seconds,
    )
    cursors = env.cursors()
    maintenance = FirestoreMaintenanceStore(firestore)
    return ApiDependencies(
        store=users,
        verifier=FirebaseTokenVerifier(env.project_id, emulated=bool(env.firebase_auth_emulator_host)),
        clock=SystemClock(),
        leaderboards=Leaderboards(users, boards, friend_store, cursors, cache),
        friends=Friends(friend_store, boards, profiles, DEFAULT_CONFIG),
        runs=FirestoreRunStore(firestore),
        dead_letters=FirestoreDeadLetters(firestore),
        replay_worker=BatchWorker(maintenance, DEFAULT_CONFIG, notify=notify),
        cursors=cursors,
        pauses=FirestorePauseStore(firestore),
        rebuilds=FirestoreRebuildStore(firestore),
        maintenance=maintenance,
        outages=FirestoreOutageStore(firestore),
        ticks=PubSubTickPublisher(env.project_id),
        badge_counts=FirestoreBadgeCounts(firestore),
        challenges=FirestoreChallengeStore(firestore),
        rasterizer=ResvgRasterizer(),
        text_metrics=RobotoMetrics(),
        shares=FirestoreShareStore(firestore),
        profiles=profiles,
        notify=notify,
        allow_clock_override=env.allow_clock_override,
        rate_limiter=SharedRateLimiter(env.rate_policies(), FirestoreStorage(firestore)),
        jobs=FirestoreJobStore(firestore),
        job_queue=session_jobs_queue(env),
        public_base_url=env.public_base_url,
    )


@dataclass
class JobDependencies:
    """What the `session_jobs` function needs: the batch's own dependencies and the job records."""

    jobs: JobStore
    store: UserStore
    clock: Clock
    notify: DispatchQueue | None = None
    config: StreakConfig = DEFAULT_CONFIG
    max_attempts: int = 3


@cache
def job_dependencies() -> JobDependencies:
    """Built on the first task of an instance; importing this module needs no credentials."""
    from streak_core.adapters.firestore.client import LazyFirestore
    from streak_core.adapters.firestore.jobs import FirestoreJobStore
    from streak_core.adapters.firestore.users import FirestoreUserStore
    from streak_core.adapters.system_clock import SystemClock

    env = settings()
    firestore = LazyFirestore(env.project_id)
    return JobDependencies(
        jobs=FirestoreJobStore(firestore),
        store=FirestoreUserStore(firestore),
        clock=SystemClock(),
        notify=notifications_queue(env),
        max_attempts=env.session_jobs_max_attempts,
    )


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


@cache
def maintenance_dependencies() -> MaintenanceDependencies:
    """Built on the first event of an instance; importing this module needs no credentials."""
    from streak_core.adapters.cloud_tasks import CloudTasksQueue, CloudTasksRetryQueue
    from streak_core.adapters.firestore.client import LazyFirestore
    from streak_core.adapters.firestore.dead_letters import FirestoreDeadLetters
    from streak_core.adapters.firestore.maintenance import FirestoreMaintenanceStore
    from streak_core.adapters.firestore.outages import FirestoreOutageStore
    from streak_core.adapters.firestore.runs import FirestoreRunStore
    from streak_core.adapters.pubsub_publisher import PubSubBatchPublisher
    from streak_core.adapters.system_clock import SystemClock

    env = settings()
    firestore = LazyFirestore(env.project_id)
    store = FirestoreMaintenanceStore(firestore)
    retry_queue = CloudTasksRetryQueue(
        CloudTasksQueue(
            env.project_id,
            env.tasks_location,
            env.maintenance_retry_queue,
            env.maintenance_retry_url,
            env.cloud_tasks_emulator_host,
        )
    )
    notify = notifications_queue(env)
    return MaintenanceDependencies(
        runs=FirestoreRunStore(firestore),
        publisher=PubSubBatchPublisher(env.project_id),
        dead_letters=FirestoreDeadLetters(firestore),
        batch_worker=BatchWorker(store, DEFAULT_CONFIG, retry_queue=retry_queue, notify=notify),
        retry_worker=BatchWorker(store, DEFAULT_CONFIG, notify=notify),
        outages=FirestoreOutageStore(firestore),
        clock=SystemClock(),
        allow_clock_override=env.allow_clock_override,
        page_size=env.maintenance_page_size,
        query_page_size=env.maintenance_query_page_size,
        max_attempts=env.maintenance_retry_max_attempts,
    )


@dataclass
class NotificationDependencies:
    dispatcher: Dispatcher
    reminders: ReminderStore
    profiles: Profiles
    clock: Clock
    config: StreakConfig = DEFAULT_CONFIG
    allow_clock_override: bool = False
    sweep_limit: int = 200


@cache
def notification_dependencies() -> NotificationDependencies:
    """Built on the first request of an instance; importing this module needs no credentials."""
    from streak_core.adapters.fcm_push import FcmPushSender
    from streak_core.adapters.firebase_auth import AuthEmailDirectory
    from streak_core.adapters.firestore.client import LazyFirestore
    from streak_core.adapters.firestore.outbox import FirestoreOutboxStore
    from streak_core.adapters.firestore.reminders import FirestoreReminderStore
    from streak_core.adapters.firestore.users import FirestoreProfiles
    from streak_core.adapters.smtp_email import SmtpEmailSender
    from streak_core.adapters.system_clock import SystemClock

    env = settings()
    firestore = LazyFirestore(env.project_id)
    directory = AuthEmailDirectory(env.project_id)
    email = SmtpEmailSender(
        env.smtp_host,
        env.smtp_port,
        env.smtp_sender,
        username=env.smtp_username or None,
        password=env.smtp_password.get_secret_value() if env.smtp_password else None,
        starttls=env.smtp_starttls,
    )
    return NotificationDependencies(
        dispatcher=Dispatcher(
            FirestoreOutboxStore(firestore, email_of=directory.email_of),
            FcmPushSender(env.project_id, env.fcm_url or None),
            email,
            notifications_queue(env),
        ),
        reminders=FirestoreReminderStore(firestore),
        profiles=FirestoreProfiles(firestore),
        clock=SystemClock(),
        allow_clock_override=env.allow_clock_override,
        sweep_limit=env.notifications_sweep_limit,
    )


@dataclass
class OpsDependencies:
    """What the operator's command line works with (streak_core/ops.py)."""

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
    config: StreakConfig = DEFAULT_CONFIG


def ops_dependencies() -> OpsDependencies:
    """Built when a command starts, from the environment (the --stack option sets it for `make dev`)."""
    from streak_core.adapters.firestore.boards import FirestoreLeaderboardStore
    from streak_core.adapters.firestore.client import LazyFirestore
    from streak_core.adapters.firestore.dead_letters import FirestoreDeadLetters
    from streak_core.adapters.firestore.maintenance import FirestoreMaintenanceStore
    from streak_core.adapters.firestore.outages import FirestoreOutageStore
    from streak_core.adapters.firestore.rebuild import FirestoreRebuildStore
    from streak_core.adapters.firestore.runs import FirestoreRunStore
    from streak_core.adapters.firestore.users import FirestoreUserStore
    from streak_core.adapters.pubsub_publisher import PubSubTickPublisher
    from streak_core.adapters.system_clock import SystemClock

    env = Settings()
    firestore = LazyFirestore(env.project_id)
    maintenance = FirestoreMaintenanceStore(firestore)
    return OpsDependencies(
        users=FirestoreUserStore(firestore),
        rebuilds=FirestoreRebuildStore(firestore),
        maintenance=maintenance,
        outages=FirestoreOutageStore(firestore),
        ticks=PubSubTickPublisher(env.project_id),
        runs=FirestoreRunStore(firestore),
        dead_letters=FirestoreDeadLetters(firestore),
        replay_worker=BatchWorker(maintenance, DEFAULT_CONFIG, notify=notifications_queue(env)),
        clock=SystemClock(),
        boards=FirestoreLeaderboardStore(firestore),
    )
