"""Leaderboards: `boards/{key}/entries/{uid}` in board order, counts ahead, streak summaries, snapshots."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter

from streak_core.adapters.firestore import paths
from streak_core.adapters.firestore.client import LazyFirestore, store_errors, stream
from streak_core.adapters.firestore.documents import (
    board_entry_from_doc,
    snapshot_from_doc,
    snapshot_to_doc,
)
from streak_core.domain.boards import BoardEntry, BoardPosition
from streak_core.domain.vocabulary import Visibility
from streak_core.models import BoardSnapshot, StreakRecord, UserSettings, user_timezone
from streak_core.ports import StreakSummary

DESC, ASC = firestore.Query.DESCENDING, firestore.Query.ASCENDING
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
        three equal and a smaller id. One count aggregation per clause (no OR, no reads of entries)."""
        entries = self._entries(key)
        public = entries.where(filter=PUBLIC)
        same_score = public.where(filter=FieldFilter("score", "==", of.score))
        same_streak = same_score.where(filter=FieldFilter("longest_streak", "==", of.longest_streak))
        clauses = [
            public.where(filter=FieldFilter("score", ">", of.score)),
            same_score.where(filter=FieldFilter("longest_streak", ">", of.longest_streak)),
            same_streak.where(filter=FieldFilter("reached_at", "<", of.reached_at)),
            same_streak.where(filter=FieldFilter("reached_at", "==", of.reached_at)).where(
                filter=FieldFilter("__name__", "<", entries.document(of.uid))
            ),
        ]

        def count(clause: Any) -> int:
            return sum(int(result[0].value) for result in clause.count().get())

        with store_errors(), ThreadPoolExecutor(max_workers=len(clauses)) as pool:
            return sum(pool.map(count, clauses))  # independent counts: their latencies overlap

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
