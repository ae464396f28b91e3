"""HTTP functions called by the platform (Cloud Tasks, Cloud Scheduler): answers the queue understands."""

from __future__ import annotations

from typing import TypeVar

import flask
from pydantic import BaseModel

from functions.http import (
    ApiError,
    internal_error,
    json_body,
    parse_model,
    request_context,
    respond,
)
from functions.routing import Call, RouteTable
from streak_core import context
from streak_core.errors import ServiceError, Unavailable
from streak_core.ports.clock import Clock

D = TypeVar("D")


def handle_task(
    request: flask.Request,
    table: RouteTable[D],
    deps: D,
    clock: Clock,
    function: str,
    budget: float | None = None,
) -> flask.Response:
    """Route a task and answer so the queue does the right thing: a malformed task never succeeds, so it is
    acknowledged (200, "rejected") rather than retried; an unknown route or method is a 404 or 405;
    transient failures are 503 (retry); anything else is a logged 500 (retried, then dead-lettered)."""
    with request_context(request, function) as log, context.time_budget(budget):
        headers: dict[str, str] = {}
        try:
            entry, params = table.match(request.method, request.path)
            route = entry.route
            log.routed(f"{function}{route.path}")
            body = parse_model(route.body, json_body(request)) if route.body is not None else None
            reply = route.handler(Call(request, entry.pick(deps), None, clock.now(), params, body))
            status = reply.status
            payload = reply.body.model_dump(mode="json") if isinstance(reply.body, BaseModel) else None
            log.fields.update(reply.log_fields)
        except ApiError as error:
            status = error.status if error.status in (404, 405) else 200
            payload = {"outcome": "rejected", **error.body()}
            headers.update(error.headers)
        except Unavailable as exc:
            log.error = str(exc)
            status, payload = 503, {"outcome": "retry"}
        except ServiceError as refused:
            status, payload = (
                200,
                {"outcome": "rejected", "error": {"code": refused.code, "message": str(refused)}},
            )
        except Exception as exc:  # the last line of defence: log it, never leak it
            status, payload = 500, internal_error(log, exc).body()
        if "X-CloudTasks-TaskRetryCount" in request.headers:
            log.fields["task_retry_count"] = int(request.headers.get("X-CloudTasks-TaskRetryCount") or 0)
        log.emit(status)
        return respond(status, payload, headers)
