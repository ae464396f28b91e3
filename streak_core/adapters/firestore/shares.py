"""`shares/{id}`: frozen cards, with their page views counted in shards (`shares/{id}/opens/shard-NN`)."""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter

from streak_core.adapters.firestore import paths
from streak_core.adapters.firestore.analytics import stage_counts
from streak_core.adapters.firestore.client import LazyFirestore, read_with_shards, store_errors, stream
from streak_core.adapters.firestore.codec import Codec
from streak_core.domain.analytics import Count, Metric, utc_day
from streak_core.domain.cards import CardContent, Share
from streak_core.ports.shares import ShareStore

SHARDS = 8  # a share posted to a large audience takes about SHARDS views a second per shard


SHARE_DOC = Codec(Share, inline={"content": Codec(CardContent)}, given=("opens",))


class FirestoreShareStore(ShareStore):
    def __init__(self, client: LazyFirestore) -> None:
        self._client = client

    def create(self, share: Share) -> None:
        with store_errors():
            paths.shares(self._client()).document(share.id).create(SHARE_DOC.dump(share))

    def get(self, share_id: str) -> Share | None:
        client = self._client()
        shards = {share_id: _shards(client, share_id)}
        parent = {share_id: paths.shares(client).document(share_id)}
        found, opens = read_with_shards(client, "opens", shards, parent)
        return SHARE_DOC.load(found[share_id], opens=opens[share_id]) if share_id in found else None

    def of_user(self, uid: str, limit: int) -> list[Share]:
        query = (
            paths.shares(self._client())
            .where(filter=FieldFilter("uid", "==", uid))
            .order_by("created_at", direction=firestore.Query.DESCENDING)
            .limit(limit)
        )
        docs = [doc.to_dict() for doc in stream(query, "shares")]
        return self._with_opens(docs)

    def delete(self, share_id: str) -> None:
        client = self._client()
        batch = client.batch()
        batch.delete(paths.shares(client).document(share_id))
        for shard in _shards(client, share_id):
            batch.delete(shard)
        with store_errors():
            batch.commit()

    def count_open(self, share_id: str, at: datetime | None = None) -> None:
        client = self._client()
        batch = client.batch()
        shard = paths.share_open_shard(client, share_id, random.randrange(SHARDS))
        batch.set(shard, {"opens": firestore.Increment(1)}, merge=True)
        if at is not None:
            stage_counts(client, batch, [Count(utc_day(at), Metric.SHARE_OPENS)])
        with store_errors():
            batch.commit()

    def _with_opens(self, docs: list[dict[str, Any]]) -> list[Share]:
        """These shares' documents with their opens summed over the shards, in one batched read."""
        client = self._client()
        shards = {data["id"]: _shards(client, data["id"]) for data in docs}
        _, opens = read_with_shards(client, "opens", shards)
        return [SHARE_DOC.load(data, opens=opens[data["id"]]) for data in docs]


def _shards(client: Any, share_id: str) -> list[Any]:
    return [paths.share_open_shard(client, share_id, n) for n in range(SHARDS)]
