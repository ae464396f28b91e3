"""`outbox/{id}`: notification entries with a status per channel, and who each one goes to."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter

from streak_core.adapters.firestore import paths
from streak_core.adapters.firestore.analytics import stage_counts
from streak_core.adapters.firestore.client import (
    LazyFirestore,
    fields_of,
    run_transaction,
    store_errors,
    stream,
)
from streak_core.adapters.firestore.documents import (
    notification_from_doc,
    settings_from_doc,
)
from streak_core.adapters.firestore.streaks import streak_from_doc
from streak_core.domain.analytics import Count, notification_counter, utc_day
from streak_core.models.notifications import StoredNotification
from streak_core.models.streaks import StreakRecord, user_timezone
from streak_core.models.users import UserSettings
from streak_core.ports.notifications import ChannelResult, OutboxStore, Recipient


class FirestoreOutboxStore(OutboxStore):
    """The dispatcher's port: claims with a lease, per-channel records, the sweep's query, recipients."""

    def __init__(self, client: LazyFirestore, email_of: Callable[[str], str | None]) -> None:
        self._client = client
        self._email_of = email_of  # the Auth user record's address, in production

    def recipient(self, uid: str) -> Recipient:
        client = self._client()
        user_ref = paths.user(client, uid)
        with store_errors():
            docs = {d.reference.parent.id: d for d in client.get_all([user_ref, paths.streak(client, uid)])}
            tokens = tuple(str(d.get("token")) for d in user_ref.collection("devices").stream())
        user_doc, streak_doc = docs.get("users"), docs.get("streaks")
        settings = settings_from_doc(user_doc.to_dict()) if user_doc and user_doc.exists else UserSettings()
        streak = streak_from_doc(streak_doc.to_dict()) if streak_doc and streak_doc.exists else StreakRecord()
        return Recipient(uid, settings, user_timezone(settings, streak), self._email_of(uid), tokens)

    def claim(self, entry_id: str, now: datetime, lease: timedelta) -> StoredNotification | None:
        client = self._client()
        ref = paths.outbox(client).document(entry_id)
        with store_errors():  # a plain read first: an id with no entry (an event alone) or a held one costs
            seen = ref.get()  # one read, not a transaction's three calls
        if not seen.exists or (fields_of(seen).get("lease_until") or now) > now:
            return None

        def body(transaction: Any) -> StoredNotification | None:
            doc = ref.get(transaction=transaction)
            if not doc.exists:
                return None
            data = doc.to_dict()
            held = data.get("lease_until")
            if held is not None and held > now:
                return None
            transaction.update(ref, {"lease_until": now + lease})
            return notification_from_doc(doc.id, data)

        return run_transaction(client, body, max_attempts=5)

    def release(self, entry_id: str, sweep_after: datetime | None) -> None:
        update = {
            "lease_until": firestore.DELETE_FIELD,
            "sweep_after": sweep_after if sweep_after is not None else firestore.DELETE_FIELD,
        }
        with store_errors():
            paths.outbox(self._client()).document(entry_id).update(update)

    def due_for_sweep(self, now: datetime, limit: int) -> list[str]:
        query = (
            paths.outbox(self._client())
            .where(filter=FieldFilter("sweep_after", "<=", now))
            .order_by("sweep_after")
            .limit(limit)
        )
        return [doc.id for doc in stream(query.select([]), "outbox sweep")]

    def record(self, result: ChannelResult) -> None:
        channel = result.channel
        update = {
            f"channels.{channel}": result.status.value,
            f"attempts_by_channel.{channel}": result.attempts,
            f"details.{channel}": result.detail,
            f"at_by_channel.{channel}": result.at,
            "updated_at": firestore.SERVER_TIMESTAMP,
        }
        client = self._client()
        batch = client.batch()
        batch.update(paths.outbox(client).document(result.entry_id), update)
        if result.kind is not None and result.status.settled:  # the day's figures, in the same write
            name = notification_counter(result.kind, result.channel, result.status)
            stage_counts(client, batch, [Count(utc_day(result.at), name)])
        with store_errors():
            batch.commit()

    def prune_tokens(self, uid: str, tokens: tuple[str, ...]) -> None:
        client = self._client()
        with store_errors():
            for token in tokens:
                paths.device(client, uid, token).delete()
