"""The one place that builds the object graph from the environment; clients are created lazily."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache

from streak_core.domain.config import DEFAULT_CONFIG, StreakConfig
from streak_core.ports import Clock, DeadLetterStore, Publisher, RunStore, TokenVerifier, UserStore
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


def project_id() -> str | None:
    return os.environ.get("GOOGLE_CLOUD_PROJECT") or os.environ.get("GCLOUD_PROJECT")


@cache
def api_dependencies() -> ApiDependencies:
    """Built on the first request of an instance; importing this module needs no credentials."""
    from streak_core.adapters.firebase_auth import FirebaseTokenVerifier
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
    return ApiDependencies(
        store=FirestoreUserStore(firestore),
        runs=FirestoreRunStore(firestore),
        dead_letters=FirestoreDeadLetters(firestore),
        replay_worker=BatchWorker(FirestoreMaintenanceStore(firestore), DEFAULT_CONFIG),
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
        batch_worker=BatchWorker(store, DEFAULT_CONFIG, retry_queue=queue),
        retry_worker=BatchWorker(store, DEFAULT_CONFIG),
        clock=SystemClock(),
        allow_clock_override=os.environ.get("ALLOW_CLOCK_OVERRIDE") == "1",
        page_size=int(os.environ.get("MAINTENANCE_PAGE_SIZE", "500")),
        query_page_size=int(os.environ.get("MAINTENANCE_QUERY_PAGE_SIZE", "5000")),
        max_attempts=int(os.environ.get("MAINTENANCE_RETRY_MAX_ATTEMPTS", "5")),
    )
