"""Notifications: the outbox they are sent from, the channels (FCM, mail), reminders (the dispatch queue is
in ports/followups.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from streak_core.domain.vocabulary import Channel, DeliveryStatus, NotificationKind
from streak_core.models.notifications import OutboxEntry, StoredNotification
from streak_core.models.users import UserSettings

if TYPE_CHECKING:  # the reminders' record: not imported by every function that only queues a dispatch
    from streak_core.models.maintenance import DueUser


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who a notification goes to, and how they want to hear from us."""

    uid: str
    settings: UserSettings
    timezone: str
    email: str | None
    device_tokens: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PushOutcome:
    delivered: int
    invalid_tokens: tuple[str, ...]  # FCM said unregistered or invalid: to be pruned


@dataclass(frozen=True, slots=True)
class ChannelResult:
    """What one dispatch made of one channel of an entry."""

    entry_id: str
    channel: Channel
    status: DeliveryStatus
    detail: str | None  # why it was skipped, or the error
    attempts: int
    at: datetime
    kind: NotificationKind | None = None  # counted in the day's figures once the channel is settled


class DeliveryError(Exception):
    """A channel failed in a way worth retrying (FCM 5xx, SMTP unavailable)."""


class OutboxStore(Protocol):
    def claim(self, entry_id: str, now: datetime, lease: timedelta) -> StoredNotification | None:
        """Take the entry for one dispatch, or None if it is gone or another dispatch holds a live lease.

        The lease keeps two concurrent dispatches (a task and the sweep) from sending a channel twice.
        """
        ...

    def release(self, entry_id: str, sweep_after: datetime | None) -> None:
        """Drop the lease; `sweep_after` None means every channel is settled and the sweep may forget it."""
        ...

    def due_for_sweep(self, now: datetime, limit: int) -> list[str]:
        """Ids of entries still unsettled whose `sweep_after` has passed, oldest first."""
        ...

    def recipient(self, uid: str) -> Recipient: ...

    def record(self, result: ChannelResult) -> None:
        """Store a channel's status, its detail (skip reason or error), attempt count and when it was set."""
        ...

    def prune_tokens(self, uid: str, tokens: tuple[str, ...]) -> None: ...


class PushSender(Protocol):
    def send(
        self, tokens: tuple[str, ...], title: str, body: str, data: Mapping[str, str]
    ) -> PushOutcome: ...


class EmailSender(Protocol):
    def send(
        self, address: str, subject: str, text: str, html: str, unsubscribe_url: str | None = None
    ) -> None:
        """Send one message; with `unsubscribe_url`, the List-Unsubscribe headers of RFC 8058 point to it."""
        ...


class ReminderStore(Protocol):
    def due_reminders(self, now: datetime, limit: int) -> list[DueUser]:
        """Users whose `reminder_at` is not after `now`, soonest first."""
        ...

    def commit_reminders(self, plans: list[tuple[DueUser, datetime, OutboxEntry | None]]) -> list[str]:
        """Move each `reminder_at` on, writing its entry in the same commit, unless the streak changed since
        it was read (it is then due again at once). Returns the ids of the entries written."""
        ...
