"""Reminder bookkeeping: who is due (`streaks.reminder_at`), today's focus, guarded writes."""

from __future__ import annotations

from datetime import datetime

from google.api_core import exceptions as gexc
from google.cloud.firestore_v1.base_query import FieldFilter

from streak_core.adapters.firestore import paths
from streak_core.adapters.firestore.client import LazyFirestore, commit_guarded, store_errors, stream
from streak_core.adapters.firestore.documents import pair_ids_of, settings_from_doc
from streak_core.adapters.firestore.staged import stage_outbox
from streak_core.adapters.firestore.streaks import stage_streak_fields, streak_from_doc
from streak_core.models.maintenance import DueUser
from streak_core.models.notifications import OutboxEntry
from streak_core.models.users import UserSettings
from streak_core.ports.notifications import ReminderStore

Plan = tuple[DueUser, datetime, OutboxEntry | None]


class FirestoreReminderStore(ReminderStore):
    def __init__(self, client: LazyFirestore) -> None:
        self._client = client

    def due_reminders(self, now: datetime, limit: int) -> list[DueUser]:
        client = self._client()
        query = (
            client.collection("streaks")
            .where(filter=FieldFilter("reminder_at", "<=", now))
            .order_by("reminder_at")
            .limit(limit)
        )
        streaks = stream(query, "reminders due")
        refs = [paths.user(client, s.id) for s in streaks]
        with store_errors():
            users = {doc.id: doc for doc in client.get_all(refs)} if refs else {}
        found: list[DueUser] = []
        for doc in streaks:
            user = users.get(doc.id)
            data = user.to_dict() if user is not None and user.exists else None
            settings = settings_from_doc(data) if data is not None else UserSettings()
            pairs = pair_ids_of(data) if data is not None else ()
            streak = streak_from_doc(doc.to_dict())
            found.append(DueUser(doc.id, settings, streak, doc.update_time, friend_streaks=pairs))
        return found

    def commit_reminders(self, plans: list[Plan]) -> list[str]:
        """All in one commit when nobody raced us; otherwise user by user, leaving the raced ones due."""
        if not plans:
            return []
        if self._commit(plans) is None:
            return [entry.id for _, _, entry in plans if entry is not None]
        written: list[str] = []
        for user, next_at, entry in plans:
            failure = self._commit([(user, next_at, entry)])
            if failure is gexc.AlreadyExists:  # today's reminder went out already (settings moved the hour)
                self._commit([(user, next_at, None)])
            elif failure is None and entry is not None:
                written.append(entry.id)
        return written

    def _commit(self, plans: list[Plan]) -> type[gexc.GoogleAPICallError] | None:
        client = self._client()
        batch = client.batch()
        for user, next_at, entry in plans:
            stage_streak_fields(client, batch, user.uid, {"reminder_at": next_at}, user.version)
            if entry is not None:
                stage_outbox(client, batch, [entry])
        return commit_guarded(batch)
