"""Sending one outbox entry on each channel, exactly once, as the user's preferences allow."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from streak_core.domain.notifications import (
    PUSH_HELD,
    NotificationData,
    release_at,
    render,
    with_unsubscribe,
)
from streak_core.domain.vocabulary import Channel, DeliveryStatus, NotificationKind
from streak_core.models.notifications import SWEEP_GRACE, StoredNotification
from streak_core.ports.followups import DispatchQueue
from streak_core.ports.notifications import (
    ChannelResult,
    DeliveryError,
    EmailSender,
    OutboxStore,
    PushSender,
    Recipient,
)
from streak_core.services.followups import announce

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
# Longer than one dispatch can take (FCM and SMTP time out well before), short enough for the sweep to
# pick up an entry whose dispatcher died holding it.
LEASE = timedelta(minutes=2)


@dataclass(slots=True)
class DispatchReport:
    statuses: dict[Channel, DeliveryStatus] = field(default_factory=dict)
    held_until: datetime | None = None
    retry: bool = False  # a channel failed transiently: the task should be retried
    busy: bool = False  # gone, or another dispatch holds it: nothing to do here


@dataclass
class Dispatcher:
    store: OutboxStore
    push: PushSender
    email: EmailSender
    later: DispatchQueue | None  # None: a held entry waits for the sweep instead of its own task
    max_attempts: int = MAX_ATTEMPTS
    # The one-click link that switches a kind off for a user (None: no link, e.g. no public URL is set).
    unsubscribe_url: Callable[[str, NotificationKind], str | None] | None = None

    def dispatch(self, entry_id: str, now: datetime) -> DispatchReport:
        """Idempotent: a channel already sent, skipped or failed is never sent again.

        An entry another dispatch is holding is left to it (`busy`); nothing is sent twice.
        """
        report = DispatchReport()
        entry = self.store.claim(entry_id, now, LEASE)
        if entry is None:
            report.busy = True
            return report
        try:
            self._dispatch(entry, now, report)
        finally:
            settled = all(report.statuses.get(c, DeliveryStatus.PENDING).settled for c in Channel)
            if settled:
                self.store.release(entry_id, None)
            else:
                self.store.release(entry_id, (report.held_until or now) + SWEEP_GRACE)
        if report.held_until is not None and self.later is not None:
            announce(self.later, [entry_id], report.held_until)  # if this is lost, the sweep sends it
        return report

    def _dispatch(self, entry: StoredNotification, now: datetime, report: DispatchReport) -> None:
        report.statuses = {c: entry.status(c) for c in Channel}
        pending = [c for c in Channel if not entry.status(c).settled]
        if not pending:
            return
        recipient = self.store.recipient(entry.uid)
        for channel in pending:
            tried = entry.attempts.get(channel, 0)
            result = partial(ChannelResult, entry.id, channel, kind=entry.kind)
            reason = skip_reason(channel, entry.kind, recipient, entry.data)
            if reason is not None:
                self._record(report, result(DeliveryStatus.SKIPPED, reason, tried, now))
                continue
            prefs = recipient.settings.notifications
            release = release_at(now, recipient.timezone, prefs.quiet_hours)
            if release > now:
                report.held_until = min(release, report.held_until or release)
                continue
            tries = tried + 1
            try:
                self._send(channel, entry.kind, entry.data, recipient)
            except DeliveryError as exc:
                status = DeliveryStatus.FAILED if tries >= self.max_attempts else DeliveryStatus.PENDING
                report.retry = report.retry or status is DeliveryStatus.PENDING
                self._record(report, result(status, str(exc), tries, now))
                continue
            except _NothingToSend as nothing:
                self._record(report, result(DeliveryStatus.SKIPPED, str(nothing), tries, now))
                continue
            self._record(report, result(DeliveryStatus.SENT, None, tries, now))

    def _send(
        self, channel: Channel, kind: NotificationKind, data: NotificationData, recipient: Recipient
    ) -> None:
        message = render(kind, recipient.settings.locale, data)
        if channel is Channel.PUSH:
            outcome = self.push.send(
                recipient.device_tokens,
                message.title,
                message.body,
                {"kind": kind.value, **{k: str(v) for k, v in data.items()}},
            )
            if outcome.invalid_tokens:
                self.store.prune_tokens(recipient.uid, outcome.invalid_tokens)
            if outcome.delivered == 0:
                raise _NothingToSend("no device accepted the message (invalid tokens pruned)")
            return
        assert recipient.email is not None
        link = self.unsubscribe_url(recipient.uid, kind) if self.unsubscribe_url is not None else None
        if link is not None:
            message = with_unsubscribe(message, recipient.settings.locale, link)
        self.email.send(recipient.email, message.title, message.body, message.html, link)

    def _record(self, report: DispatchReport, result: ChannelResult) -> None:
        self.store.record(result)
        status = report.statuses[result.channel] = result.status
        if status in (DeliveryStatus.SENT, DeliveryStatus.FAILED):  # what a failure ratio counts
            fields = {
                "delivery": status.value,
                "channel": result.channel.value,
                "entry_id": result.entry_id,
                "attempts": result.attempts,
            }
            if status is DeliveryStatus.FAILED:
                log.error("notification failed for good", extra={**fields, "error": result.detail})
            else:
                log.info("notification sent", extra=fields)


class _NothingToSend(Exception):
    pass


def skip_reason(
    channel: Channel, kind: NotificationKind, recipient: Recipient, data: NotificationData
) -> str | None:
    prefs = recipient.settings.notifications
    if not prefs.allows(kind):
        return f"{kind} notifications are turned off"
    if channel is Channel.PUSH:
        if PUSH_HELD in data:
            return "another notification of the same change was pushed"
        if not prefs.push:
            return "push is turned off"
        if not recipient.device_tokens:
            return "no registered device"
    if channel is Channel.EMAIL:
        if not prefs.email:
            return "email is turned off"
        if not recipient.email:
            return "no email address"
    return None


@dataclass(slots=True)
class SweepReport:
    dispatched: int = 0
    still_pending: int = 0


def sweep(dispatcher: Dispatcher, now: datetime, limit: int = 200) -> SweepReport:
    """Dispatch entries nobody settled in time (a lost enqueue, a task that gave up, a dead dispatcher)."""
    report = SweepReport()
    for entry_id in dispatcher.store.due_for_sweep(now, limit):
        outcome = dispatcher.dispatch(entry_id, now)
        report.dispatched += 0 if outcome.busy else 1
        report.still_pending += int(outcome.retry or outcome.held_until is not None)
    return report
