"""A per-instance token bucket per user: bursts are allowed, floods are told how long to wait."""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    def __init__(self, per_minute: int, burst: int | None = None, max_users: int = 50_000) -> None:
        self._rate = per_minute / 60.0
        self._burst = float(burst if burst is not None else per_minute)
        self._buckets: dict[str, _Bucket] = {}
        self._max_users = max_users
        self._lock = threading.Lock()

    def acquire(self, key: str, now: float) -> float:
        """Take one token; return 0 if allowed, else the seconds until one is available."""
        if self._rate <= 0:
            return 0.0
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                if len(self._buckets) >= self._max_users:
                    self._buckets.clear()  # bounded memory; a reset only ever lets requests through
                bucket = self._buckets[key] = _Bucket(self._burst, now)
            bucket.tokens = min(self._burst, bucket.tokens + (now - bucket.updated) * self._rate)
            bucket.updated = now
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return 0.0
            return (1 - bucket.tokens) / self._rate
