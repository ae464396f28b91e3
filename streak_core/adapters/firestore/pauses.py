"""`users/{uid}/pauses/{id}`: pauses as facts, changed in one transaction with the streak they bridge."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from streak_core.adapters.firestore import paths
from streak_core.adapters.firestore.client import LazyFirestore, run_transaction, store_errors
from streak_core.adapters.firestore.documents import (
    PAUSE_DOC,
    settings_from_doc,
)
from streak_core.adapters.firestore.streaks import stage_streak, streak_from_doc
from streak_core.models.streaks import Pause, StreakRecord
from streak_core.models.users import UserSettings
from streak_core.ports.pauses import PauseSnapshot, PauseStore, PauseTransaction

T = TypeVar("T")


class FirestorePauseStore(PauseStore):
    def __init__(self, client: LazyFirestore, max_attempts: int = 10) -> None:
        self._client = client
        self._max_attempts = max_attempts

    def run_in_transaction(self, uid: str, body: Callable[[PauseTransaction], T]) -> T:
        client = self._client()
        return run_transaction(client, lambda tx: body(_Transaction(client, tx, uid)), self._max_attempts)

    def pauses(self, uid: str) -> list[Pause]:
        with store_errors():
            docs = list(paths.pauses(self._client(), uid).order_by("from").stream())
        return [PAUSE_DOC.load(doc.to_dict()) for doc in docs]


class _Transaction(PauseTransaction):
    def __init__(self, client: Any, transaction: Any, uid: str) -> None:
        self._client, self._tx, self._uid = client, transaction, uid

    def read(self) -> PauseSnapshot:
        user_ref, streak_ref = paths.user(self._client, self._uid), paths.streak(self._client, self._uid)
        docs = {doc.reference.path: doc for doc in self._tx.get_all([user_ref, streak_ref])}
        user, streak = docs[user_ref.path], docs[streak_ref.path]
        pauses = [
            PAUSE_DOC.load(doc.to_dict())
            for doc in self._tx.get(paths.pauses(self._client, self._uid).order_by("from"))
        ]
        return PauseSnapshot(
            settings_from_doc(user.to_dict()) if user.exists else UserSettings(),
            streak_from_doc(streak.to_dict()) if streak.exists else StreakRecord(),
            pauses,
        )

    def write(self, streak: StreakRecord, put: Pause | None = None, remove: str | None = None) -> None:
        collection = paths.pauses(self._client, self._uid)
        if put is not None:
            self._tx.set(collection.document(put.id), PAUSE_DOC.dump(put))
        if remove is not None:
            self._tx.delete(collection.document(remove))
        stage_streak(self._client, self._tx, self._uid, streak)
