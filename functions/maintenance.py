"""Entry points of nightly maintenance: the tick and batch Pub/Sub functions, the retry task handler."""

from __future__ import annotations

import base64
import json
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any, TypeVar

import flask
from pydantic import ValidationError

from functions import payloads
from functions.http import overridden_now, usable_correlation
from functions.routing import Auth, Call, Reply, Routes, RouteTable
from functions.tasks import handle_task
from streak_core import context
from streak_core.domain.leagues import due_week, settles_at
from streak_core.domain.sessions import parse_instant
from streak_core.domain.vocabulary import RetryOutcome
from streak_core.function_dependencies import MaintenanceDependencies
from streak_core.models.maintenance import MaintenanceBatch, RetryTask
from streak_core.services.friend_streaks import FriendStreaks
from streak_core.services.maintenance import BatchWorker
from streak_core.services.outages import candidate_pages, excusing
from streak_core.services.retries import retry_user
from streak_core.services.ticks import run_batch, run_tick

# Pub/Sub redelivers a failed message until it is acknowledged; past this age we log and let it go.
MAX_EVENT_AGE = timedelta(hours=6)
P = TypeVar("P", bound=payloads.Payload)
LOG = logging.getLogger("streaks.maintenance")


class PoisonMessage(ValueError):
    """A message that can never be processed: acknowledged and logged, never retried."""


def log(severity: str, message: str, **fields: object) -> None:
    LOG.log(logging.getLevelNamesMapping()[severity], message, extra=fields)


@contextmanager
def event_context(event: Any, operation: str) -> Iterator[None]:
    """The correlation id the message carries (the request or run that caused it), or a new one for a
    message nobody of ours published (Cloud Scheduler's tick), bound while the message is handled."""
    data = event.data if isinstance(event.data, dict) else {}
    message = data.get("message", data)
    attributes = message.get("attributes") if isinstance(message, dict) else None
    given = attributes.get(context.CORRELATION_ATTRIBUTE) if isinstance(attributes, dict) else None
    with context.bound(usable_correlation(given), operation):
        yield


def decode(event: Any, model: type[P]) -> P:
    """The payload of a Pub/Sub CloudEvent (pushed by Pub/Sub or converted by the framework)."""
    data = event.data if isinstance(event.data, dict) else {}
    message = data.get("message", data)
    try:
        return model.model_validate(json.loads(base64.b64decode(message["data"])))
    except (KeyError, TypeError, ValueError) as exc:  # ValidationError is a ValueError
        reason = f"{len(exc.errors())} invalid field(s)" if isinstance(exc, ValidationError) else str(exc)
        raise PoisonMessage(f"undecodable message: {reason}") from None


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
    with event_context(event, "maintenance-tick"), context.time_budget(deps.event_budget):
        try:
            _tick(event, deps)
        except Exception as exc:  # not acknowledged: Pub/Sub delivers the tick again
            log(
                "ERROR",
                "maintenance tick failed",
                maintenance_failed=True,
                error=f"{type(exc).__name__}: {exc}",
            )
            raise


def _tick(event: Any, deps: MaintenanceDependencies) -> None:
    started = time.perf_counter()
    try:
        tick = decode(event, payloads.TickMessage)
        now = tick_now(tick, deps)
    except PoisonMessage as poison:
        log("ERROR", "maintenance tick ignored", reason=str(poison), event_id=event["id"])
        return
    if too_old(event, deps):
        log("ERROR", "maintenance tick too old; dropped", event_id=event["id"])
        return
    run_id = tick.run_id or f"tick-{event['id']}"
    store = deps.batch_worker.store
    if tick.league_week is not None:
        _settle_week(deps, tick.league_week, run_id, now)
        return
    if tick.outage_id is None:
        pages = store.due_pages(now, max(deps.query_page_size, deps.page_size))
    else:
        outage = deps.outages.get(tick.outage_id)
        if outage is None:
            log("ERROR", "outage tick ignored", reason="no such outage", outage_id=tick.outage_id)
            return
        pages = candidate_pages(store, outage, max(deps.query_page_size, deps.page_size))
    report = run_tick(deps.runs, pages, deps.publisher, run_id, now, deps.page_size, tick.outage_id)
    log(
        "INFO",
        "maintenance tick skipped (already fanned out)" if report.skipped else "maintenance tick fanned out",
        run_id=run_id,
        users_due=report.users_due,
        batches=report.batches,
        latency_ms=round((time.perf_counter() - started) * 1000, 1),
    )
    if tick.outage_id is None and deps.leagues is not None:  # the nightly tick also settles a final week
        week = due_week(now, deps.config.league_grace)
        _settle_week(deps, week, f"league-{week}", now)
    if tick.outage_id is None and deps.friend_streaks is not None:  # and checks the pairs due
        _check_pairs(deps, deps.friend_streaks, f"{run_id}-pairs", now)


def _check_pairs(deps: MaintenanceDependencies, pairs: FriendStreaks, run_id: str, now: datetime) -> None:
    """Fan the friend streaks whose date has moved on out, a page per batch message (once per run id)."""
    pages = pairs.store.due_pages(now, max(deps.query_page_size, deps.page_size))
    report = run_tick(deps.runs, pages, deps.publisher, run_id, now, deps.page_size, friend_streaks=True)
    if not report.skipped:
        log("INFO", "friend streaks fanned out", run_id=run_id, pairs_due=report.users_due)


def _settle_week(deps: MaintenanceDependencies, week: str, run_id: str, now: datetime) -> None:
    """Fan a final league week's cohorts out, a page per batch message (once per run id)."""
    if deps.leagues is None:
        log("ERROR", "league tick ignored", reason="leagues are not configured", week=week)
        return
    final = settles_at(week, deps.config.league_grace)
    if now < final:
        log("ERROR", "league tick ignored", reason=f"the week is final at {final.isoformat()}", week=week)
        return
    pages = deps.leagues.leagues.cohort_pages(week, deps.league_page_size)
    report = run_tick(deps.runs, pages, deps.publisher, run_id, now, deps.league_page_size, league_week=week)
    if not report.skipped:
        log("INFO", "league week fanned out", run_id=run_id, week=week, cohorts=report.users_due)


def tick_now(tick: payloads.TickMessage, deps: MaintenanceDependencies) -> datetime:
    try:
        return overridden_now(tick.now, deps.clock, deps.allow_clock_override)
    except ValueError as exc:
        raise PoisonMessage(f"bad 'now': {exc}") from None


def handle_batch(event: Any, deps: MaintenanceDependencies) -> None:
    with event_context(event, "maintenance-batch"), context.time_budget(deps.event_budget):
        _batch(event, deps)


def _batch(event: Any, deps: MaintenanceDependencies) -> None:
    started = time.perf_counter()
    try:
        message = decode(event, payloads.BatchMessage)
    except PoisonMessage as poison:
        log("ERROR", "maintenance batch ignored", reason=str(poison), event_id=event["id"])
        return
    batch = MaintenanceBatch(
        message.run_id,
        message.batch,
        tuple(message.uids),
        message.now,
        message.outage_id,
        message.league_week,
        message.friend_streaks,
    )
    if batch.league_week is not None:
        _settle_batch(deps, batch, started)
        return
    if batch.friend_streaks:
        _check_batch(deps, batch, started)
        return
    worker = deps.batch_worker
    if batch.outage_id is not None:
        outage = deps.outages.get(batch.outage_id)
        if outage is None:
            log("ERROR", "outage batch ignored", reason="no such outage", outage_id=batch.outage_id)
            return
        # Idempotent per user; what cannot be written is counted as failed: the operator runs it again.
        worker = BatchWorker(worker.store, deps.config, work=excusing(outage, deps.config))
    report = run_batch(deps.runs, worker, batch)
    if report.failed:  # neither maintained nor queued for a retry: the next tick tries them again
        log(
            "ERROR", "maintenance batch left users unmaintained", run_id=batch.run_id, maintenance_failed=True
        )
    log(
        "WARNING" if report.not_maintained else "INFO",
        "maintenance batch done",
        run_id=batch.run_id,
        batch=batch.batch,
        processed=len(report.processed),
        redone=len(report.redone),
        deferred=len(report.deferred),
        failed=report.failed,
        breaker_opened=report.breaker_opened,
        not_announced=report.not_announced,
        latency_ms=round((time.perf_counter() - started) * 1000, 1),
    )


def _settle_batch(deps: MaintenanceDependencies, batch: MaintenanceBatch, started: float) -> None:
    """Settle one page of a week's cohorts; a failure is raised, so Pub/Sub delivers the page again (every
    step is idempotent)."""
    week = batch.league_week
    assert week is not None, "a settlement batch names its week"
    if deps.leagues is None or batch.now < settles_at(week, deps.config.league_grace):
        log("ERROR", "league batch ignored", reason="not configured, or the week is not final", week=week)
        return
    report = deps.leagues.settle_page(week, list(batch.uids), batch.batch, batch.now)
    deps.runs.record_batch(batch.run_id, batch.batch, report.cohorts, 0, batch.now)
    log(
        "INFO",
        "league batch settled",
        run_id=batch.run_id,
        batch=batch.batch,
        week=week,
        cohorts=report.cohorts,
        settled=report.settled,
        members=report.members,
        placed=report.placed,
        not_announced=report.not_announced,
        latency_ms=round((time.perf_counter() - started) * 1000, 1),
    )


def _check_batch(deps: MaintenanceDependencies, batch: MaintenanceBatch, started: float) -> None:
    """Check one page of friend streaks (breaks told once: their ids are deterministic); a failure is
    raised, so Pub/Sub delivers the page again."""
    if deps.friend_streaks is None:
        log("ERROR", "friend streak batch ignored", reason="friend streaks are not configured")
        return
    report = deps.friend_streaks.check(batch.uids, batch.now, breaks=True)
    deps.runs.record_batch(batch.run_id, batch.batch, report.checked, 0, batch.now)
    log(
        "INFO",
        "friend streaks checked",
        run_id=batch.run_id,
        batch=batch.batch,
        checked=report.checked,
        told=report.told,
        not_announced=report.not_announced,
        latency_ms=round((time.perf_counter() - started) * 1000, 1),
    )


ROUTES: Routes[MaintenanceDependencies] = Routes(auth=Auth.NONE)


@ROUTES.post("/", {200: payloads.RetryOut, 503: payloads.RetryOut}, body=payloads.RetryTaskIn)
def retry(call: Call[MaintenanceDependencies]) -> Reply:
    """Maintain one user again (the maintenance-retry queue's target)"""
    # A Cloud Tasks attempt: 200 when done (maintained or dead-lettered), 503 to be retried.
    body = call.body_as(payloads.RetryTaskIn)
    task = RetryTask(body.uid, body.run_id, body.now, body.error)
    retries = call.request.headers.get("X-CloudTasks-TaskRetryCount", "0")
    attempt = int(retries) if retries.isascii() and retries.isdigit() else 0
    deps = call.deps
    outcome = retry_user(deps.retry_worker, deps.dead_letters, task, attempt, deps.max_attempts, call.now)
    status = 503 if outcome is RetryOutcome.RETRY else 200
    return Reply(status, payloads.RetryOut(outcome=outcome, attempt=attempt))


RETRY: RouteTable[MaintenanceDependencies] = RouteTable(ROUTES)


def handle_retry(request: flask.Request, deps: MaintenanceDependencies) -> flask.Response:
    return handle_task(request, RETRY, deps, deps.clock, "maintenance_retry", deps.task_budget)
