"""Webhooks: endpoints registered by operators, events fanned out to them, and each lane of deliveries sent
in order, signed per Standard Webhooks, retried with backoff for three days, at least once."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from streak_core import context
from streak_core.domain.sessions import FieldIssue
from streak_core.domain.vocabulary import DisabledReason, EndpointStatus, HookDeliveryStatus
from streak_core.domain.webhooks import (
    ATTEMPT_TIMEOUT_SECONDS,
    DEFAULT_RETRY_BASE,
    MAX_ENDPOINTS,
    next_attempt,
)
from streak_core.errors import (
    DeliveryNotFound,
    EndpointDisabled,
    InvalidRequest,
    TooManyWebhooks,
    WebhookNotFound,
)
from streak_core.models.webhooks import Delivery, DrainReport, Endpoint, HookSweepReport, LaneFanOut
from streak_core.ports.webhooks import (
    Attempt,
    DeliveryPosition,
    EventStream,
    Resolver,
    SecretBox,
    WebhookQueue,
    WebhookSender,
    WebhookStore,
)
from streak_core.services.webhook_fan_out import enabled, fan_out
from streak_core.services.webhook_health import disable, health
from streak_core.services.webhook_signing import Signer, new_secret
from streak_core.services.webhook_targets import checked_addresses

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=2)  # longer than a drain can run (it stops with time to spare), for a dead one
PAGE = 50  # pending deliveries a drain reads at a time
FAN_OUT_PAGE = 100  # events a lane's fan-out reads at a time
MAX_ROUNDS = 20  # times a drain goes round when told to (then it hands over to a new task)
FAN_OUT_WAIT = timedelta(seconds=2)  # how soon a lane is drained again when an earlier event is on its way
SWEEP_GRACE = timedelta(minutes=2)  # a lane due this long ago had its drain lost
RESERVE_SECONDS = ATTEMPT_TIMEOUT_SECONDS + 5  # a drain starts no attempt with less time than this left
ROTATION_OVERLAP = timedelta(hours=24)  # after a rotation, deliveries carry the old signature this long too
GONE = 410  # "the endpoint is gone": disabled at once (Standard Webhooks), not retried for three days


@dataclass
class Webhooks:
    store: WebhookStore
    box: SecretBox
    resolver: Resolver
    sender: WebhookSender
    queue: WebhookQueue | None  # None: lanes are drained by the sweep alone
    allow_local: bool = False  # local stacks: http://127.0.0.1 endpoints
    retry_base: timedelta = DEFAULT_RETRY_BASE
    wall_clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))  # webhook-timestamp
    stream: EventStream | None = None  # each event also streamed (Pub/Sub -> BigQuery) at its fan-out

    # --- endpoints ------------------------------------------------------------------------------------
    def register(
        self, url: str, events: list[str], description: str | None, now: datetime
    ) -> tuple[Endpoint, str]:
        """A new enabled endpoint and its signing secret (shown once: only its encryption is kept)."""
        self.check_url(url)
        secret = new_secret()
        endpoint = Endpoint(
            id="wh_" + secrets.token_hex(12),
            url=url,
            events=tuple(dict.fromkeys(events)),
            description=description,
            status=EndpointStatus.ENABLED,
            created_at=now,
            updated_at=now,
            sealed_secret=self.box.seal(secret),
        )
        if not self.store.add_endpoint(endpoint, MAX_ENDPOINTS):
            raise TooManyWebhooks(f"At most {MAX_ENDPOINTS} webhook endpoints: delete one first.")
        return endpoint, secret

    def endpoint(self, endpoint_id: str) -> Endpoint:
        found = self.store.endpoint(endpoint_id)
        if found is None:
            raise WebhookNotFound
        return found

    def update(
        self,
        endpoint_id: str,
        now: datetime,
        url: str | None = None,
        events: list[str] | None = None,
        description: str | None = None,
        status: EndpointStatus | None = None,
    ) -> Endpoint:
        current = self.endpoint(endpoint_id)
        if url is not None:
            self.check_url(url)
        changed = replace(
            current,
            url=url if url is not None else current.url,
            events=tuple(dict.fromkeys(events)) if events is not None else current.events,
            description=description if description is not None else current.description,
            status=status or current.status,
            updated_at=now,
        )
        if status is EndpointStatus.ENABLED and current.status is EndpointStatus.DISABLED:
            changed = replace(changed, failing_since=None, disabled_at=None, disabled_reason=None)  # afresh
        elif status is EndpointStatus.DISABLED and current.status is EndpointStatus.ENABLED:
            changed = replace(changed, disabled_at=now, disabled_reason=DisabledReason.OPERATOR)
        self.store.save_endpoint(changed)
        return changed

    def rotate_secret(self, endpoint_id: str, now: datetime) -> tuple[Endpoint, str]:
        """A new signing secret (shown once). For ROTATION_OVERLAP every delivery is signed with both, so
        receivers can switch at their pace; a rotation within that time drops the oldest of the three."""
        current = self.endpoint(endpoint_id)
        secret = new_secret()
        rotated = replace(
            current,
            sealed_secret=self.box.seal(secret),
            previous_sealed_secret=current.sealed_secret,
            previous_secret_until=self.wall_clock() + ROTATION_OVERLAP,
            updated_at=now,
        )
        self.store.save_endpoint(rotated)
        return rotated, secret

    def delete(self, endpoint_id: str) -> None:
        if not self.store.delete_endpoint(endpoint_id):
            raise WebhookNotFound

    def check_url(self, url: str) -> None:
        """Refuse a URL that is not https (or local http where allowed) or that resolves to any address an
        endpoint may not have."""
        _, problem = checked_addresses(self.resolver, url, self.allow_local)
        if problem is not None:
            raise InvalidRequest(
                [FieldIssue("url", "url_not_allowed", problem)], f"This URL cannot be a webhook: {problem}."
            )

    # --- deliveries -----------------------------------------------------------------------------------
    def delivery(self, endpoint_id: str, delivery_id: str) -> Delivery:
        self.endpoint(endpoint_id)
        found = self.store.delivery(endpoint_id, delivery_id)
        if found is None:
            raise DeliveryNotFound
        return found

    def deliveries(
        self, endpoint_id: str, after: DeliveryPosition | None, limit: int
    ) -> tuple[list[Delivery], DeliveryPosition | None]:
        self.endpoint(endpoint_id)
        page = self.store.deliveries(endpoint_id, after, limit + 1)
        more = len(page) > limit
        page = page[:limit]
        last = page[-1] if more and page else None
        position = DeliveryPosition(last.created_at, last.event_id) if last and last.created_at else None
        return page, position

    def retry(self, endpoint_id: str, delivery_id: str, now: datetime) -> Delivery:
        """Send the delivery again (a replay): pending now, with a fresh retry window."""
        if self.endpoint(endpoint_id).status is EndpointStatus.DISABLED:
            raise EndpointDisabled
        found = self.delivery(endpoint_id, delivery_id)
        again = replace(found, status=HookDeliveryStatus.PENDING, next_attempt_at=now, first_attempt_at=None)
        self.store.save_deliveries([(again, None)])
        self._drain_later(endpoint_id, again.lane, now, now)
        return again

    # --- fan-out, drains, sweep -----------------------------------------------------------------------
    def fan_out(self, event_id: str, now: datetime) -> int:
        """The event's deliveries to every enabled endpoint subscribed to its type, once; how many lanes
        were asked to drain. An event fanned out already, or gone, is left as it is."""
        stored = self.store.event(event_id)
        if stored is None or stored.fanned_out:
            return 0
        item = fan_out(self.store, self.stream, [stored.event], enabled(self.store), now)[0]
        for endpoint_id in item.endpoint_ids:
            self._ask_drain(endpoint_id, stored.event.lane, now)
        return len(item.endpoint_ids)

    def fan_out_lane(self, lane: int, now: datetime) -> LaneFanOut:
        """Every event of the lane not fanned out yet, in order, a page per commit; then each endpoint
        that got deliveries has its lane asked to drain, once. A writer of events asks for this shortly
        after its commit (one task per lane and moment, however many writers ask)."""
        report, touched = LaneFanOut(), dict[str, None]()
        endpoints: list[Endpoint] | None = None  # read once, at the first page that has events
        while True:
            if _out_of_time():
                report.more = True  # the task is answered 503: Cloud Tasks sends it again
                break
            events = self.store.unfanned(lane, FAN_OUT_PAGE)
            if not events:
                break
            if endpoints is None:
                endpoints = enabled(self.store)
            for item in fan_out(self.store, self.stream, events, endpoints, now):
                touched.update(dict.fromkeys(item.endpoint_ids))
            report.events += len(events)
            if len(events) < FAN_OUT_PAGE:
                break
        for endpoint_id in touched:
            self._ask_drain(endpoint_id, lane, now)
        report.endpoints = len(touched)
        return report

    def _ask_drain(self, endpoint_id: str, lane: int, now: datetime) -> None:
        # A drain holding the lane goes round once more and sends it: no task. Under load nearly every
        # lane is held, so one task per fan-out rather than two (each a request, a read, a lease).
        if self.queue is None or not self.store.mark_held(endpoint_id, lane, self.wall_clock()):
            self._drain_later(endpoint_id, lane, now, now)

    def drain(self, endpoint_id: str, lane: int, now: datetime) -> DrainReport:
        """Send the lane's pending deliveries in order: a user whose delivery failed waits for its retry
        before any later event of theirs is sent; other users in the lane go on."""
        report = DrainReport()
        real = self.wall_clock()  # leases are held in real time, whatever clock the drain reads
        if not self.store.claim_lane(endpoint_id, lane, real, LEASE):
            report.busy = True  # the holder was told (the lane is marked): it goes round again
            return report
        released, rounds = False, 0
        try:
            while not released and rounds < MAX_ROUNDS and not _out_of_time():
                self._drain(endpoint_id, lane, now, report)
                released = self.store.release_lane(endpoint_id, lane, self.wall_clock(), LEASE)
                rounds += 1
        finally:
            if not released:  # out of rounds or time, or failed: another drain goes on at once
                self.store.release_lane(endpoint_id, lane, real, None)
                report.next_at = now
        if report.next_at is not None:
            self._drain_later(endpoint_id, lane, report.next_at, now)
        return report

    def _drain(self, endpoint_id: str, lane: int, now: datetime, report: DrainReport) -> None:
        endpoint = self.store.endpoint(endpoint_id)
        if endpoint is None or endpoint.status is EndpointStatus.DISABLED:
            return  # its pending deliveries wait: enabling it again (PATCH) lets a retry or the sweep go on
        signer = Signer.of(endpoint, self.box, self.wall_clock())
        waiting: set[str] = set()  # users with an earlier delivery not yet through
        while self._page(endpoint, signer, lane, now, report, waiting):
            pass

    def _page(
        self,
        endpoint: Endpoint,
        signer: Signer,
        lane: int,
        now: datetime,
        report: DrainReport,
        waiting: set[str],
    ) -> bool:
        """One page of the lane, sent one delivery at a time in order, its outcomes stored together after
        (a drain that dies before then sends them again: at least once, the same `webhook-id`); True when it
        sent something and a next page may hold more to send."""
        page = self.store.pending(endpoint.id, lane, PAGE)
        sent, outcomes = report.sent, list[tuple[Delivery, datetime | None]]()
        # Each user's first event not yet fanned out (its fan-out is on its way, or the sweep's): none of
        # their deliveries after it goes before it.
        unfanned = (
            self.store.first_unfanned(lane, {d.uid for d in page} - waiting, page[-1].occurred_at)
            if page
            else {}
        )
        try:
            for delivery in page:
                if delivery.uid in waiting:
                    continue
                place = (delivery.occurred_at, delivery.seq, delivery.event_id)
                if unfanned.get(delivery.uid, place) < place:
                    waiting.add(delivery.uid)
                    report.wake_at(now + FAN_OUT_WAIT)
                    continue
                # Never tried: due at once, whatever clock the drain started on (a fan-out to a held lane
                # after that start is the holder's to send, this round). Tried: at its retry time.
                due = (delivery.next_attempt_at or now) if delivery.attempts else now
                if due > now:
                    waiting.add(delivery.uid)
                    report.wake_at(due)
                    continue
                if _out_of_time():
                    report.next_at = now  # the next drain goes on at once
                    return False
                endpoint, outcome = self._attempt(endpoint, signer, delivery, now)
                outcomes.append((outcome, now if outcome.status is not HookDeliveryStatus.PENDING else None))
                report.sent += 1
                report.delivered += int(outcome.status is HookDeliveryStatus.DELIVERED)
                if outcome.status is HookDeliveryStatus.PENDING:
                    waiting.add(delivery.uid)
                    report.wake_at(outcome.next_attempt_at or now)
                if endpoint.status is EndpointStatus.DISABLED:
                    report.next_at = None
                    return False
        finally:
            if outcomes:
                self.store.save_deliveries(outcomes)
        return len(page) == PAGE and report.sent > sent

    def _attempt(
        self, endpoint: Endpoint, signer: Signer, delivery: Delivery, now: datetime
    ) -> tuple[Endpoint, Delivery]:
        """One POST; the delivery as it now stands (stored by the caller, with the page's others)."""
        attempt = self._post(endpoint, signer, delivery)
        first = delivery.first_attempt_at or now
        tries = delivery.attempts + 1
        if attempt.delivered:
            status, again = HookDeliveryStatus.DELIVERED, None
        else:
            again = next_attempt(first, tries, now, self.retry_base)
            status = HookDeliveryStatus.PENDING if again is not None else HookDeliveryStatus.FAILED
        done = replace(
            delivery,
            status=status,
            attempts=tries,
            next_attempt_at=again,
            first_attempt_at=first,
            last_status_code=attempt.status_code,
            last_error=attempt.error,
        )
        fields = {
            "webhook": endpoint.id,
            "event_id": delivery.event_id,
            "event_type": delivery.type.value,
            "attempts": tries,
            "status_code": attempt.status_code,
            "webhook_delivery": status.value,  # not `delivery`: that one counts notifications
        }
        if status is HookDeliveryStatus.FAILED:
            log.error("webhook delivery failed for good", extra={**fields, "error": attempt.error})
        elif status is HookDeliveryStatus.PENDING:
            log.warning("webhook attempt failed", extra={**fields, "error": attempt.error})
        if attempt.status_code == GONE:
            return disable(self.store, endpoint, DisabledReason.GONE, now), done
        return health(self.store, endpoint, attempt.delivered, now), done

    def _post(self, endpoint: Endpoint, signer: Signer, delivery: Delivery) -> Attempt:
        # Again before every attempt: what a name resolves to can change.
        addresses, problem = checked_addresses(self.resolver, endpoint.url, self.allow_local)
        if problem is not None:
            return Attempt(None, problem)
        sent_at = self.wall_clock()
        headers = {
            "content-type": "application/json",
            "user-agent": "focus-streaks-webhooks/1",
            "webhook-id": delivery.event_id,
            "webhook-timestamp": str(int(sent_at.timestamp())),
            "webhook-signature": signer.signature(delivery.event_id, sent_at, delivery.body),
        }
        return self.sender.post(endpoint.url, addresses[0], headers, delivery.body, ATTEMPT_TIMEOUT_SECONDS)

    def sweep(self, now: datetime, limit: int = 200) -> HookSweepReport:
        """Fan out events whose announcement was lost and drain lanes whose drain was lost."""
        report = HookSweepReport()
        for event_id in self.store.events_due(now, limit):
            self.fan_out(event_id, now)
            report.events_fanned_out += 1
        before = now if self.queue is None else now - SWEEP_GRACE
        for endpoint_id, lane in self.store.lanes_due(before, limit):
            if self.queue is None:  # no queue: the sweep drains the lane itself
                self.drain(endpoint_id, lane, now)
            else:
                self._drain_later(endpoint_id, lane, now, now)
            report.lanes_kicked += 1
        return report

    def _drain_later(self, endpoint_id: str, lane: int, when: datetime, now: datetime) -> None:
        """A drain task at once (`when` not after `now`), else as long after the real time as `when` is after
        `now` (the same under an overridden clock); the drain's clock is `when`."""
        if self.queue is None:
            return
        scheduled = self.wall_clock() + (when - now) if when > now else None
        try:
            self.queue.drain_at(endpoint_id, lane, scheduled, when)
        except Exception:  # a lost enqueue is healed by the sweep; what was stored stands
            log.warning("webhook drain not queued", extra={"webhook": endpoint_id, "lane": lane})


def _out_of_time() -> bool:
    left = context.time_left()
    return left is not None and left < RESERVE_SECONDS
