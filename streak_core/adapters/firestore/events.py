"""`events/{id}`: webhook events, staged in the writes that cause them (every writer of a change uses it; the
endpoints, deliveries and fan-out are streak_core/adapters/firestore/webhooks.py)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from streak_core.adapters.firestore import paths
from streak_core.adapters.firestore.codec import Codec
from streak_core.adapters.firestore.documents import Doc
from streak_core.models.events import WebhookEvent

EVENT_GRACE = timedelta(minutes=2)  # an event not fanned out by then lost its announcement: the sweep's turn
EVENT_TTL = timedelta(days=30)  # the TTL policy on `expire_at` removes events and deliveries after this


# --- events, staged in the writes that cause them ---------------------------------------------------------
EVENT_DOC = Codec(WebhookEvent)


def event_to_doc(event: WebhookEvent) -> Doc:
    return {
        **EVENT_DOC.dump(event),
        "fanned_out": False,
        "lane": event.lane,  # a lane's fan-out finds its events not fanned out by it
        # Only events not fanned out carry it, so the sweep's range query finds exactly those.
        "sweep_after": event.occurred_at + EVENT_GRACE,
        "expire_at": event.occurred_at + EVENT_TTL,
    }


def stage_events(client: Any, writer: Any, events: Iterable[WebhookEvent]) -> None:
    """Write each event beside the change (a set: the same change written again is the same event, and one
    already fanned out is fanned out again idempotently, its deliveries being keyed by the event)."""
    for event in events:
        writer.set(paths.events(client).document(event.id), event_to_doc(event))
