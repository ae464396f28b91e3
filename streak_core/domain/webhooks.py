"""Webhook rules: which change is which event, its id, where its deliveries queue, when they are retried,
and which addresses an endpoint may have. Pure: no port, no clock."""

from __future__ import annotations

import hashlib
import ipaddress
import json
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from streak_core.domain.notifications import PUSH_HELD, NotificationData
from streak_core.domain.vocabulary import EventType, NotificationKind

# Each notification that is also a webhook event (reminders and weekly bonuses are not).
EVENT_OF_KIND: Mapping[NotificationKind, EventType] = {
    NotificationKind.MILESTONE: EventType.MILESTONE_REACHED,
    NotificationKind.STREAK_BROKEN: EventType.STREAK_BROKEN,
    NotificationKind.FREEZE_APPLIED: EventType.STREAK_FREEZE_APPLIED,
    NotificationKind.FREEZE_EARNED: EventType.STREAK_FREEZE_EARNED,
    NotificationKind.STREAK_RECOVERED: EventType.STREAK_RECOVERED,
    NotificationKind.STREAK_RESTORED: EventType.STREAK_RECOVERED,  # healed by late data
    NotificationKind.BADGE_EARNED: EventType.BADGE_EARNED,
    NotificationKind.CHALLENGE_COMPLETED: EventType.CHALLENGE_COMPLETED,
    NotificationKind.LEAGUE_FINISHED: EventType.LEAGUE_FINISHED,
    NotificationKind.FRIEND_STREAK_EXTENDED: EventType.FRIEND_STREAK_EXTENDED,
    NotificationKind.FRIEND_STREAK_BROKEN: EventType.FRIEND_STREAK_BROKEN,
}
ALL_EVENTS = "*"
# Attempts go on this long after the first one; then the delivery has failed (API.md: 3 days).
RETRY_WINDOW = timedelta(days=3)
RETRY_CAP = timedelta(hours=6)  # the longest wait between two attempts
DEFAULT_RETRY_BASE = timedelta(seconds=30)  # the wait after the first failed attempt, doubled each time
ATTEMPT_TIMEOUT_SECONDS = 10.0  # a 2xx within this is delivered
# Deliveries to one endpoint are spread over this many lanes, each sent one at a time in order: at most
# this many requests to an endpoint at once, and a user's events (always in the same lane) in order.
LANES = 4
MAX_ENDPOINTS = 50
MAX_URL_CHARS = 2048
MAX_DESCRIPTION = 500


def event_id(logical_id: str) -> str:
    """The id of the event a change causes (its `webhook-id`), from what the change is: the outbox entry's
    id, or `uid:type:key`. A retried write names the same event."""
    return "evt_" + hashlib.sha256(logical_id.encode()).hexdigest()[:32]


def logical_id(uid: str, event_type: EventType, key: str) -> str:
    return f"{uid}:{event_type}:{key}"


def payload_data(uid: str, data: NotificationData) -> dict[str, int | str]:
    """What a subscriber is told of the change: the user and the change's own figures."""
    return {"user_id": uid, **{k: v for k, v in data.items() if k != PUSH_HELD}}


def body(event_type: EventType, occurred_at: datetime, data: Mapping[str, int | str]) -> str:
    """The delivered JSON (Standard Webhooks: type, timestamp, data), as signed: compact, keys sorted."""
    document = {"type": event_type.value, "timestamp": occurred_at.isoformat(), "data": dict(data)}
    return json.dumps(document, separators=(",", ":"), sort_keys=True)


def lane_of(uid: str) -> int:
    return int(hashlib.sha256(uid.encode()).hexdigest()[:8], 16) % LANES


def subscribed(events: Iterable[str], event_type: EventType) -> bool:
    wanted = set(events)
    return ALL_EVENTS in wanted or event_type.value in wanted


def next_attempt(
    first_attempt_at: datetime, attempts: int, now: datetime, base: timedelta = DEFAULT_RETRY_BASE
) -> datetime | None:
    """When to try again after `attempts` failed ones (exponential, capped), or None when the retry window
    that began with the first attempt is spent: the delivery has failed."""
    if now - first_attempt_at >= RETRY_WINDOW:
        return None
    wait: timedelta = min(base * (2 ** min(max(attempts - 1, 0), 30)), RETRY_CAP)
    latest: datetime = first_attempt_at + RETRY_WINDOW
    return min(now + wait, latest)


def address_problem(address: str, allow_loopback: bool) -> str | None:
    """Why an endpoint may not be reached at `address` (checked on every address its name resolves to,
    at registration and before every attempt): private, link-local, metadata and other non-global
    addresses are refused (SSRF); loopback only where `allow_loopback` (local stacks)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return f"{address} is not an IP address"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return None if allow_loopback else f"{ip} is a loopback address"
    if not ip.is_global or ip.is_multicast:
        return f"{ip} is not a public address"
    return None


# The columns of the BigQuery table the events stream into (a Pub/Sub BigQuery subscription writes each
# message's fields to the columns of the same name); `data` is the JSON webhooks carry, as a string.
EVENT_COLUMNS = (
    ("id", "STRING"),
    ("type", "STRING"),
    ("user_id", "STRING"),
    ("occurred_at", "STRING"),
    ("data", "STRING"),
)


def event_row(
    event_id: str, event_type: EventType, uid: str, occurred_at: datetime, data: Mapping[str, int | str]
) -> str:
    """One event as the `events` topic carries it: the columns above, as JSON."""
    row = {
        "id": event_id,
        "type": event_type.value,
        "user_id": uid,
        "occurred_at": occurred_at.isoformat(),
        "data": json.dumps(dict(data), separators=(",", ":"), sort_keys=True),
    }
    return json.dumps(row, separators=(",", ":"))
