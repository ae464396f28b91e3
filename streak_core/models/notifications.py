"""Notifications as stored: outbox entries written with the change that causes them, and their delivery."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from streak_core.domain.notifications import NotificationData
from streak_core.domain.vocabulary import (
    Channel,
    DeliveryStatus,
    NotificationKind,
)

# An outbox entry not settled by then is the sweep's: its task was lost, or it is still being retried.
SWEEP_GRACE = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """A notification to send, written with the state change that causes it. The id is deterministic
    (user, kind, day or week), so a retried write can never create a second one."""

    uid: str
    kind: NotificationKind
    key: str
    data: NotificationData
    created_at: datetime

    @property
    def id(self) -> str:
        return f"{self.uid}:{self.kind}:{self.key}"


@dataclass(frozen=True, slots=True)
class StoredNotification:
    """An outbox entry as stored: what it says and where each channel of its delivery stands."""

    id: str
    uid: str
    kind: NotificationKind
    data: NotificationData
    created_at: datetime
    channels: Mapping[Channel, DeliveryStatus]
    attempts: Mapping[Channel, int] = field(default_factory=dict)

    def status(self, channel: Channel) -> DeliveryStatus:
        return self.channels.get(channel, DeliveryStatus.PENDING)
