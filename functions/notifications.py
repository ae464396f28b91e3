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

from functions.http import ApiError, RequestLog, correlation_id, internal_error, json_body, respond
from streak_core.bootstrap import NotificationDependencies
from streak_core.domain.sessions import parse_instant
from streak_core.ports import TransientStoreError
from streak_core.services.dispatch import sweep
from streak_core.services.reminders import send_reminders


def handle_notifications(request: flask.Request, deps: NotificationDependencies) -> flask.Response:
    entry = RequestLog(request, correlation_id(request))
    route = request.path.rstrip("/")
    entry.route = f"notifications{route}"
    try:
        if request.method != "POST":
            raise ApiError(405, "method_not_allowed", "Use POST.")
        payload = json_body(request)
        if route == "/dispatch":
            status, body = _dispatch(payload, deps)
        elif route == "/sweep":
            report = sweep(deps.dispatcher, _now(payload.get("now"), deps), deps.sweep_limit)
            status, body = 200, {"dispatched": report.dispatched, "still_pending": report.still_pending}
        elif route == "/reminders":
            reminders = send_reminders(
                deps.reminders, deps.dispatcher.later, _now(payload.get("now"), deps), deps.config
            )
            status, body = (
                200,
                {
                    "considered": reminders.considered,
                    "reminded": reminders.reminded,
                    "not_announced": reminders.not_announced,
                },
            )
        else:
            raise ApiError(404, "not_found", "No such route.")
    except ApiError as error:
        # A malformed task never succeeds: 4xx would make Cloud Tasks retry it, so only 404/405 are 4xx.
        status, body = (
            (error.status if error.status in (404, 405) else 200),
            {"outcome": "rejected", **error.body()},
        )
    except TransientStoreError as exc:
        entry.error = str(exc)
        status, body = 503, {"outcome": "retry"}
    except Exception as exc:  # the last line of defence: log it, never leak it
        status, body = 500, internal_error(entry, exc).body()
    entry.emit(status)
    return respond(status, body)


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
    if override is None or not deps.allow_clock_override:
        return deps.clock.now()
    try:
        return parse_instant(str(override))
    except ValueError:
        raise ApiError(
            422, "validation_failed", "'now'/'at' must be an ISO 8601 instant with an offset."
        ) from None
