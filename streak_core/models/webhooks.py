"""Webhooks as stored: endpoints, deliveries and the events as read back (the events as written are
streak_core/models/events.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from streak_core.domain.vocabulary import DisabledReason, EndpointStatus, EventType, HookDeliveryStatus
from streak_core.models.events import WebhookEvent


@dataclass(frozen=True, slots=True)
class FanOut:
    """One event's deliveries to make: the signed body and the endpoints subscribed to its type."""

    event: WebhookEvent
    body: str
    endpoint_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StoredEvent:
    event: WebhookEvent
    fanned_out: bool


@dataclass(frozen=True, slots=True)
class Endpoint:
    id: str
    url: str
    events: tuple[str, ...]
    description: str | None
    status: EndpointStatus
    created_at: datetime
    updated_at: datetime
    sealed_secret: str  # the signing secret, encrypted (HMAC needs it back, so it cannot be hashed)
    failing_since: datetime | None = None  # the first failed attempt since the last success
    disabled_at: datetime | None = None
    disabled_reason: DisabledReason | None = None
    # After a rotation, the secret before it (sealed) still signs beside the new one until this instant.
    previous_sealed_secret: str | None = None
    previous_secret_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class Delivery:
    """One event on its way to one endpoint; its id is the event's id."""

    endpoint_id: str
    event_id: str
    uid: str
    type: EventType
    lane: int
    body: str
    occurred_at: datetime
    seq: int
    status: HookDeliveryStatus
    attempts: int
    next_attempt_at: datetime | None
    first_attempt_at: datetime | None = None
    last_status_code: int | None = None
    last_error: str | None = None
    created_at: datetime | None = None

    @property
    def id(self) -> str:
        return self.event_id


@dataclass(slots=True)
class HookSweepReport:
    """What a sweep of webhooks did: events whose lost fan-out it redid, lanes whose lost drain it kicked."""

    events_fanned_out: int = 0
    lanes_kicked: int = 0


@dataclass(slots=True)
class DrainReport:
    """What a drain of one lane did, and when the lane is to be drained again."""

    sent: int = 0
    delivered: int = 0
    busy: bool = False  # another drain holds the lane (and was told to go round again)
    next_at: datetime | None = None  # when the lane is drained again

    def wake_at(self, at: datetime) -> None:
        """The lane is due again at `at`, if no sooner."""
        self.next_at = min(at, self.next_at or at)


@dataclass(slots=True)
class LaneFanOut:
    """What a fan-out of one lane's events did."""

    events: int = 0  # events fanned out
    endpoints: int = 0  # endpoints whose lane was asked to drain
    more: bool = False  # out of time with events left
