"""`analytics/{YYYY-MM-DD}/shards/{n}`: each UTC date's counters, spread over shards so that no document takes
more than a few writes a second (Firestore's sustained limit per document is about one)."""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from google.cloud import firestore

from streak_core.adapters.firestore.client import LazyFirestore, batch_read, fields_of, store_errors
from streak_core.domain.analytics import Count, merged
from streak_core.ports.analytics import AnalyticsStore

SHARDS = 16
COUNTERS = "c"  # the map of counters in a shard


def _shard(client: Any, day: date, n: int) -> Any:
    return client.document("analytics", day.isoformat(), "shards", f"s{n:02d}")


def stage_counts(client: Any, writer: Any, counts: Iterable[Count]) -> None:
    """Stage the counter moves in `writer` (a transaction or batch): one shard write per date touched, the
    shard chosen at random."""
    by_day: dict[date, dict[str, Any]] = {}
    for (day, name), n in merged(counts).items():
        by_day.setdefault(day, {})[name] = firestore.Increment(n)
    for day, moves in by_day.items():
        writer.set(_shard(client, day, random.randrange(SHARDS)), {COUNTERS: moves}, merge=True)


class FirestoreAnalytics(AnalyticsStore):
    def __init__(self, client: LazyFirestore) -> None:
        self._client = client

    def days(self, first: date, last: date) -> dict[date, dict[str, int]]:
        client = self._client()
        dates = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        refs = [_shard(client, d, n) for d in dates for n in range(SHARDS)]
        with store_errors():
            docs = batch_read(client, refs)
        found: dict[date, dict[str, int]] = {}
        for doc in docs:
            if not doc.exists:
                continue
            day = date.fromisoformat(doc.reference.parent.parent.id)
            totals = found.setdefault(day, {})
            for name, n in (fields_of(doc).get(COUNTERS) or {}).items():
                totals[name] = totals.get(name, 0) + int(n)
        return found

    def count(self, counts: Iterable[Count]) -> None:
        client = self._client()
        batch = client.batch()
        stage_counts(client, batch, counts)
        with store_errors():
            batch.commit()
