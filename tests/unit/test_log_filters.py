"""The log-based metrics' filters (deploy/monitoring.py) against our own log lines, stored as Cloud Logging
stores a JSON line written to stdout on Cloud Run: the special fields lifted out of `jsonPayload`."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import flask
import pytest

from deploy.monitoring import METRICS
from functions import logs
from functions.http import RequestLog
from functions.maintenance import log as maintenance_log
from streak_core.domain.webhooks import lane_of
from streak_core.errors import TransientStoreError
from streak_core.models.events import deletion_event
from streak_core.models.maintenance import RetryTask
from streak_core.services.maintenance import BatchWorker, RetryPolicy
from streak_core.services.retries import retry_user
from tests.unit.fakes import (
    FakeMaintenanceStore,
    InMemoryDeadLetters,
    InMemoryUserStore,
    RecordingSender,
    fake_webhooks,
)

pytestmark = pytest.mark.unit
NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)
# The JSON fields Cloud Logging takes out of a structured line into the entry itself.
SPECIAL = {"severity", "httpRequest", "time", "logging.googleapis.com/trace", "logging.googleapis.com/spanId"}


def stored(line: dict[str, Any]) -> dict[str, Any]:
    """A line as a Cloud Run log entry."""
    entry: dict[str, Any] = {
        "resource": {"type": "cloud_run_revision"},
        "jsonPayload": {k: v for k, v in line.items() if k not in SPECIAL},
        "severity": line["severity"],
        "timestamp": line["time"],
    }
    if "httpRequest" in line:
        entry["httpRequest"] = line["httpRequest"]
    return entry


# --- the part of the Logging query language our filters use: AND, OR, parentheses, =, >, >= -----------
TOKEN = re.compile(r'\s*(\(|\)|AND\b|OR\b|[\w.]+(?:>=|=|>)(?:"[^"]*"|[\w.-]+))')


def matches(query: str, entry: dict[str, Any]) -> bool:
    tokens = TOKEN.findall(query)
    assert "".join(tokens).replace(" ", "") == query.replace(" ", ""), f"unparsed part of {query!r}"
    value, rest = _or(tokens, entry)
    assert not rest, query
    return value


def _or(tokens: list[str], entry: dict[str, Any]) -> tuple[bool, list[str]]:
    return _chain(tokens, entry, "OR", _and, any)


def _and(tokens: list[str], entry: dict[str, Any]) -> tuple[bool, list[str]]:
    return _chain(tokens, entry, "AND", _term, all)


def _chain(
    tokens: list[str],
    entry: dict[str, Any],
    operator: str,
    operand: Callable[[list[str], dict[str, Any]], tuple[bool, list[str]]],
    combine: Callable[[list[bool]], bool],
) -> tuple[bool, list[str]]:
    """Operands joined by one operator (AND binds tighter than OR: `_or` chains `_and`s)."""
    value, rest = operand(tokens, entry)
    values = [value]
    while rest and rest[0] == operator:
        value, rest = operand(rest[1:], entry)
        values.append(value)
    return combine(values), rest


def _term(tokens: list[str], entry: dict[str, Any]) -> tuple[bool, list[str]]:
    if tokens[0] == "(":
        value, rest = _or(tokens[1:], entry)
        assert rest[0] == ")"
        return value, rest[1:]
    path, op, literal = re.fullmatch(r"([\w.]+)(>=|=|>)(.+)", tokens[0]).groups()  # type: ignore[union-attr]
    found: Any = entry
    for part in path.split("."):
        found = found.get(part) if isinstance(found, dict) else None
    if found is None:
        return False, tokens[1:]
    if literal.startswith('"'):
        return op == "=" and str(found) == literal.strip('"'), tokens[1:]
    if literal in ("true", "false"):
        return op == "=" and found is (literal == "true"), tokens[1:]
    number, have = float(literal), float(found)
    return {"=": have == number, ">": have > number, ">=": have >= number}[op], tokens[1:]


# --- our own lines ---------------------------------------------------------------------------------------
def captured(capsys: pytest.CaptureFixture[str], emit: Callable[[], None]) -> list[dict[str, Any]]:
    logs.configure("demo-filters")
    capsys.readouterr()
    emit()
    return [stored(json.loads(line)) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]


def request_line(status: int, seconds: float) -> Callable[[], None]:
    def emit() -> None:
        with flask.Flask(__name__).test_request_context("/v1/me/streak"):
            log = RequestLog(flask.request, "c1")
            log.started -= seconds
            log.routed("/v1/me/streak")
            log.emit(status)

    return emit


def dead_lettered_maintenance() -> None:
    worker = BatchWorker(
        FakeMaintenanceStore({"u1": NOW}, broken={"u1"}), config=_config(), policy=_no_wait()
    )
    retry_user(worker, InMemoryDeadLetters(), RetryTask("u1", "r1", NOW), 4, 5, NOW)


def retried_store_call() -> None:
    failures = [TransientStoreError("once")]

    def flaky() -> int:
        if failures:
            raise failures.pop()
        return 1

    _no_wait().run(flaky)


def _no_wait() -> RetryPolicy:
    return RetryPolicy(sleep=lambda _: None)


def _config() -> Any:
    from streak_core.domain.config import DEFAULT_CONFIG

    return DEFAULT_CONFIG


def drained_webhook(success_on_day_two: bool) -> None:
    """One delivery that fails for three days; without a success elsewhere meanwhile, the endpoint goes
    with it (disabled), with one (another user's delivery on day two) only the delivery fails."""
    users, sender = InMemoryUserStore(), RecordingSender([500] * 100)
    hooks = fake_webhooks(users, sender=sender)
    endpoint, _ = hooks.register("https://hooks.example.com/", ["*"], None, NOW)
    first = deletion_event("u1", "r1", NOW)
    other_uid = next(f"v{n}" for n in range(100) if lane_of(f"v{n}") != first.lane)
    other = deletion_event(other_uid, "r2", NOW)
    for event in (first, other):
        users.events[event.id] = event
        hooks.fan_out(event.id, NOW)
    now: datetime | None = NOW
    while now is not None:
        if success_on_day_two and now > NOW + timedelta(days=2) and sender.answers:
            waiting, sender.answers = sender.answers, []
            hooks.drain(endpoint.id, other.lane, now)
            sender.answers = waiting
            success_on_day_two = False
        now = hooks.drain(endpoint.id, first.lane, now).next_at


SAMPLES: dict[str, Callable[[], None]] = {
    "ok": request_line(200, 0.02),
    "slow": request_line(200, 0.25),
    "unavailable": request_line(503, 0.01),
    "dead_letter": dead_lettered_maintenance,
    "retried": retried_store_call,
    "maintenance_failed": lambda: maintenance_log(
        "ERROR", "batch left users", run_id="r", maintenance_failed=True
    ),
    "delivered": lambda: logging.getLogger("x").info("sent", extra={"delivery": "sent", "channel": "push"}),
    "undelivered": lambda: logging.getLogger("x").error(
        "failed", extra={"delivery": "failed", "channel": "email"}
    ),
    "webhook_disabled": lambda: drained_webhook(success_on_day_two=False),
    "webhook_failed": lambda: drained_webhook(success_on_day_two=True),
}
# metric -> the samples whose lines it counts (at least one line of each; none of the others)
EXPECTED = {
    "requests": {"ok", "slow", "unavailable"},
    "server_errors": {"unavailable"},
    "slow_requests": {"slow"},
    "request_latency": {"ok", "slow", "unavailable"},
    "dead_letters": {"dead_letter"},
    "task_retries": {"retried", "dead_letter"},
    "retry_successes": {"retried"},
    "maintenance_failures": {"maintenance_failed"},
    "notification_deliveries": {"delivered", "undelivered"},
    "notification_failures": {"undelivered"},
    "webhook_endpoints_disabled": {"webhook_disabled"},
    "webhook_failures": {"webhook_disabled", "webhook_failed"},
}


def test_each_metric_counts_exactly_the_lines_meant_for_it(capsys: pytest.CaptureFixture[str]) -> None:
    entries = {name: captured(capsys, emit) for name, emit in SAMPLES.items()}
    assert all(entries.values()), {name: len(found) for name, found in entries.items()}
    by_name = {metric.name: metric for metric in METRICS}
    for metric, wanted in EXPECTED.items():
        counted = {
            name
            for name, found in entries.items()
            if any(matches(by_name[metric].log_filter, e) for e in found)
        }
        assert counted == wanted, metric


def test_the_status_lives_in_the_entrys_http_request_not_the_payload(
    capsys: pytest.CaptureFixture[str],
) -> None:
    [entry] = captured(capsys, request_line(503, 0.01))
    assert entry["httpRequest"]["status"] == 503
    assert "httpRequest" not in entry["jsonPayload"]
    assert not matches('resource.type="cloud_run_revision" AND jsonPayload.httpRequest.status>0', entry)
    assert timedelta(0) < timedelta(seconds=float(entry["httpRequest"]["latency"].rstrip("s")))
