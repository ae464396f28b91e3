"""The one place that builds the object graph from the environment; clients are created lazily."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache

from streak_core.domain.config import DEFAULT_CONFIG, StreakConfig
from streak_core.ports import (
    Clock,
    DeadLetterStore,
    DispatchQueue,
    Publisher,
    ReminderStore,
    RunStore,
    TokenVerifier,
    UserStore,
)
from streak_core.services.dispatch import Dispatcher
from streak_core.services.friends import Friends
from streak_core.services.leaderboard import BoardCache, Leaderboards
from streak_core.services.maintenance import BatchWorker
from streak_core.services.rate_limit import RateLimiter


@dataclass
class ApiDependencies:
    store: UserStore
    verifier: TokenVerifier
    clock: Clock
    config: StreakConfig = DEFAULT_CONFIG
    allow_clock_override: bool = False
    rate_limiter: RateLimiter = field(default_factory=lambda: RateLimiter(per_minute=0))
    runs: RunStore | None = None
    dead_letters: DeadLetterStore | None = None
    replay_worker: BatchWorker | None = None
    notify: DispatchQueue | None = None
    leaderboards: Leaderboards | None = None
    friends: Friends | None = None


def project_id() -> str | None:
    return os.environ.get("GOOGLE_CLOUD_PROJECT") or os.environ.get("GCLOUD_PROJECT")


def notifications_queue() -> DispatchQueue | None:
    """The `notifications` Cloud Tasks queue, whose tasks call the `notifications` function's /dispatch.

    None without NOTIFICATIONS_DISPATCH_URL: entries are then sent by the scheduled sweep alone.
    """
    from streak_core.adapters.cloud_tasks import CloudTasksDispatchQueue, CloudTasksQueue

    url = os.environ.get("NOTIFICATIONS_DISPATCH_URL")
    if not url:
        return None
    location = os.environ.get("TASKS_LOCATION", "us-central1")
    queue = os.environ.get("NOTIFICATIONS_QUEUE", "notifications")
    return CloudTasksDispatchQueue(CloudTasksQueue(project_id(), location, queue, url))


@cache
def api_dependencies() -> ApiDependencies:
    """Built on the first request of an instance; importing this module needs no credentials."""
    from streak_core.adapters.firebase_auth import FirebaseTokenVerifier
    from streak_core.adapters.firestore_social import FirestoreFriendStore, FirestoreLeaderboardStore
    from streak_core.adapters.firestore_store import (
        FirestoreDeadLetters,
        FirestoreMaintenanceStore,
        FirestoreRunStore,
        FirestoreUserStore,
        LazyFirestore,
    )
    from streak_core.adapters.system_clock import SystemClock

    project = project_id()
    firestore = LazyFirestore(project)
    notify = notifications_queue()
    users = FirestoreUserStore(firestore)
    boards, friend_store = FirestoreLeaderboardStore(firestore), FirestoreFriendStore(firestore)
    cache = BoardCache(
        max_age=timedelta(seconds=float(os.environ.get("LEADERBOARD_SNAPSHOT_MAX_AGE_SECONDS", "60"))),
        memory_age=float(os.environ.get("LEADERBOARD_MEMORY_CACHE_SECONDS", "10")),
    )
    return ApiDependencies(
        store=users,
        leaderboards=Leaderboards(users, boards, friend_store, cache),
        friends=Friends(friend_store, boards, DEFAULT_CONFIG),
        runs=FirestoreRunStore(firestore),
        dead_letters=FirestoreDeadLetters(firestore),
        replay_worker=BatchWorker(FirestoreMaintenanceStore(firestore), DEFAULT_CONFIG, notify=notify),
        notify=notify,
        verifier=FirebaseTokenVerifier(project),
        clock=SystemClock(),
        allow_clock_override=os.environ.get("ALLOW_CLOCK_OVERRIDE") == "1",
        rate_limiter=RateLimiter(per_minute=int(os.environ.get("RATE_LIMIT_PER_MINUTE", "600"))),
    )


@dataclass
class MaintenanceDependencies:
    runs: RunStore
    publisher: Publisher
    dead_letters: DeadLetterStore
    batch_worker: BatchWorker  # hands what still fails to the retry queue
    retry_worker: BatchWorker  # used by the queue's handler itself: no queue of its own
    clock: Clock
    config: StreakConfig = DEFAULT_CONFIG
    allow_clock_override: bool = False
    page_size: int = 500
    query_page_size: int = 5000
    max_attempts: int = 5


@cache
def maintenance_dependencies() -> MaintenanceDependencies:
    """Built on the first event of an instance; importing this module needs no credentials."""
    from streak_core.adapters.cloud_tasks import CloudTasksQueue
    from streak_core.adapters.firestore_store import (
        FirestoreDeadLetters,
        FirestoreMaintenanceStore,
        FirestoreRunStore,
        LazyFirestore,
    )
    from streak_core.adapters.pubsub_publisher import PubSubPublisher
    from streak_core.adapters.system_clock import SystemClock

    project = project_id()
    firestore = LazyFirestore(project)
    store = FirestoreMaintenanceStore(firestore)
    queue = CloudTasksQueue(
        project,
        os.environ.get("TASKS_LOCATION", "us-central1"),
        os.environ.get("MAINTENANCE_RETRY_QUEUE", "maintenance-retry"),
        os.environ.get("MAINTENANCE_RETRY_URL", ""),
    )
    return MaintenanceDependencies(
        runs=FirestoreRunStore(firestore),
        publisher=PubSubPublisher(project),
        dead_letters=FirestoreDeadLetters(firestore),
        batch_worker=BatchWorker(store, DEFAULT_CONFIG, retry_queue=queue, notify=notifications_queue()),
        retry_worker=BatchWorker(store, DEFAULT_CONFIG, notify=notifications_queue()),
        clock=SystemClock(),
        allow_clock_override=os.environ.get("ALLOW_CLOCK_OVERRIDE") == "1",
        page_size=int(os.environ.get("MAINTENANCE_PAGE_SIZE", "500")),
        query_page_size=int(os.environ.get("MAINTENANCE_QUERY_PAGE_SIZE", "5000")),
        max_attempts=int(os.environ.get("MAINTENANCE_RETRY_MAX_ATTEMPTS", "5")),
    )


@dataclass
class NotificationDependencies:
    dispatcher: Dispatcher
    reminders: ReminderStore
    clock: Clock
    config: StreakConfig = DEFAULT_CONFIG
    allow_clock_override: bool = False
    sweep_limit: int = 200


@cache
def notification_dependencies() -> NotificationDependencies:
    """Built on the first request of an instance; importing this module needs no credentials."""
    from streak_core.adapters.fcm_push import FcmPushSender
    from streak_core.adapters.firebase_auth import AuthEmailDirectory
    from streak_core.adapters.firestore_reminders import FirestoreReminderStore
    from streak_core.adapters.firestore_store import FirestoreOutboxStore, LazyFirestore
    from streak_core.adapters.smtp_email import SmtpEmailSender
    from streak_core.adapters.system_clock import SystemClock

    project = project_id()
    firestore = LazyFirestore(project)
    directory = AuthEmailDirectory(project)
    email = SmtpEmailSender(
        os.environ.get("SMTP_HOST", "localhost"),
        int(os.environ.get("SMTP_PORT", "25")),
        os.environ.get("SMTP_SENDER", "Focus Streaks <streaks@localhost>"),
        username=os.environ.get("SMTP_USERNAME") or None,
        password=os.environ.get("SMTP_PASSWORD") or None,
        starttls=os.environ.get("SMTP_STARTTLS") == "1",
    )
    return NotificationDependencies(
        dispatcher=Dispatcher(
            FirestoreOutboxStore(firestore, email_of=directory.email_of),
            FcmPushSender(project, os.environ.get("FCM_URL") or None),
            email,
            notifications_queue(),
        ),
        reminders=FirestoreReminderStore(firestore),
        clock=SystemClock(),
        allow_clock_override=os.environ.get("ALLOW_CLOCK_OVERRIDE") == "1",
        sweep_limit=int(os.environ.get("NOTIFICATIONS_SWEEP_LIMIT", "200")),
    )
