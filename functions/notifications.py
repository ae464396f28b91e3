"""The `notifications` HTTP function: Cloud Tasks dispatches, and Cloud Scheduler's sweep and reminder ticks.

- `POST /dispatch` `{"entry_id", "at"?}`: one outbox entry. 200 when settled, held or owned by another
  dispatch; 503 when a channel failed transiently, so the queue retries it.
- `POST /sweep` `{"now"?}`: entries still unsettled a few minutes after they were due (every 5 minutes).
- `POST /reminders` `{"now"?}`: the hourly reminder tick.
`at` / `now` are honoured only with ALLOW_CLOCK_OVERRIDE=1 (local runs and tests); otherwise the clock rules.
"""

from __future__ import annotations

from datetime import datetime

import flask

from functions.http import ApiError, RequestLog, json_body, overridden_now, task_response
from streak_core.bootstrap import NotificationDependencies
from streak_core.services.dispatch import sweep
from streak_core.services.reminders import send_reminders


def handle_notifications(request: flask.Request, deps: NotificationDependencies) -> flask.Response:
    route = request.path.rstrip("/")

    def work(_: RequestLog) -> tuple[int, object]:
        if request.method != "POST":
            raise ApiError(405, "method_not_allowed", "Use POST.")
        payload = json_body(request)
        if route == "/dispatch":
            return _dispatch(payload, deps)
        if route == "/sweep":
            report = sweep(deps.dispatcher, _now(payload.get("now"), deps), deps.sweep_limit)
            return 200, {"dispatched": report.dispatched, "still_pending": report.still_pending}
        if route == "/reminders":
            now = _now(payload.get("now"), deps)
            reminders = send_reminders(deps.reminders, deps.dispatcher.later, now, deps.config)
            return 200, {
                "considered": reminders.considered,
                "reminded": reminders.reminded,
                "not_announced": reminders.not_announced,
            }
        raise ApiError(404, "not_found", "No such route.")

    return task_response(request, f"notifications{route}", work)


def _dispatch(payload: dict[str, object], deps: NotificationDependencies) -> tuple[int, dict[str, object]]:
    entry_id = payload.get("entry_id")
    if not isinstance(entry_id, str) or not entry_id:
        raise ApiError(422, "validation_failed", "entry_id is a required string.")
    report = deps.dispatcher.dispatch(entry_id, _now(payload.get("at"), deps))
    body: dict[str, object] = {"entry_id": entry_id, "channels": report.statuses, "busy": report.busy}
    if report.held_until is not None:
        body["held_until"] = report.held_until.isoformat()
    return (503 if report.retry else 200), body


def _now(override: object, deps: NotificationDependencies) -> datetime:
    try:
        return overridden_now(override, deps.clock, deps.allow_clock_override)
    except ValueError:
        raise ApiError(
            422, "validation_failed", "'now'/'at' must be an ISO 8601 instant with an offset."
        ) from None
