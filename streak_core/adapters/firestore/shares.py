"""`shares/{id}`: frozen cards, with their page views counted in shards (`shares/{id}/opens/shard-NN`)."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter

from streak_core.adapters.firestore import paths
from streak_core.adapters.firestore.client import LazyFirestore, read_with_shards, store_errors, stream
from streak_core.domain.cards import CardContent, CardField, Share
from streak_core.ports.shares import ShareStore

SHARDS = 8  # a share posted to a large audience takes about SHARDS views a second per shard


def share_to_doc(share: Share) -> dict[str, Any]:
    content = share.content
    return {
        "id": share.id,
        "uid": share.uid,
        "created_at": share.created_at,
        "included": [field.value for field in share.included],
        "current_streak": content.current_streak,
        "as_of": content.as_of.isoformat(),
        "display_name": content.display_name,
        "level": content.level,
        "longest_streak": content.longest_streak,
        "badges": list(content.badges) if content.badges is not None else None,
    }


def share_from_doc(data: dict[str, Any], opens: int) -> Share:
    badges = data.get("badges")
    content = CardContent(
        int(data["current_streak"]),
        date.fromisoformat(data["as_of"]),
        data.get("display_name"),
        data.get("level"),
        data.get("longest_streak"),
        tuple(badges) if badges is not None else None,
    )
    included = tuple(CardField(value) for value in data.get("included") or [])
    return Share(data["id"], data["uid"], content, included, data["created_at"], opens)


class FirestoreShareStore(ShareStore):
    def __init__(self, client: LazyFirestore) -> None:
        self._client = client

    def create(self, share: Share) -> None:
        with store_errors():
            paths.shares(self._client()).document(share.id).create(share_to_doc(share))

    def get(self, share_id: str) -> Share | None:
        client = self._client()
        shards = {share_id: _shards(client, share_id)}
        parent = {share_id: paths.shares(client).document(share_id)}
        found, opens = read_with_shards(client, "opens", shards, parent)
        return share_from_doc(found[share_id], opens[share_id]) if share_id in found else None

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

    def count_open(self, share_id: str) -> None:
        shard = paths.share_open_shard(self._client(), share_id, random.randrange(SHARDS))
        with store_errors():
            shard.set({"opens": firestore.Increment(1)}, merge=True)

    def _with_opens(self, docs: list[dict[str, Any]]) -> list[Share]:
        """These shares' documents with their opens summed over the shards, in one batched read."""
        client = self._client()
        shards = {data["id"]: _shards(client, data["id"]) for data in docs}
        _, opens = read_with_shards(client, "opens", shards)
        return [share_from_doc(data, opens[data["id"]]) for data in docs]


def _shards(client: Any, share_id: str) -> list[Any]:
    return [paths.share_open_shard(client, share_id, n) for n in range(SHARDS)]
