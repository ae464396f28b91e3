"""Everything a user's projections are rebuilt from, read in one transaction, and the rebuilt ones written."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any, TypeVar

from streak_core.adapters.firestore import paths
from streak_core.adapters.firestore.client import LazyFirestore, run_transaction, store_errors
from streak_core.adapters.firestore.documents import (
    board_entry_from_doc,
    board_entry_to_doc,
    day_from_doc,
    day_to_doc,
    pause_from_doc,
    session_from_doc,
    settings_from_doc,
    streak_from_doc,
    streak_to_doc,
)
from streak_core.domain.boards import BoardEntry
from streak_core.models import DayRecord, StreakRecord, UserHistory, UserSettings
from streak_core.ports import RebuildTransaction

T = TypeVar("T")


class FirestoreRebuildStore:
    def __init__(self, client: LazyFirestore, max_attempts: int = 5) -> None:
        self._client = client
        self._max_attempts = max_attempts

    def run_in_transaction(self, uid: str, body: Callable[[RebuildTransaction], T]) -> T:
        client = self._client()
        return run_transaction(client, lambda tx: body(_Transaction(client, tx, uid)), self._max_attempts)

    def user_pages(self, page_size: int) -> Iterator[list[str]]:
        query = self._client().collection("streaks").order_by("__name__").select([]).limit(page_size)
        cursor = None
        while True:
            with store_errors():
                docs = list((query.start_after(cursor) if cursor is not None else query).stream())
            if not docs:
                return
            yield [doc.id for doc in docs]
            cursor = docs[-1]

    def count_users(self) -> int:
        with store_errors():
            results = self._client().collection("streaks").count().get()
        return sum(int(result[0].value) for result in results)


class _Transaction:
    def __init__(self, client: Any, transaction: Any, uid: str) -> None:
        self._client, self._tx, self._uid = client, transaction, uid

    def history(self) -> UserHistory:
        user_ref, streak_ref = paths.user(self._client, self._uid), paths.streak(self._client, self._uid)
        docs = {doc.reference.path: doc for doc in self._tx.get_all([user_ref, streak_ref])}
        user, streak = docs[user_ref.path], docs[streak_ref.path]
        sessions = [session_from_doc(d.to_dict()) for d in self._all(user_ref.collection("sessions"))]
        days = [day_from_doc(d.to_dict()) for d in self._all(user_ref.collection("days"))]
        pauses = [pause_from_doc(d.to_dict()) for d in self._all(paths.pauses(self._client, self._uid))]
        return UserHistory(
            known=user.exists or streak.exists,
            settings=settings_from_doc(user.to_dict()) if user.exists else UserSettings(),
            streak=streak_from_doc(streak.to_dict()) if streak.exists else StreakRecord(),
            sessions=sessions,
            days={record.day: record for record in days},
            pauses=pauses,
        )

    def _all(self, collection: Any) -> Any:
        """Every document of a collection, read in the transaction (which takes queries, not collections)."""
        return self._tx.get(collection.order_by("__name__"))

    def board_entries(self, keys: list[str]) -> dict[str, BoardEntry]:
        refs = {paths.board_entry(self._client, key, self._uid).path: key for key in keys}
        found = (
            self._tx.get_all([paths.board_entry(self._client, key, self._uid) for key in keys])
            if keys
            else []
        )
        return {refs[d.reference.path]: board_entry_from_doc(d.to_dict()) for d in found if d.exists}

    def write(
        self,
        days: list[DayRecord],
        removed_days: list[date],
        streak: StreakRecord,
        boards: list[tuple[str, BoardEntry | None]],
    ) -> None:
        for record in days:
            self._tx.set(paths.day(self._client, self._uid, record.day.isoformat()), day_to_doc(record))
        for day in removed_days:
            self._tx.delete(paths.day(self._client, self._uid, day.isoformat()))
        for key, entry in boards:
            ref = paths.board_entry(self._client, key, self._uid)
            if entry is None:
                self._tx.delete(ref)
            else:
                self._tx.set(ref, board_entry_to_doc(entry))
        self._tx.set(paths.streak(self._client, self._uid), streak_to_doc(self._uid, streak))
