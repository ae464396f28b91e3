"""The analytics area's schemas: the product team's daily figures and the reactivation experiment."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from functions.fields import DateIn, Model, View
from streak_core.domain.vocabulary import Channel, NotificationKind
from streak_core.services.analytics import MAX_DAYS


class AnalyticsQuery(Model):
    from_: DateIn = Field(alias="from", description="First UTC date")
    to: DateIn = Field(description=f"Last UTC date; at most {MAX_DAYS} days in all")


class TallyOut(View):
    sent: int
    failed: int
    skipped: int


class KindFiguresOut(TallyOut):
    by_channel: dict[Channel, TallyOut] = Field(description="The same, per channel")


class DeliveriesOut(View):
    delivered: int
    failed: int


class DayFiguresOut(View):
    """One UTC date's figures."""

    date: date
    active_users: int
    qualifying_users: int
    sessions: int
    focus_seconds: int
    streaks_started: int
    streaks_broken: int
    freezes_applied: int
    recoveries: int
    notifications: dict[NotificationKind, KindFiguresOut]
    share_opens: int
    webhook_deliveries: DeliveriesOut


class AnalyticsOut(View):
    days: list[DayFiguresOut]


class GroupOut(View):
    users: int = Field(description="Reactivation steps reached on a date of the range (a user at each step)")
    returned: int = Field(description="Of those, back with a qualified day within 7 days")
    rate: float | None = Field(description="returned / users; null when nobody reached a step")


class GroupsOut(View):
    treatment: GroupOut
    holdout: GroupOut


class ReactivationOut(View):
    groups: GroupsOut
    lift: float | None = Field(description="The treatment's rate less the holdout's (null: a group is empty)")
