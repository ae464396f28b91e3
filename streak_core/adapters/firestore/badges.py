"""Badge rarity counters, sharded so that a badge awarded to many users at once is no write hot spot."""

from __future__ import annotations

from streak_core.adapters.firestore import paths
from streak_core.adapters.firestore.client import LazyFirestore, store_errors
from streak_core.ports.users import BadgeCounts

SHARDS = 16  # each shard takes about one write a second: 16 awards a second before contention


class FirestoreBadgeCounts(BadgeCounts):
    def __init__(self, client: LazyFirestore) -> None:
        self._client = client

    def totals(self) -> dict[str, int]:
        client = self._client()
        totals: dict[str, int] = {}
        with store_errors():
            shards = list(client.get_all([paths.badge_count_shard(client, n) for n in range(SHARDS)]))
        for shard in shards:
            for key, value in ((shard.to_dict() or {}).get("counts") or {}).items() if shard.exists else ():
                totals[key] = totals.get(key, 0) + int(value)
        return totals
