"""Webhooks: the endpoints and their deliveries, the queue that drains them, the HTTP sender, DNS, and the
box that keeps signing secrets encrypted."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from streak_core.models.events import WebhookEvent
from streak_core.models.webhooks import Delivery, Endpoint, FanOut, StoredEvent


@dataclass(frozen=True, slots=True)
class DeliveryPosition:
    """Where a page of an endpoint's deliveries ended (newest first)."""

    created_at: datetime
    event_id: str


@dataclass(frozen=True, slots=True)
class Attempt:
    """What one POST to an endpoint came to: a status code, or why there was none."""

    status_code: int | None
    error: str | None = None

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class WebhookStore(Protocol):
    def add_endpoint(self, endpoint: Endpoint, limit: int) -> bool:
        """Store a new endpoint unless `limit` endpoints exist already (False)."""
        ...

    def endpoints(self) -> list[Endpoint]: ...

    def endpoint(self, endpoint_id: str) -> Endpoint | None: ...

    def save_endpoint(self, endpoint: Endpoint) -> None: ...

    def delete_endpoint(self, endpoint_id: str) -> bool:
        """The endpoint and its delivery history; False when there was none."""
        ...

    def event(self, event_id: str) -> StoredEvent | None: ...

    def events_due(self, now: datetime, limit: int) -> list[str]:
        """Events not fanned out whose grace has passed (their announcement was lost), oldest first."""
        ...

    def first_unfanned(
        self, lane: int, uids: Collection[str], until: datetime
    ) -> dict[str, tuple[datetime, int, str]]:
        """For each of these users (of `lane`) with an event not fanned out yet that happened at or before
        `until`, the earliest such as (`occurred_at`, `seq`, id), the order deliveries go in: a delivery of
        theirs after it would overtake its delivery. It may answer an earlier place than the truth (never a
        later one): a delivery then waits a little longer."""
        ...

    def unfanned(self, lane: int, limit: int) -> list[WebhookEvent]:
        """The lane's events not fanned out yet, in the order deliveries go in (`occurred_at`, `seq`, id)."""
        ...

    def fan_out(self, items: Sequence[FanOut], now: datetime) -> None:
        """For each item, create the event's delivery to each of its endpoints that has none yet and mark
        the event fanned out, as few writes as it can; an event gone meanwhile (its user was erased) is
        left out."""
        ...

    def claim_lane(self, endpoint_id: str, lane: int, now: datetime, lease: timedelta) -> bool:
        """Take the lane for one drain; False when another drain holds a live lease, which is then told
        (the lane is marked) to go round once more before it lets go: no wake-up is lost."""
        ...

    def mark_held(self, endpoint_id: str, lane: int, now: datetime) -> bool:
        """True when a drain holds a live lease on the lane, which is then told (the lane is marked) to go
        round once more before it lets go; False when none does (a drain must be asked for)."""
        ...

    def release_lane(self, endpoint_id: str, lane: int, now: datetime, lease: timedelta | None) -> bool:
        """Let go of the lane, unless a drain came while it was held (`lease`: then keep it that much
        longer, clear the mark and answer False: go round again). `lease` None: let go whatever came."""
        ...

    def pending(self, endpoint_id: str, lane: int, limit: int) -> list[Delivery]:
        """The lane's pending deliveries in the order their changes happened (per user: the order to send)."""
        ...

    def save_deliveries(self, outcomes: Sequence[tuple[Delivery, datetime | None]]) -> None:
        """Store the deliveries, in one write where it can; a `settled_at` (an attempt made it delivered or
        failed) counts it in that day's figures in the same write."""
        ...

    def delivery(self, endpoint_id: str, delivery_id: str) -> Delivery | None: ...

    def deliveries(self, endpoint_id: str, after: DeliveryPosition | None, limit: int) -> list[Delivery]:
        """An endpoint's deliveries, newest first."""
        ...

    def lanes_due(self, before: datetime, limit: int) -> list[tuple[str, int]]:
        """Lanes holding a pending delivery due before `before` (a drain that should have run did not)."""
        ...


class EventStream(Protocol):
    def publish(self, row: str) -> None:
        """Send one event (its JSON row) to the stream analytics read from; raises when it could not."""
        ...


class WebhookQueue(Protocol):
    def drain_at(self, endpoint_id: str, lane: int, when: datetime | None, at: datetime) -> None:
        """Ask for the lane to be drained (a task on the `webhooks` queue): at once when `when` is None,
        else then (tasks for the same lane and moment are one); `at` is the drain's clock."""
        ...


class WebhookSender(Protocol):
    def post(self, url: str, address: str, headers: dict[str, str], body: str, timeout: float) -> Attempt:
        """POST `body` to `url`, connecting to `address` (checked already), following no redirect."""
        ...


class Resolver(Protocol):
    def addresses(self, host: str, port: int) -> list[str]:
        """Every address `host` resolves to; LookupError when it resolves to none."""
        ...


class SecretBox(Protocol):
    def seal(self, secret: str) -> str: ...

    def open(self, sealed: str) -> str: ...
