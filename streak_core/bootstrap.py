"""The one place that builds the object graph from the environment; clients are created lazily."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache

from streak_core.domain.config import DEFAULT_CONFIG, StreakConfig
from streak_core.ports import Clock, RunStore, TokenVerifier, UserStore
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


def project_id() -> str | None:
    return os.environ.get("GOOGLE_CLOUD_PROJECT") or os.environ.get("GCLOUD_PROJECT")


@cache
def api_dependencies() -> ApiDependencies:
    """Built on the first request of an instance; importing this module needs no credentials."""
    from streak_core.adapters.firebase_auth import FirebaseTokenVerifier
    from streak_core.adapters.firestore_store import FirestoreRunStore, FirestoreUserStore, LazyFirestore
    from streak_core.adapters.system_clock import SystemClock

    project = project_id()
    firestore = LazyFirestore(project)
    return ApiDependencies(
        store=FirestoreUserStore(firestore),
        runs=FirestoreRunStore(firestore),
        verifier=FirebaseTokenVerifier(project),
        clock=SystemClock(),
        allow_clock_override=os.environ.get("ALLOW_CLOCK_OVERRIDE") == "1",
        rate_limiter=RateLimiter(per_minute=int(os.environ.get("RATE_LIMIT_PER_MINUTE", "600"))),
    )
