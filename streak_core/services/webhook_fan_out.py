"""What one fan-out of webhook events writes: each event's signed body and the endpoints subscribed to it,
each event streamed first where a stream is set."""

from __future__ import annotations

from datetime import datetime

from streak_core.domain.vocabulary import EndpointStatus
from streak_core.domain.webhooks import body, event_row, subscribed
from streak_core.models.events import WebhookEvent
from streak_core.models.webhooks import Endpoint, FanOut
from streak_core.ports.webhooks import EventStream, WebhookStore


def enabled(store: WebhookStore) -> list[Endpoint]:
    return [e for e in store.endpoints() if e.status is EndpointStatus.ENABLED]


def fan_out(
    store: WebhookStore,
    stream: EventStream | None,
    events: list[WebhookEvent],
    endpoints: list[Endpoint],
    now: datetime,
) -> list[FanOut]:
    """The events' deliveries to the endpoints subscribed to each, stored; what was stored."""
    items = []
    for event in events:
        if stream is not None:  # first: a failure leaves the event to the next try (at least once)
            stream.publish(event_row(event.id, event.type, event.uid, event.occurred_at, event.data))
        targets = tuple(e.id for e in endpoints if subscribed(e.events, event.type))
        items.append(FanOut(event, body(event.type, event.occurred_at, event.data), targets))
    store.fan_out(items, now)
    return items
