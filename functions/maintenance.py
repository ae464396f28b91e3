"""Entry points of nightly maintenance: the tick and batch Pub/Sub functions, the retry task handler."""

from __future__ import annotations

import base64
import json
import sys
import time
from datetime import datetime, timedelta
from typing import Any

import flask

from functions.http import ApiError, RequestLog, json_body, overridden_now, task_response
from streak_core.bootstrap import MaintenanceDependencies
from streak_core.domain.sessions import parse_instant
from streak_core.services.retries import DEAD_LETTERED, MAINTAINED, retry_user
from streak_core.services.ticks import run_batch, run_tick

# Pub/Sub redelivers a failed message until it is acknowledged; past this age we log and let it go.
MAX_EVENT_AGE = timedelta(hours=6)


class PoisonMessage(ValueError):
    """A message that can never be processed: acknowledged and logged, never retried."""


def log(severity: str, message: str, **fields: object) -> None:
    sys.stdout.write(json.dumps({"severity": severity, "message": message, **fields}, default=str) + "\n")
    sys.stdout.flush()


def decode(event: Any) -> dict[str, Any]:
    """The JSON payload of a Pub/Sub CloudEvent (pushed by Pub/Sub or converted by the framework)."""
    data = event.data if isinstance(event.data, dict) else {}
    message = data.get("message", data)
    try:
        payload = json.loads(base64.b64decode(message["data"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise PoisonMessage(f"undecodable message: {exc}") from None
    if not isinstance(payload, dict):
        raise PoisonMessage("the message is not a JSON object")
    return payload


def event_now(payload: dict[str, Any], deps: MaintenanceDependencies) -> datetime:
    try:
        return overridden_now(payload.get("now"), deps.clock, deps.allow_clock_override)
    except ValueError as exc:
        raise PoisonMessage(f"bad 'now': {exc}") from None


def too_old(event: Any, deps: MaintenanceDependencies) -> bool:
    stamp = event.get("time")
    if not stamp:
        return False
    try:
        published = parse_instant(str(stamp))
    except ValueError:
        return False
    return deps.clock.now() - published > MAX_EVENT_AGE


def handle_tick(event: Any, deps: MaintenanceDependencies) -> None:
    started = time.perf_counter()
    try:
        payload = decode(event)
        now = event_now(payload, deps)
    except PoisonMessage as poison:
        log("ERROR", "maintenance tick ignored", reason=str(poison), event_id=event["id"])
        return
    if too_old(event, deps):
        log("ERROR", "maintenance tick too old; dropped", event_id=event["id"])
        return
    run_id = str(payload.get("run_id") or f"tick-{event['id']}")
    report = run_tick(
        deps.runs, deps.batch_worker.store, deps.publisher, run_id, now, deps.page_size, deps.query_page_size
    )
    log(
        "INFO",
        "maintenance tick skipped (already fanned out)" if report.skipped else "maintenance tick fanned out",
        run_id=run_id,
        users_due=report.users_due,
        batches=report.batches,
        latency_ms=round((time.perf_counter() - started) * 1000, 1),
    )


def handle_batch(event: Any, deps: MaintenanceDependencies) -> None:
    started = time.perf_counter()
    try:
        payload = decode(event)
        now = parse_instant(str(payload["now"]))
        uids = [str(uid) for uid in payload["uids"]]
        run_id, index = str(payload["run_id"]), int(payload["batch"])
    except (PoisonMessage, KeyError, TypeError, ValueError) as poison:
        log("ERROR", "maintenance batch ignored", reason=str(poison), event_id=event["id"])
        return
    report = run_batch(deps.runs, deps.batch_worker, run_id, index, uids, now)
    log(
        "WARNING" if report.not_maintained else "INFO",
        "maintenance batch done",
        run_id=run_id,
        batch=index,
        processed=len(report.processed),
        redone=len(report.redone),
        deferred=len(report.deferred),
        failed=report.failed,
        breaker_opened=report.breaker_opened,
        latency_ms=round((time.perf_counter() - started) * 1000, 1),
    )


def handle_retry(request: flask.Request, deps: MaintenanceDependencies) -> flask.Response:
    """A Cloud Tasks attempt: 200 when done (maintained or dead-lettered), 503 to be retried."""

    def work(entry: RequestLog) -> tuple[int, object]:
        payload = json_body(request)
        if not isinstance(payload.get("uid"), str) or not isinstance(payload.get("now"), str):
            raise ApiError(422, "validation_failed", "uid and now are required strings.")
        entry.user_id = payload["uid"]
        attempt = int(request.headers.get("X-CloudTasks-TaskRetryCount", "0") or 0)
        outcome = retry_user(
            deps.retry_worker, deps.dead_letters, payload, attempt, deps.max_attempts, deps.clock.now()
        )
        return (200 if outcome in (MAINTAINED, DEAD_LETTERED) else 503), {
            "outcome": outcome,
            "attempt": attempt,
        }

    return task_response(request, "maintenance_retry", work)
