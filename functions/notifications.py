"""The `notifications` HTTP function: Cloud Tasks dispatches, and Cloud Scheduler's sweep and reminder ticks.

- `POST /dispatch` `{"entry_id", "at"?}`: one outbox entry. 200 when settled, held or owned by another
  dispatch; 503 when a channel failed transiently, so the queue retries it.
  The entry's webhook event (same id) is fanned out to the endpoints subscribed to it; an id that is only
  an event is fanned out alone (the sweep's way; writers ask for their lane's fan-out below).
- `POST /dispatch/events` `{"lane", "at"?}`: the events of one webhook lane not fanned out yet, fanned out
  in order, a page per commit (writers of events ask for it, one task per lane and moment); then each
  endpoint's lane asked to drain.
- `POST /webhooks/drain` `{"endpoint_id", "lane", "at"?}`: the `webhooks` queue's tasks: one lane's pending
  deliveries sent in order; a lane another drain holds is marked, and that drain goes round again.
- `POST /friend-streaks/check` `{"friend_streak_id", "at"?}`: a pair checked after either friend's days
  changed: both told of a date they both completed (once).
- `POST /sweep` `{"now"?}`: entries still unsettled a few minutes after they were due (every 5 minutes),
  events whose fan-out was lost and lanes whose drain was lost.
- `POST /reminders` `{"now"?}`: the hourly reminder tick.
`at` / `now` are honoured only with ALLOW_CLOCK_OVERRIDE=1 (local runs and tests); otherwise the clock rules.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import flask

from functions import payloads
from functions.http import ApiError, overridden_now
from functions.routing import Auth, Call, Reply, Routes, RouteTable
from functions.tasks import handle_task
from streak_core.domain.webhooks import event_id
from streak_core.function_dependencies import NotificationDependencies
from streak_core.models.webhooks import HookSweepReport
from streak_core.services.dispatch import sweep
from streak_core.services.reminders import send_reminders

if TYPE_CHECKING:
    from streak_core.services.webhooks import Webhooks

NotificationCall = Call[NotificationDependencies]


ROUTES: Routes[NotificationDependencies] = Routes(auth=Auth.NONE)


@ROUTES.post(
    "/dispatch",
    {200: payloads.DispatchOut, 503: payloads.DispatchOut},
    body=payloads.DispatchIn,
)
def dispatch(call: NotificationCall) -> Reply:
    """Send one outbox entry"""
    # The entry's channels, and its webhook event fanned out (an id that is only an event: that alone).
    body = call.body_as(payloads.DispatchIn)
    now = clock(body.at, call)
    hooks = call.deps.webhooks
    fanned = hooks.fan_out(event_id(body.entry_id), now) if hooks is not None else 0
    report = call.deps.dispatcher.dispatch(body.entry_id, now)
    answer = payloads.DispatchOut(
        entry_id=body.entry_id,
        channels=report.statuses,
        busy=report.busy,
        held_until=report.held_until,
        webhooks=fanned,
    )
    return Reply(503 if report.retry else 200, answer)


@ROUTES.post(
    "/dispatch/events",
    {200: payloads.LaneFanOutOut, 503: payloads.LaneFanOutOut},
    body=payloads.LaneFanOutIn,
)
def fan_out_lane(call: NotificationCall) -> Reply:
    """Fan out one webhook lane's events"""
    # Asked by writers of events shortly after their commits (one task per lane and moment).
    body = call.body_as(payloads.LaneFanOutIn)
    report = webhooks(call).fan_out_lane(body.lane, clock(body.at, call))
    return Reply(503 if report.more else 200, payloads.LaneFanOutOut.model_validate(report))


@ROUTES.post("/webhooks/drain", {200: payloads.DrainOut}, body=payloads.DrainIn)
def drain(call: NotificationCall) -> Reply:
    """Send one lane of an endpoint's webhook deliveries, in order"""
    # One lane of an endpoint's deliveries; one held by another drain is left to it (told to go round).
    body = call.body_as(payloads.DrainIn)
    report = webhooks(call).drain(body.endpoint_id, body.lane, clock(body.at, call))
    return Reply(200, payloads.DrainOut.model_validate(report))


@ROUTES.post("/friend-streaks/check", {200: payloads.FriendStreakCheckOut}, body=payloads.FriendStreakCheckIn)
def check_friend_streak(call: NotificationCall) -> Reply:
    """Check one friend streak after a friend's change"""
    # Idempotent: the notifications it writes have deterministic ids, and only a fresh date is told.
    body = call.body_as(payloads.FriendStreakCheckIn)
    pairs = call.deps.friend_streaks
    if pairs is None:
        raise ApiError(404, "not_found", "Friend streaks are not checked here.")
    report = pairs.check([body.friend_streak_id], clock(body.at, call), breaks=False)
    out = payloads.FriendStreakCheckOut(checked=report.checked, told=report.told)
    return Reply(200, out, log_fields={"friend_streak_id": body.friend_streak_id})


@ROUTES.post("/sweep", {200: payloads.SweepOut}, body=payloads.ClockIn)
def sweep_entries(call: NotificationCall) -> Reply:
    """Send entries nobody settled in time"""
    now = clock(call.body_as(payloads.ClockIn).now, call)
    report = sweep(call.deps.dispatcher, now, call.deps.sweep_limit)
    hooks = call.deps.webhooks
    swept = hooks.sweep(now, call.deps.sweep_limit) if hooks is not None else HookSweepReport()
    answer = payloads.SweepOut(
        dispatched=report.dispatched,
        still_pending=report.still_pending,
        events_fanned_out=swept.events_fanned_out,
        lanes_kicked=swept.lanes_kicked,
    )
    return Reply(200, answer)


@ROUTES.post("/reminders", {200: payloads.RemindersOut}, body=payloads.ClockIn)
def remind(call: NotificationCall) -> Reply:
    """The hourly reminder tick"""
    now = clock(call.body_as(payloads.ClockIn).now, call)
    report = send_reminders(
        call.deps.reminders,
        call.deps.profiles,
        call.deps.dispatcher.later,
        now,
        call.deps.config,
        pairs=call.deps.friend_streaks,
    )
    return Reply(200, payloads.RemindersOut.model_validate(report))


def webhooks(call: NotificationCall) -> Webhooks:
    if call.deps.webhooks is None:
        raise ApiError(404, "not_found", "Webhooks are not served here.")
    return call.deps.webhooks


def clock(override: str | None, call: NotificationCall) -> datetime:
    try:
        return overridden_now(override, call.deps.clock, call.deps.allow_clock_override)
    except ValueError:
        raise ApiError(422, "validation_failed", "'now'/'at' must be an RFC 3339 instant.") from None


NOTIFICATIONS: RouteTable[NotificationDependencies] = RouteTable(ROUTES)


def handle_notifications(request: flask.Request, deps: NotificationDependencies) -> flask.Response:
    return handle_task(request, NOTIFICATIONS, deps, deps.clock, "notifications", deps.time_budget)
