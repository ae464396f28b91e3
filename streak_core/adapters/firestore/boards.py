"""Leaderboards: `boards/{key}/entries/{uid}` in board order, counts ahead, streak summaries, snapshots."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date
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
from streak_core.domain.boards import BoardEntry, BoardMove, BoardPosition, rank_path
from streak_core.domain.vocabulary import Visibility
from streak_core.models import BoardSnapshot, StreakRecord, UserSettings, user_timezone
from streak_core.ports import StreakSummary

DESC, ASC = firestore.Query.DESCENDING, firestore.Query.ASCENDING
RANK_SHARDS = 8  # a popular score takes about this many increments a second per shard
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
        three equal and a smaller id. Sums of the board's counts along its order (per score, per longest
        streak of that score, per day reached of both) and counts in one tie group: a few small reads,
        however many users the board holds."""
        client = self._client()
        path = (of.score, of.longest_streak, of.reached_at.astimezone(UTC).date().toordinal())
        tied = paths.board_tie_group(client, key, path)

        def counts(level: int, op: str) -> Any:
            collection = paths.board_rank_counts(client, key, path, level)
            return collection.where(filter=FieldFilter("v", op, path[level - 1])).sum("count")

        aggregations = [
            counts(1, ">"),
            counts(2, ">"),
            counts(3, "<"),
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
        """Rebuild the board's rank counts and tie groups from its entries (for boards written before them,
        or to repair them); the number of public entries. Run while nothing writes the board."""
        client = self._client()
        board = client.collection("boards").document(key)
        with store_errors():
            stale = [c for c in board.collections() if c.id.startswith(("rank-", "tied-"))]
        for collection in stale:
            for page in pages_of(collection.order_by("__name__").limit(400), "board recount"):
                _commit(client, [("delete", doc.reference, None) for doc in page])
        counts: Counter[tuple[int, tuple[int, ...]]] = Counter()
        public = 0
        query = self._entries(key).where(filter=PUBLIC).order_by("__name__").limit(400)
        for page in pages_of(query, "board recount"):
            writes: list[tuple[str, Any, dict[str, Any] | None]] = []
            for doc in page:
                entry = board_entry_from_doc(doc.to_dict())
                path = rank_path(entry)
                assert path is not None  # the query reads public entries only
                public += 1
                for level in (1, 2, 3):
                    counts[(level, path[:level])] += 1
                writes.append(
                    ("set", paths.board_tie_group(client, key, path).document(entry.uid), tie_doc(entry))
                )
            _commit(client, writes)
        rows = [("set", ref, data) for ref, data in rank_count_writes(key, counts, client)]
        for first in range(0, len(rows), 400):
            _commit(client, rows[first : first + 400])
        return public

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
    """What ordering a tie group needs of a public entry."""
    return {"uid": entry.uid, "reached_at": entry.reached_at}


def rank_count_writes(
    key: str, counts: Counter[tuple[int, tuple[int, ...]]], client: Any
) -> list[tuple[Any, dict[str, Any]]]:
    """The documents holding `counts` ((level, prefix of the rank path) -> entries), for bulk loads."""
    rows = []
    for (level, prefix), count in counts.items():
        ref = paths.board_rank_counts(client, key, prefix, level).document(f"{prefix[-1]:07d}-0")
        rows.append((ref, {"v": prefix[-1], "count": count}))
    return rows


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
    """Stage, in `writer` (a transaction or batch), an entry's change with its board's rank counts and tie
    groups: each level whose group changes loses the user on one side and gains them on the other."""
    entry_ref = paths.board_entry(client, move.key, move.uid)
    if move.after is None:
        writer.delete(entry_ref)
    else:
        writer.set(entry_ref, board_entry_to_doc(move.after))
    shard = int(hashlib.sha256(move.uid.encode()).hexdigest()[:8], 16) % RANK_SHARDS
    for level, left, joined in move.level_changes():
        for path, delta in ((left, -1), (joined, 1)):
            if path is not None:
                ref = paths.board_rank_counts(client, move.key, path, level).document(
                    f"{path[level - 1]:07d}-{shard}"
                )
                writer.set(ref, {"v": path[level - 1], "count": firestore.Increment(delta)}, merge=True)
    was, now = move.path_before, move.path_after
    if was is not None and was != now:
        writer.delete(paths.board_tie_group(client, move.key, was).document(move.uid))
    if now is not None and move.after is not None:
        writer.set(paths.board_tie_group(client, move.key, now).document(move.uid), tie_doc(move.after))
