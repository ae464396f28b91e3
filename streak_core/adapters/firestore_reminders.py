"""Reminder bookkeeping on Firestore: who is due (`streaks.reminder_at`), today's focus, guarded writes."""

from __future__ import annotations

from datetime import date, datetime

from google.api_core import exceptions as gexc
from google.cloud.firestore_v1.base_query import FieldFilter

from streak_core.adapters.firestore_store import (
    LazyFirestore,
    focus_seconds,
    outbox_to_doc,
    settings_from_doc,
    streak_from_doc,
    transient_errors_as_retryable,
)
from streak_core.models import OutboxEntry, UserSettings
from streak_core.ports import ReminderCandidate

Plan = tuple[ReminderCandidate, datetime, OutboxEntry | None]


class FirestoreReminderStore:
    def __init__(self, client: LazyFirestore) -> None:
        self._client = client

    def due_reminders(self, now: datetime, limit: int) -> list[ReminderCandidate]:
        client = self._client()
        query = (
            client.collection("streaks")
            .where(filter=FieldFilter("reminder_at", "<=", now))
            .order_by("reminder_at")
            .limit(limit)
        )
        with transient_errors_as_retryable():
            streaks = list(query.stream())
            users = (
                {
                    doc.id: doc
                    for doc in client.get_all([client.collection("users").document(s.id) for s in streaks])
                }
                if streaks
                else {}
            )
        found: list[ReminderCandidate] = []
        for doc in streaks:
            user = users.get(doc.id)
            settings = (
                settings_from_doc(user.to_dict()) if user is not None and user.exists else UserSettings()
            )
            found.append(ReminderCandidate(doc.id, settings, streak_from_doc(doc.to_dict()), doc.update_time))
        return found

    def focus_seconds(self, days: list[tuple[str, date]]) -> dict[tuple[str, date], int]:
        return focus_seconds(self._client(), days)

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

    def _commit(self, plans: list[Plan]) -> type[Exception] | None:
        client = self._client()
        batch = client.batch()
        for user, next_at, entry in plans:
            guard = client.write_option(last_update_time=user.version)
            batch.update(
                client.collection("streaks").document(user.uid), {"reminder_at": next_at}, option=guard
            )
            if entry is not None:
                batch.create(client.collection("outbox").document(entry.id), outbox_to_doc(entry))
        try:
            with transient_errors_as_retryable():
                batch.commit()
        except (gexc.FailedPrecondition, gexc.Conflict, gexc.NotFound, gexc.AlreadyExists) as lost:
            return type(lost)
        return None
