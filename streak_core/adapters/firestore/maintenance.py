"""Due users for nightly maintenance: a range query on `maintenance_due_at`, guarded batched writes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from google.cloud.firestore_v1.base_query import FieldFilter

from streak_core.adapters.firestore import paths
from streak_core.adapters.firestore.client import (
    LazyFirestore,
    batch_read,
    commit_guarded,
    fields_of,
    run_transaction,
    store_errors,
    streamed_pages,
)
from streak_core.adapters.firestore.documents import Doc
from streak_core.adapters.firestore.sizes import document_size
from streak_core.adapters.firestore.staged import create_missing_outbox, stage_outbox
from streak_core.adapters.firestore.streaks import StreakWrite, stage_streak, stage_streaks, streak_from_doc
from streak_core.models.maintenance import DueUser
from streak_core.models.notifications import OutboxEntry
from streak_core.models.users import UserSettings
from streak_core.ports.maintenance import MaintenanceStore


class FirestoreMaintenanceStore(MaintenanceStore):
    """Due users by a single-field range query on `maintenance_due_at`, paged with a cursor."""

    def __init__(self, client: LazyFirestore) -> None:
        self._client = client

    def due_pages(self, now: datetime, page_size: int) -> Iterator[list[str]]:
        """Ids only: the projection reads just the due instant, which the cursor needs."""
        query = (
            self._client()
            .collection("streaks")
            .where(filter=FieldFilter("maintenance_due_at", "<=", now))
            .order_by("maintenance_due_at")
            .select(["maintenance_due_at"])
        )
        for docs in streamed_pages(query, page_size, "due users"):
            yield [doc.id for doc in docs]

    def active_pages(self, since: date, page_size: int) -> Iterator[list[str]]:
        """By the end of the latest run (a field of its own on the streak document), ids only."""
        query = (
            self._client()
            .collection("streaks")
            .where(filter=FieldFilter("last_run.end", ">=", since.isoformat()))
            .order_by("last_run.end")
            .select(["last_run.end"])
        )
        for docs in streamed_pages(query, page_size, "outage candidates"):
            yield [doc.id for doc in docs]

    def load(self, uids: list[str]) -> list[DueUser]:
        """One batched read of the streak documents (they carry the timezone setting too)."""
        client = self._client()
        refs = [paths.streak(client, uid) for uid in uids]
        with store_errors():
            docs = [doc for doc in batch_read(client, refs) if doc.exists]
        return [_due_user(doc.id, fields_of(doc), doc.update_time, doc.reference.path) for doc in docs]

    def commit_if_unchanged(self, user: DueUser, outbox: list[OutboxEntry]) -> bool:
        return self.commit_all_if_unchanged([(user, outbox)])

    def commit_all_if_unchanged(self, items: list[tuple[DueUser, list[OutboxEntry]]]) -> bool:
        client = self._client()
        batch = client.batch()
        for _, outbox in items:
            stage_outbox(client, batch, outbox)
        writes = []
        for user, _ in items:
            stored = user.version
            assert isinstance(stored, _Stored), "a user this store did not load"
            writes.append(StreakWrite(user.uid, user.streak, stored.update_time, stored.doc))
        stage_streaks(client, batch, writes)
        return commit_guarded(batch) is None

    def redo_in_transaction(self, uid: str, maintain: Callable[[DueUser], list[OutboxEntry]]) -> None:
        client = self._client()
        streak_ref = paths.streak(client, uid)

        def body(transaction: Any) -> None:
            snapshot = streak_ref.get(transaction=transaction)
            if not snapshot.exists:
                return
            stored = fields_of(snapshot)
            fresh = _due_user(uid, stored, None, streak_ref.path)
            create_missing_outbox(client, transaction, maintain(fresh))
            stage_streak(client, transaction, uid, fresh.streak, stored)

        run_transaction(client, body)


@dataclass(frozen=True, slots=True)
class _Stored:
    """A due user's version as this store read it: the write must still match `update_time`, and sends
    only the fields that moved from `doc`."""

    update_time: object
    doc: Doc


def _due_user(uid: str, data: Doc, update_time: object, path: str) -> DueUser:
    record = streak_from_doc(data)
    settings = UserSettings(timezone=record.timezone_setting, day_starts=record.day_starts_setting)
    return DueUser(uid, settings, record, _Stored(update_time, data), document_size(path, data))
