"""Webhook events as written with the change that causes them: the one rule that turns outbox entries into
events. Apart from the endpoints and deliveries (streak_core/models/webhooks.py), which only the webhooks'
own functions use: every write of a change stages its events."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from streak_core.domain.vocabulary import EventType
from streak_core.domain.webhooks import EVENT_OF_KIND, event_id, lane_of, logical_id, payload_data
from streak_core.models.notifications import OutboxEntry


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    """One change as subscribers hear of it. `seq` orders the events of one write (same `occurred_at`)."""

    uid: str
    type: EventType
    logical_id: str  # the outbox entry's id, or uid:type:key
    data: dict[str, int | str]
    occurred_at: datetime
    seq: int = 0

    @property
    def id(self) -> str:
        return event_id(self.logical_id)

    @property
    def lane(self) -> int:
        return lane_of(self.uid)


def event(
    uid: str, event_type: EventType, key: str, data: dict[str, int | str], at: datetime
) -> WebhookEvent:
    return WebhookEvent(uid, event_type, logical_id(uid, event_type, key), payload_data(uid, data), at)


def deletion_event(uid: str, receipt: str, at: datetime) -> WebhookEvent:
    """`user.deleted`, written with the erasure's receipt once nothing else about the user is left."""
    return event(uid, EventType.USER_DELETED, receipt, {}, at)


def events_of(entries: Iterable[OutboxEntry], extra: Iterable[WebhookEvent] = ()) -> list[WebhookEvent]:
    """The events a write yields: one per outbox entry of a kind subscribers hear of, then `extra`, numbered
    in that order. The one rule every writer of outbox entries goes through."""
    found = [
        WebhookEvent(e.uid, EVENT_OF_KIND[e.kind], e.id, payload_data(e.uid, e.data), e.created_at)
        for e in entries
        if e.kind in EVENT_OF_KIND
    ]
    return [replace(e, seq=n) for n, e in enumerate([*found, *extra])]
