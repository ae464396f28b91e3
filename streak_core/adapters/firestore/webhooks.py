"""`events/{id}` written beside outbox entries; `webhooks/{id}` endpoints, their deliveries and lanes."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

from google.api_core import exceptions as gexc
from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter

from streak_core.adapters.firestore import paths
from streak_core.adapters.firestore.analytics import stage_counts
from streak_core.adapters.firestore.client import (
    CHANGED_SINCE_READ,
    LazyFirestore,
    delete_all,
    stage_unchanged,
    store_errors,
    stream,
)
from streak_core.adapters.firestore.codec import Codec
from streak_core.adapters.firestore.documents import Doc
from streak_core.adapters.firestore.events import EVENT_DOC, EVENT_TTL
from streak_core.domain.analytics import Count, utc_day, webhook_counter
from streak_core.domain.vocabulary import HookDeliveryStatus
from streak_core.errors import TransientStoreError
from streak_core.models.events import WebhookEvent
from streak_core.models.webhooks import Delivery, Endpoint, FanOut, StoredEvent
from streak_core.ports.webhooks import DeliveryPosition, WebhookStore

UNFANNED_PAGE = 200  # events of a lane not fanned out read at once for a page of deliveries
SAVE_BATCH = 200  # deliveries (and a counter shard) per commit, well under Firestore's 500 writes
FAN_OUT_WRITES = 400  # deliveries and event marks per fan-out commit, under Firestore's 500 writes
SWAP_ATTEMPTS = 20  # reads and conditional writes of a lane document before giving up (a 503: retried)


ENDPOINT_DOC = Codec(Endpoint, given=("id",))
DELIVERY_DOC = Codec(Delivery)


def _read(ref: Any) -> Any:
    with store_errors():
        return ref.get()


def _earliest(
    first: dict[str, tuple[datetime, int, str]], found: list[tuple[str, datetime, int, str]]
) -> None:
    for uid, occurred_at, seq, event_id in found:
        if uid not in first or (occurred_at, seq, event_id) < first[uid]:
            first[uid] = (occurred_at, seq, event_id)


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


def _delivery_refs(client: Any, item: FanOut) -> list[Any]:
    return [paths.webhook_deliveries(client, e).document(item.event.id) for e in item.endpoint_ids]


def _new_delivery(event: WebhookEvent, body: str, endpoint_id: str, now: datetime) -> Delivery:
    return Delivery(
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

    def first_unfanned(
        self, lane: int, uids: Collection[str], until: datetime
    ) -> dict[str, tuple[datetime, int, str]]:
        """One query of the lane (a user's events are all in it). An answer cut short is complete up to
        its last event: a user it did not reach gets that place, so only their later deliveries wait."""
        query = self._unfanned_in(lane).where(filter=FieldFilter("occurred_at", "<=", until))
        docs = stream(
            query.limit(UNFANNED_PAGE).select(["uid", "occurred_at", "seq"]), "events not fanned out"
        )
        found = [(str(d.get("uid")), d.get("occurred_at"), int(d.get("seq") or 0), d.id) for d in docs]
        wanted, first = set(uids), dict[str, tuple[datetime, int, str]]()
        _earliest(first, [f for f in found if f[0] in wanted])
        if len(found) == UNFANNED_PAGE:
            last = found[-1][1:]
            first.update({uid: last for uid in wanted if uid not in first})
        return first

    def unfanned(self, lane: int, limit: int) -> list[WebhookEvent]:
        query = self._unfanned_in(lane).limit(limit)
        return [EVENT_DOC.load(doc.to_dict()) for doc in stream(query, "events of a lane not fanned out")]

    def _unfanned_in(self, lane: int) -> Any:
        """The lane's events not fanned out, in the order deliveries go in (one index serves both uses)."""
        return (
            paths.events(self._client())
            .where(filter=FieldFilter("lane", "==", lane))
            .where(filter=FieldFilter("fanned_out", "==", False))
            .order_by("occurred_at")
            .order_by("seq")
            .order_by("__name__")
        )

    def fan_out(self, items: Sequence[FanOut], now: datetime) -> None:
        """Items in commits of up to FAN_OUT_WRITES writes, deliveries created (refused if one exists); a
        commit refused (a delivery made before: a redelivered task, an entry's own dispatch; or an event
        erased meanwhile) reads what is there in one call and makes only what is missing."""
        client = self._client()
        chunk, writes = list[FanOut](), 0
        for item in items:
            if chunk and writes + len(item.endpoint_ids) + 1 > FAN_OUT_WRITES:
                self._fan_out_chunk(client, chunk, now)
                chunk, writes = [], 0
            chunk.append(item)
            writes += len(item.endpoint_ids) + 1  # its deliveries and its event's mark
        if chunk:
            self._fan_out_chunk(client, chunk, now)

    def _fan_out_chunk(self, client: Any, items: list[FanOut], now: datetime) -> None:
        with store_errors():
            try:  # the usual case, in one commit: no delivery of these events exists yet
                self._commit_fan_out(
                    client, [(item, _delivery_refs(client, item), None) for item in items], now
                )
                return
            except (gexc.AlreadyExists, gexc.NotFound):
                # Some were fanned out meanwhile (a redelivered task, an entry's own dispatch) or erased:
                # read what is there, in one call, and make only what is missing.
                again = self._missing(client, items)
            try:
                if again:
                    self._commit_fan_out(client, again, now)
                return
            except gexc.NotFound:  # erased between the read and the commit: an event at a time
                if len(items) == 1:
                    return
        for item in items:
            self._fan_out_chunk(client, [item], now)

    def _missing(self, client: Any, items: list[FanOut]) -> list[tuple[FanOut, list[Any], set[str] | None]]:
        """The items whose event is there and not fanned out, with the deliveries each has already."""
        refs = {item.event.id: _delivery_refs(client, item) for item in items}
        events = [paths.events(client).document(item.event.id) for item in items]
        found = {
            d.reference.path: d for d in client.get_all([*events, *(r for v in refs.values() for r in v)])
        }
        again: list[tuple[FanOut, list[Any], set[str] | None]] = []
        for item, ref in zip(items, events, strict=True):
            stored = found.get(ref.path)
            if stored is None or not stored.exists or (stored.to_dict() or {}).get("fanned_out"):
                continue
            existing = {
                r.path for r in refs[item.event.id] if (d := found.get(r.path)) is not None and d.exists
            }
            again.append((item, refs[item.event.id], existing))
        return again

    def _commit_fan_out(
        self, client: Any, items: list[tuple[FanOut, list[Any], set[str] | None]], now: datetime
    ) -> None:
        """Each item's deliveries (`existing` None: all created, refused if one exists; else those not in
        it, set) and its event marked, in one commit."""
        batch = client.batch()
        update = {"fanned_out": True, "sweep_after": firestore.DELETE_FIELD}
        for item, refs, existing in items:
            for ref, endpoint_id in zip(refs, item.endpoint_ids, strict=True):
                if existing is not None and ref.path in existing:
                    continue
                doc = _delivery_to_doc(_new_delivery(item.event, item.body, endpoint_id, now))
                if existing is None:
                    batch.create(ref, doc)
                else:
                    batch.set(ref, doc, merge=True)
            batch.update(paths.events(client).document(item.event.id), update)
        batch.commit()

    # A lane's lease is taken and handed on by compare-and-swap (a write that holds only if the document is
    # unchanged since it was read), not by transactions: every fan-out asks for a drain, so under Cloud
    # Tasks' concurrent dispatch many reach one lane document at once, and transactions there wait on each
    # other's locks (on the emulator: 20 s, then give up) where a lost swap costs one read again.
    def claim_lane(self, endpoint_id: str, lane: int, now: datetime, lease: timedelta) -> bool:
        return self._take(endpoint_id, lane, now, lease)

    def mark_held(self, endpoint_id: str, lane: int, now: datetime) -> bool:
        return not self._take(endpoint_id, lane, now, None)

    def _take(self, endpoint_id: str, lane: int, now: datetime, lease: timedelta | None) -> bool:
        """Held: mark it (its holder goes round again, finding what was written before this; marked already,
        it will, whatever came before this moment) and answer False. Free: take it for `lease` (None: leave
        it free) and answer True."""
        ref = paths.webhook_lane(self._client(), endpoint_id, lane)
        for _ in range(SWAP_ATTEMPTS):
            seen = _read(ref)
            held = seen.get("lease_until") if seen.exists else None
            if held is not None and held > now:
                if seen.get("dirty") or self._swap(ref, seen, {"lease_until": held, "dirty": True}):
                    return False
            elif lease is None or self._swap(ref, seen, {"lease_until": now + lease, "dirty": False}):
                return True
        raise TransientStoreError(f"contention: lane {lane} of {endpoint_id} changed {SWAP_ATTEMPTS} times")

    def release_lane(self, endpoint_id: str, lane: int, now: datetime, lease: timedelta | None) -> bool:
        ref = paths.webhook_lane(self._client(), endpoint_id, lane)
        if lease is None:
            with store_errors():
                ref.set({"lease_until": None, "dirty": False})
            return True
        for _ in range(SWAP_ATTEMPTS):
            seen = _read(ref)
            if seen.exists and seen.get("dirty"):
                if self._swap(ref, seen, {"lease_until": now + lease, "dirty": False}):
                    return False
            elif self._swap(ref, seen, {"lease_until": None, "dirty": False}):
                return True
        raise TransientStoreError(f"contention: lane {lane} of {endpoint_id} changed {SWAP_ATTEMPTS} times")

    def _swap(self, ref: Any, seen: Any, data: Doc) -> bool:
        """Write `data` if the document is still as `seen` was; False if another write came first."""
        client = self._client()
        batch = client.batch()
        stage_unchanged(client, batch, ref, seen, data)
        with store_errors():
            try:
                batch.commit()
            except CHANGED_SINCE_READ:
                return False
        return True

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

    def save_deliveries(self, outcomes: Sequence[tuple[Delivery, datetime | None]]) -> None:
        client = self._client()
        for start in range(0, len(outcomes), SAVE_BATCH):
            batch, counts = client.batch(), []
            for delivery, settled_at in outcomes[start : start + SAVE_BATCH]:
                ref = paths.webhook_deliveries(client, delivery.endpoint_id).document(delivery.event_id)
                batch.set(ref, _delivery_to_doc(delivery), merge=True)
                if settled_at is not None:
                    counts.append(Count(utc_day(settled_at), webhook_counter(delivery.status)))
            stage_counts(client, batch, counts)
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
