"""Leaderboards: `boards/{key}/entries/{uid}` in board order, counts ahead, streak summaries, snapshots."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter

from streak_core.adapters.firestore import paths
from streak_core.adapters.firestore.client import LazyFirestore, pages_of, store_errors, stream
from streak_core.adapters.firestore.documents import (
    board_entry_from_doc,
    board_entry_to_doc,
    snapshot_from_doc,
    snapshot_to_doc,
)
from streak_core.domain.boards import BoardEntry, BoardMove, BoardPosition
from streak_core.domain.vocabulary import Visibility
from streak_core.models import BoardSnapshot, StreakRecord, UserSettings, user_timezone
from streak_core.ports import StreakSummary

DESC, ASC = firestore.Query.DESCENDING, firestore.Query.ASCENDING
HISTOGRAM_SHARDS = 8  # a popular score takes about this many increments a second per shard
SUMMARY_FIELDS = ["last_run", "longest_streak", "timezone_setting", "latest_session_timezone"]
PUBLIC = FieldFilter("visibility", "==", Visibility.PUBLIC.value)


class FirestoreLeaderboardStore:
    def __init__(self, client: LazyFirestore) -> None:
        self._client = client

    def _entries(self, key: str) -> Any:
        return paths.board_entries(self._client(), key)

    def page(self, key: str, limit: int, after: BoardPosition | None) -> list[BoardEntry]:
        entries = self._entries(key)
        query = (
            entries.where(filter=PUBLIC)
            .order_by("score", direction=DESC)
            .order_by("longest_streak", direction=DESC)
            .order_by("reached_at", direction=ASC)
            .order_by("__name__", direction=ASC)
        )
        if after is not None:
            query = query.start_after(
                {
                    "score": after.score,
                    "longest_streak": after.longest_streak,
                    "reached_at": after.reached_at,
                    "__name__": entries.document(after.uid),
                }
            )
        return [board_entry_from_doc(doc.to_dict()) for doc in stream(query.limit(limit), "board")]

    def entry(self, key: str, uid: str) -> BoardEntry | None:
        with store_errors():
            doc = paths.board_entry(self._client(), key, uid).get()
        return board_entry_from_doc(doc.to_dict()) if doc.exists else None

    def entries(self, key: str, uids: list[str]) -> list[BoardEntry]:
        client = self._client()
        refs = [paths.board_entry(client, key, uid) for uid in uids]
        with store_errors():
            docs = list(client.get_all(refs)) if refs else []
        return [board_entry_from_doc(doc.to_dict()) for doc in docs if doc.exists]

    def count_public_ahead(self, key: str, of: BoardPosition) -> int:
        """Ahead = higher score; or equal score and longer streak; or both equal and reached earlier; or all
        three equal and a smaller id. The first two from the board's histogram (a document per (score,
        longest streak) and shard, however many users); the rest by counting that one tie group."""
        client = self._client()
        histogram = paths.board_histogram(client, key)
        same_score = histogram.where(filter=FieldFilter("score", "==", of.score))
        tied = paths.board_ties(client, key, (of.score, of.longest_streak))
        aggregations = [
            histogram.where(filter=FieldFilter("score", ">", of.score)).sum("count"),
            same_score.where(filter=FieldFilter("longest_streak", ">", of.longest_streak)).sum("count"),
            tied.where(filter=FieldFilter("reached_at", "<", of.reached_at)).count(),
            tied.where(filter=FieldFilter("reached_at", "==", of.reached_at))
            .where(filter=FieldFilter("__name__", "<", tied.document(of.uid)))
            .count(),
        ]

        def total(aggregation: Any) -> int:
            return sum(int(result[0].value or 0) for result in aggregation.get())

        with store_errors(), ThreadPoolExecutor(max_workers=len(aggregations)) as pool:
            return sum(pool.map(total, aggregations))  # independent aggregations: their latencies overlap

    def recount(self, key: str) -> int:
        """Rebuild the board's histogram and tie groups from its entries (for boards written before them, or
        to repair them); the number of public entries. Run while nothing writes the board."""
        client = self._client()
        board = client.collection("boards").document(key)
        stale = [paths.board_histogram(client, key)]
        with store_errors():
            stale += [group.collection("tied") for group in board.collection("groups").list_documents()]
        for collection in stale:
            for page in pages_of(collection.order_by("__name__").limit(400), "board recount"):
                _commit(client, [("delete", doc.reference, None) for doc in page])
        counts: Counter[tuple[int, int]] = Counter()
        query = self._entries(key).where(filter=PUBLIC).order_by("__name__").limit(400)
        for page in pages_of(query, "board recount"):
            writes = []
            for doc in page:
                entry = board_entry_from_doc(doc.to_dict())
                group = (entry.score, entry.longest_streak)
                counts[group] += 1
                writes.append(
                    ("set", paths.board_ties(client, key, group).document(entry.uid), tie_doc(entry))
                )
            _commit(client, writes)
        histogram = paths.board_histogram(client, key)
        rows = [
            ("set", histogram.document(bucket(group, 0)), count_doc(group, n)) for group, n in counts.items()
        ]
        for first in range(0, len(rows), 400):
            _commit(client, rows[first : first + 400])
        return sum(counts.values())

    def summaries(self, uids: list[str]) -> dict[str, StreakSummary]:
        client = self._client()
        refs = [paths.streak(client, uid) for uid in uids]
        with store_errors():
            docs = list(client.get_all(refs, field_paths=SUMMARY_FIELDS)) if refs else []
        return {doc.id: _summary(doc.to_dict()) for doc in docs if doc.exists}

    def snapshot(self, key: str) -> BoardSnapshot | None:
        with store_errors():
            doc = paths.board_snapshot(self._client(), key).get()
        return snapshot_from_doc(doc.to_dict()) if doc.exists else None

    def save_snapshot(self, key: str, snapshot: BoardSnapshot) -> None:
        with store_errors():
            paths.board_snapshot(self._client(), key).set(snapshot_to_doc(snapshot))


def _summary(data: dict[str, Any]) -> StreakSummary:
    run = data.get("last_run")
    last = (
        (date.fromisoformat(run["start"]), date.fromisoformat(run["end"]), int(run["length"]))
        if run
        else None
    )
    record = StreakRecord(
        latest_session_timezone=data.get("latest_session_timezone"),
        timezone_setting=data.get("timezone_setting"),
    )
    timezone = user_timezone(UserSettings(timezone=record.timezone_setting), record)
    return StreakSummary(timezone, last, int(data.get("longest_streak") or 0))


def tie_doc(entry: BoardEntry) -> dict[str, Any]:
    """What ordering a tie needs of a public entry."""
    return {"uid": entry.uid, "reached_at": entry.reached_at}


def bucket(group: tuple[int, int], shard: int) -> str:
    """The id of a histogram document: one per (score, longest streak) and shard."""
    return f"{group[0]:07d}-{group[1]:07d}-{shard}"


def count_doc(group: tuple[int, int], count: Any) -> dict[str, Any]:
    return {"score": group[0], "longest_streak": group[1], "count": count}


def _commit(client: Any, writes: Sequence[tuple[str, Any, dict[str, Any] | None]]) -> None:
    batch = client.batch()
    for kind, ref, data in writes:
        if kind == "delete":
            batch.delete(ref)
        else:
            batch.set(ref, data)
    with store_errors():
        batch.commit()


def stage_board_move(client: Any, writer: Any, move: BoardMove) -> None:
    """Stage, in `writer` (a transaction or batch), an entry's change with its board's histogram and tie
    groups: the group it counted under loses it, the one it counts under gains it."""
    entry_ref = paths.board_entry(client, move.key, move.uid)
    if move.after is None:
        writer.delete(entry_ref)
    else:
        writer.set(entry_ref, board_entry_to_doc(move.after))
    was, now = move.group_before, move.group_after
    shard = int(hashlib.sha256(move.uid.encode()).hexdigest()[:8], 16) % HISTOGRAM_SHARDS
    histogram = paths.board_histogram(client, move.key)
    if was is not None and was != now:
        writer.delete(paths.board_ties(client, move.key, was).document(move.uid))
        writer.set(
            histogram.document(bucket(was, shard)), count_doc(was, firestore.Increment(-1)), merge=True
        )
    if now is not None and move.after is not None:
        writer.set(paths.board_ties(client, move.key, now).document(move.uid), tie_doc(move.after))
        if was != now:
            writer.set(
                histogram.document(bucket(now, shard)), count_doc(now, firestore.Increment(1)), merge=True
            )
