"""`events/{id}` written beside outbox entries; `webhooks/{id}` endpoints, their deliveries and lanes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from google.api_core import exceptions as gexc
from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter

from streak_core.adapters.firestore import paths
from streak_core.adapters.firestore.analytics import stage_counts
from streak_core.adapters.firestore.client import (
    LazyFirestore,
    delete_all,
    run_transaction,
    store_errors,
    stream,
)
from streak_core.adapters.firestore.codec import Codec
from streak_core.adapters.firestore.documents import Doc
from streak_core.domain.analytics import Count, utc_day, webhook_counter
from streak_core.domain.vocabulary import HookDeliveryStatus
from streak_core.models.webhooks import Delivery, Endpoint, StoredEvent, WebhookEvent
from streak_core.ports.webhooks import DeliveryPosition, WebhookStore

EVENT_GRACE = timedelta(minutes=2)  # an event not fanned out by then lost its announcement: the sweep's
EVENT_TTL = timedelta(days=30)  # the TTL policy on `expire_at` removes events and deliveries after this


# --- events, staged in the writes that cause them ---------------------------------------------------------
EVENT_DOC = Codec(WebhookEvent)
ENDPOINT_DOC = Codec(Endpoint, given=("id",))
DELIVERY_DOC = Codec(Delivery)


def event_to_doc(event: WebhookEvent) -> Doc:
    return {
        **EVENT_DOC.dump(event),
        "fanned_out": False,
        # Only events not fanned out carry it, so the sweep's range query finds exactly those.
        "sweep_after": event.occurred_at + EVENT_GRACE,
        "expire_at": event.occurred_at + EVENT_TTL,
    }


def stage_events(client: Any, writer: Any, events: Iterable[WebhookEvent]) -> None:
    """Write each event beside the change (a set: the same change written again is the same event, and one
    already fanned out is fanned out again idempotently, its deliveries being keyed by the event)."""
    for event in events:
        writer.set(paths.events(client).document(event.id), event_to_doc(event))


# --- endpoints and deliveries -----------------------------------------------------------------------------
def _delivery_to_doc(delivery: Delivery) -> Doc:
    pending = delivery.status is HookDeliveryStatus.PENDING
    return {
        **DELIVERY_DOC.dump(delivery),
        # Only pending deliveries carry these: the lane's query and the sweep's range find exactly those.
        "pending_lane": delivery.lane if pending else firestore.DELETE_FIELD,
        "due_at": (delivery.next_attempt_at if pending else None) or firestore.DELETE_FIELD,
        "expire_at": delivery.occurred_at + EVENT_TTL,
    }


class FirestoreWebhookStore(WebhookStore):
    def __init__(self, client: LazyFirestore) -> None:
        self._client = client

    def add_endpoint(self, endpoint: Endpoint, limit: int) -> bool:
        client = self._client()
        with store_errors():
            count = client.collection("webhooks").count().get()[0][0].value
            if count >= limit:
                return False
            paths.webhooks(client).document(endpoint.id).create(ENDPOINT_DOC.dump(endpoint))
        return True

    def endpoints(self) -> list[Endpoint]:
        docs = stream(paths.webhooks(self._client()).limit(1000), "webhook endpoints")
        return [ENDPOINT_DOC.load(doc.to_dict(), id=doc.id) for doc in docs]

    def endpoint(self, endpoint_id: str) -> Endpoint | None:
        with store_errors():
            doc = paths.webhooks(self._client()).document(endpoint_id).get()
        return ENDPOINT_DOC.load(doc.to_dict(), id=doc.id) if doc.exists else None

    def save_endpoint(self, endpoint: Endpoint) -> None:
        with store_errors():
            paths.webhooks(self._client()).document(endpoint.id).set(ENDPOINT_DOC.dump(endpoint))

    def delete_endpoint(self, endpoint_id: str) -> bool:
        client = self._client()
        ref = paths.webhooks(client).document(endpoint_id)
        with store_errors():
            if not ref.get().exists:
                return False
            ref.delete()  # first: nothing is fanned out to it from now on
        delete_all(client, paths.webhook_deliveries(client, endpoint_id), "webhook deliveries")
        delete_all(client, ref.collection("lanes"), "webhook lanes")
        return True

    def event(self, event_id: str) -> StoredEvent | None:
        with store_errors():
            doc = paths.events(self._client()).document(event_id).get()
        if not doc.exists:
            return None
        data = doc.to_dict()
        return StoredEvent(EVENT_DOC.load(data), bool(data.get("fanned_out")))

    def events_due(self, now: datetime, limit: int) -> list[str]:
        query = (
            paths.events(self._client())
            .where(filter=FieldFilter("sweep_after", "<=", now))
            .order_by("sweep_after")
            .limit(limit)
        )
        return [doc.id for doc in stream(query.select([]), "events sweep")]

    def earlier_unfanned(self, uid: str, occurred_at: datetime, seq: int) -> bool:
        query = (
            paths.events(self._client())
            .where(filter=FieldFilter("uid", "==", uid))
            .where(filter=FieldFilter("fanned_out", "==", False))
            .where(filter=FieldFilter("occurred_at", "<=", occurred_at))
            .order_by("occurred_at")
            .limit(20)
        )
        docs = stream(query.select(["occurred_at", "seq"]), "events not fanned out")
        return any((d.get("occurred_at"), int(d.get("seq") or 0)) < (occurred_at, seq) for d in docs)

    def fan_out(self, event: WebhookEvent, body: str, endpoint_ids: list[str], now: datetime) -> None:
        client = self._client()
        refs = [paths.webhook_deliveries(client, e).document(event.id) for e in endpoint_ids]
        with store_errors():
            existing = {d.reference.path for d in client.get_all(refs) if d.exists} if refs else set()
        batch = client.batch()
        for endpoint_id, ref in zip(endpoint_ids, refs, strict=True):
            if ref.path in existing:
                continue  # fanned out before (a redelivered task): its delivery keeps its state
            delivery = Delivery(
                endpoint_id=endpoint_id,
                event_id=event.id,
                uid=event.uid,
                type=event.type,
                lane=event.lane,
                body=body,
                occurred_at=event.occurred_at,
                seq=event.seq,
                status=HookDeliveryStatus.PENDING,
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
            batch.set(ref, _delivery_to_doc(delivery), merge=True)
        update = {"fanned_out": True, "sweep_after": firestore.DELETE_FIELD}
        batch.update(paths.events(client).document(event.id), update)
        with store_errors():
            try:
                batch.commit()
            except gexc.NotFound:  # the event went (its user was erased) while it was fanned out
                return

    def claim_lane(self, endpoint_id: str, lane: int, now: datetime, lease: timedelta) -> bool:
        client = self._client()
        ref = paths.webhook_lane(client, endpoint_id, lane)

        def body(transaction: Any) -> bool:
            doc = ref.get(transaction=transaction)
            held = doc.get("lease_until") if doc.exists else None
            if held is not None and held > now:
                if not doc.get("dirty"):
                    transaction.update(ref, {"dirty": True})
                return False
            transaction.set(ref, {"lease_until": now + lease, "dirty": False})
            return True

        return run_transaction(client, body, max_attempts=10)

    def release_lane(self, endpoint_id: str, lane: int, now: datetime, lease: timedelta | None) -> bool:
        client = self._client()
        ref = paths.webhook_lane(client, endpoint_id, lane)
        if lease is None:
            with store_errors():
                ref.set({"lease_until": None, "dirty": False})
            return True

        def body(transaction: Any) -> bool:
            doc = ref.get(transaction=transaction)
            if doc.exists and doc.get("dirty"):
                transaction.set(ref, {"lease_until": now + lease, "dirty": False})
                return False
            transaction.set(ref, {"lease_until": None, "dirty": False})
            return True

        return run_transaction(client, body, max_attempts=10)

    def pending(self, endpoint_id: str, lane: int, limit: int) -> list[Delivery]:
        query = (
            paths.webhook_deliveries(self._client(), endpoint_id)
            .where(filter=FieldFilter("pending_lane", "==", lane))
            .order_by("occurred_at")
            .order_by("seq")
            .order_by("__name__")
            .limit(limit)
        )
        return [DELIVERY_DOC.load(doc.to_dict()) for doc in stream(query, "webhook lane")]

    def save_delivery(self, delivery: Delivery, settled_at: datetime | None = None) -> None:
        client = self._client()
        batch = client.batch()
        ref = paths.webhook_deliveries(client, delivery.endpoint_id).document(delivery.event_id)
        batch.set(ref, _delivery_to_doc(delivery), merge=True)
        if settled_at is not None:
            stage_counts(client, batch, [Count(utc_day(settled_at), webhook_counter(delivery.status))])
        with store_errors():
            batch.commit()

    def delivery(self, endpoint_id: str, delivery_id: str) -> Delivery | None:
        with store_errors():
            doc = paths.webhook_deliveries(self._client(), endpoint_id).document(delivery_id).get()
        return DELIVERY_DOC.load(doc.to_dict()) if doc.exists else None

    def deliveries(self, endpoint_id: str, after: DeliveryPosition | None, limit: int) -> list[Delivery]:
        collection = paths.webhook_deliveries(self._client(), endpoint_id)
        query = collection.order_by("created_at", direction="DESCENDING").order_by(
            "__name__", direction="DESCENDING"
        )
        if after is not None:
            position = {"created_at": after.created_at, "__name__": collection.document(after.event_id)}
            query = query.start_after(position)
        return [DELIVERY_DOC.load(doc.to_dict()) for doc in stream(query.limit(limit), "webhook deliveries")]

    def lanes_due(self, before: datetime, limit: int) -> list[tuple[str, int]]:
        query = (
            self._client()
            .collection_group("deliveries")
            .where(filter=FieldFilter("due_at", "<=", before))
            .order_by("due_at")
            .limit(limit)
        )
        docs = stream(query.select(["endpoint_id", "lane"]), "webhook lanes due")
        return list(dict.fromkeys((str(d.get("endpoint_id")), int(d.get("lane"))) for d in docs))
