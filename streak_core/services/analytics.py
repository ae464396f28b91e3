"""The product team's figures, read from the daily counters: each date's figures, and the reactivation
experiment's two groups with the lift of the messages. No scan: one batched read of the dates' shards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from streak_core.domain.analytics import (
    Group,
    Metric,
    notification_counter,
    reactivation_counter,
    webhook_counter,
)
from streak_core.domain.sessions import FieldIssue
from streak_core.domain.vocabulary import Channel, DeliveryStatus, HookDeliveryStatus, NotificationKind
from streak_core.errors import InvalidRequest
from streak_core.ports.analytics import AnalyticsStore

MAX_DAYS = 92
TOLD = (DeliveryStatus.SENT, DeliveryStatus.FAILED, DeliveryStatus.SKIPPED)


@dataclass(frozen=True, slots=True)
class Tally:
    sent: int = 0
    failed: int = 0
    skipped: int = 0


@dataclass(frozen=True, slots=True)
class KindFigures:
    sent: int
    failed: int
    skipped: int
    by_channel: dict[Channel, Tally]


@dataclass(frozen=True, slots=True)
class Deliveries:
    delivered: int
    failed: int


@dataclass(frozen=True, slots=True)
class DayFigures:
    date: date
    active_users: int
    qualifying_users: int
    sessions: int
    focus_seconds: int
    streaks_started: int
    streaks_broken: int
    freezes_applied: int
    recoveries: int
    notifications: dict[NotificationKind, KindFigures]
    share_opens: int
    webhook_deliveries: Deliveries


@dataclass(frozen=True, slots=True)
class GroupFigures:
    users: int
    returned: int
    rate: float | None  # None: nobody reached a step


@dataclass(frozen=True, slots=True)
class ReactivationFigures:
    treatment: GroupFigures
    holdout: GroupFigures
    lift: float | None


def _range(first: date | None, last: date | None) -> tuple[date, date]:
    if first is None or last is None:
        missing = [n for n, v in (("from", first), ("to", last)) if v is None]
        raise InvalidRequest([FieldIssue(n, "missing", "is required") for n in missing])
    if last < first:
        raise InvalidRequest([FieldIssue("to", "before_from", "must not be before 'from'")])
    if (last - first).days + 1 > MAX_DAYS:
        raise InvalidRequest([FieldIssue("to", "range_too_long", f"at most {MAX_DAYS} days after 'from'")])
    return first, last


def daily_figures(store: AnalyticsStore, first: date | None, last: date | None) -> list[DayFigures]:
    """Every UTC date of the range (at most MAX_DAYS), zeros where nothing was counted."""
    first, last = _range(first, last)
    found = store.days(first, last)
    days = []
    for n in range((last - first).days + 1):
        day = first + timedelta(days=n)
        c = found.get(day, {})

        def kind(k: NotificationKind, c: dict[str, int] = c) -> KindFigures:
            channels = {
                ch: Tally(*(c.get(notification_counter(k, ch, s), 0) for s in TOLD)) for ch in Channel
            }
            return KindFigures(
                sum(t.sent for t in channels.values()),
                sum(t.failed for t in channels.values()),
                sum(t.skipped for t in channels.values()),
                channels,
            )

        days.append(
            DayFigures(
                date=day,
                **{m.value: c.get(m.value, 0) for m in Metric},
                notifications={k: kind(k) for k in NotificationKind},
                webhook_deliveries=Deliveries(
                    c.get(webhook_counter(HookDeliveryStatus.DELIVERED), 0),
                    c.get(webhook_counter(HookDeliveryStatus.FAILED), 0),
                ),
            )
        )
    return days


def reactivation_figures(store: AnalyticsStore, first: date | None, last: date | None) -> ReactivationFigures:
    """Users who reached a step on a date of the range (each step counted), and of them those back with a
    qualified day within 7 days, per group; the lift is the treatment's rate less the holdout's."""
    first, last = _range(first, last)
    found = store.days(first, last)
    groups = {}
    for group in Group:
        users = sum(c.get(reactivation_counter(group, "users"), 0) for c in found.values())
        back = sum(c.get(reactivation_counter(group, "returned"), 0) for c in found.values())
        groups[group] = GroupFigures(users, back, round(back / users, 4) if users else None)
    treatment, holdout = groups[Group.TREATMENT], groups[Group.HOLDOUT]
    lift = (
        round(treatment.rate - holdout.rate, 4)
        if treatment.rate is not None and holdout.rate is not None
        else None
    )
    return ReactivationFigures(treatment, holdout, lift)
