"""`rate_limits/{hash}`: the counters of the rate limits' fixed windows, shared by every instance."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from google.cloud import firestore

from streak_core.adapters.firestore import paths
from streak_core.adapters.firestore.client import LazyFirestore, delete_all, store_errors
from streak_core.domain.vocabulary import WindowUnit
from streak_core.domain.windows import UNIT_SECONDS, window_start
from streak_core.ports.rate_limits import WindowCounters, WindowHit


def expiry_of(key: str) -> int:
    """The window a key was built for (`RateLimit.key_for` ends in amount/multiples/unit)."""
    _, multiples, unit = key.rsplit("/", 2)
    return int(multiples) * UNIT_SECONDS[WindowUnit(unit)]


class FirestoreWindowCounters(WindowCounters):
    """The windows' counters in Firestore. One document per key and window, named by a hash so that a user's
    windows spread over the key space; an increment is one commit whose transform result is the new count
    (no transaction, no read). `expires_at` is the field a TTL policy deletes old windows by. The `limits`
    library's own fixed-window strategy runs on it (tests/integration/test_rate_limit_store.py)."""

    def __init__(self, firestore_client: LazyFirestore, clock: Callable[[], float] = time.time) -> None:
        self._db = firestore_client
        self._clock = clock

    def _doc(self, key: str, start: int) -> Any:
        name = hashlib.sha256(f"{key}|{start}".encode()).hexdigest()[:40]
        return paths.rate_limit_window(self._db(), name)

    def _now(self, key: str) -> WindowHit:
        expiry = expiry_of(key)
        return WindowHit(key, expiry, 0, window_start(self._clock(), expiry))

    def incr_many(self, hits: Sequence[WindowHit]) -> list[int]:
        """Add to several counters in one commit; their new values, in order."""
        batch = self._db().batch()
        for hit in hits:
            doc = self._doc(hit.key, hit.start)
            expires = datetime.fromtimestamp(hit.start + hit.expiry, UTC)
            batch.set(doc, {"count": firestore.Increment(hit.amount), "expires_at": expires}, merge=True)
        with store_errors():
            results = batch.commit()
        # A merge-set's first transform result is the incremented field's value after the commit.
        return [int(result.transform_results[0].integer_value) for result in results]

    def get(self, key: str) -> int:
        window = self._now(key)
        with store_errors():
            snapshot = self._doc(key, window.start).get()
        return int(snapshot.get("count")) if snapshot.exists else 0

    def reset(self) -> int:
        """Deletes every window; the number deleted."""
        client = self._db()
        return delete_all(client, paths.rate_limit_windows(client), "rate limit reset")

    def clear(self, key: str) -> None:
        with store_errors():
            self._doc(key, self._now(key).start).delete()
