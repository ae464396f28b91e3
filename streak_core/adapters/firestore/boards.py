"""Leaderboards: `boards/{key}/entries/{uid}` in board order, counts ahead, streak summaries, snapshots."""

from __future__ import annotations

from datetime import date
from typing import Any

from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter

from streak_core.adapters.firestore import paths, ranks
from streak_core.adapters.firestore.client import LazyFirestore, delete_all, pages_of, store_errors, stream
from streak_core.adapters.firestore.documents import (
    BOARD_ENTRY_DOC,
    Doc,
    day_starts_of,
)
from streak_core.domain.boards import BoardEntry, BoardPosition
from streak_core.domain.vocabulary import Visibility
from streak_core.models.social import BoardRow, BoardSnapshot, StreakSummary
from streak_core.models.streaks import StreakRecord, user_timezone
from streak_core.models.users import UserSettings
from streak_core.ports.boards import LeaderboardStore

DESC, ASC = firestore.Query.DESCENDING, firestore.Query.ASCENDING
SUMMARY_FIELDS = [
    "last_run",
    "longest_streak",
    "timezone_setting",
    "latest_session_timezone",
    "day_starts_setting",
]
PUBLIC = FieldFilter("visibility", "==", Visibility.PUBLIC.value)


class FirestoreLeaderboardStore(LeaderboardStore):
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
        return [BOARD_ENTRY_DOC.load(doc.to_dict()) for doc in stream(query.limit(limit), "board")]

    def entry(self, key: str, uid: str) -> BoardEntry | None:
        with store_errors():
            doc = paths.board_entry(self._client(), key, uid).get()
        return BOARD_ENTRY_DOC.load(doc.to_dict()) if doc.exists else None

    def entries(self, key: str, uids: list[str]) -> list[BoardEntry]:
        client = self._client()
        refs = [paths.board_entry(client, key, uid) for uid in uids]
        with store_errors():
            docs = list(client.get_all(refs)) if refs else []
        return [BOARD_ENTRY_DOC.load(doc.to_dict()) for doc in docs if doc.exists]

    def count_public_ahead(self, key: str, of: BoardPosition) -> int:
        """Ahead = higher score; or equal score and longer streak; or both equal and reached earlier; or all
        three equal and a smaller id: summed from the board's rank documents on `of`'s path, read by id in
        one batch (streak_core/adapters/firestore/ranks.py), however many users the board holds."""
        client = self._client()
        refs = [paths.board_rank(client, key, doc_id) for doc_id in ranks.needed(of)]
        with store_errors():
            docs = {doc.id: doc.to_dict() for doc in client.get_all(refs) if doc.exists}
        return ranks.ahead(docs, of)

    def recount(self, key: str) -> int:
        """Rebuild the board's rank documents from its entries (for boards written before them, or to repair
        them); the number of public entries. Run while nothing writes the board."""
        client = self._client()
        delete_all(client, paths.board_ranks(client, key), "board recount")
        public: list[BoardEntry] = []
        for page in pages_of(
            self._entries(key).where(filter=PUBLIC).order_by("__name__").limit(400), "recount"
        ):
            public += [BOARD_ENTRY_DOC.load(doc.to_dict()) for doc in page]
        write_rank_totals(client, key, public)
        return len(public)

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
    return StreakSummary(timezone, last, int(data.get("longest_streak") or 0), day_starts_of(data))


def write_rank_totals(client: Any, key: str, entries: list[BoardEntry]) -> None:
    """The rank documents of a board holding these entries, written whole (a recount, a bulk load)."""
    docs = list(ranks.totals(entries).items())
    for first in range(0, len(docs), 400):
        batch = client.batch()
        for doc_id, data in docs[first : first + 400]:
            batch.set(paths.board_rank(client, key, doc_id), data)
        with store_errors():
            batch.commit()


def snapshot_to_doc(snapshot: BoardSnapshot) -> Doc:
    rows = [
        {
            **BOARD_ENTRY_DOC.dump(row.entry),
            "rank": row.rank,
            "current_streak": row.current_streak,
            "shown_longest_streak": row.longest_streak,
        }
        for row in snapshot.rows
    ]
    return {"built_at": snapshot.built_at, "rows": rows}


def snapshot_from_doc(data: Doc) -> BoardSnapshot:
    rows = tuple(
        BoardRow(
            rank=int(row["rank"]),
            entry=BOARD_ENTRY_DOC.load(row),
            current_streak=int(row["current_streak"]),
            longest_streak=int(row["shown_longest_streak"]),
        )
        for row in data.get("rows") or []
    )
    return BoardSnapshot(data["built_at"], rows)
