"""One correlation id, followed through the functions' logs: from a session POST to the dispatch of the
notification it caused, and from a maintenance tick through its batches."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from devstack.stack import Stack
from tests.conftest import AuthEmulator
from tests.e2e.conftest import AppUser, publish_tick
from tests.e2e.test_notifications_flow import Phone, eventually


@pytest.fixture
def phone(stack: Stack, auth_emulator: AuthEmulator, firestore_client: Any) -> Phone:
    made = Phone(stack, auth_emulator, firestore_client)
    made.register()
    return made


def log_lines(stack: Stack, service: str) -> list[dict[str, Any]]:
    """The JSON lines a function wrote (the framework's own plain lines are skipped)."""
    lines = []
    for raw in (stack.workdir / f"{service}.log").read_text(errors="replace").splitlines():
        if raw.startswith("{"):
            try:
                lines.append(json.loads(raw))
            except json.JSONDecodeError:
                continue
    return lines


def with_id(stack: Stack, service: str, correlation: str) -> list[dict[str, Any]]:
    return [line for line in log_lines(stack, service) if line.get("correlation_id") == correlation]


def test_a_session_posts_correlation_id_reaches_the_dispatch_of_its_notification(
    phone: Phone, stack: Stack
) -> None:
    correlation = f"corr-{uuid.uuid4().hex}"
    response = phone.user.focus_days(range(15, 22), headers={"X-Correlation-ID": correlation})
    assert (response.status_code, response.headers["X-Correlation-ID"]) == (200, correlation)
    phone.settled(f"{phone.user.uid}:milestone:7-2026-11-15")
    [api_line] = with_id(stack, "functions", correlation)
    assert (api_line["operation"], api_line["user_id"], api_line["severity"]) == (
        "POST /v1/sessions:batch",
        phone.user.uid,
        "INFO",
    )

    def requests() -> list[dict[str, Any]]:
        return [line for line in with_id(stack, "notify", correlation) if "route" in line]

    dispatched = eventually(requests, what="the dispatch's log line")
    # Its entries' dispatches; and its lane's fan-out, when this was the moment's first ask of that lane.
    assert "notifications/dispatch" in {line["route"] for line in dispatched}
    assert {line["route"] for line in dispatched} <= {
        "notifications/dispatch",
        "notifications/dispatch/events",
    }
    assert all("time" in line and line["severity"] for line in dispatched)
    # The lines the dispatch logs while it sends (what the delivery metrics count) carry it too.
    assert {line["delivery"] for line in with_id(stack, "notify", correlation) if "delivery" in line} == {
        "sent"
    }


def test_a_ticks_correlation_id_reaches_every_batch_it_publishes(stack: Stack, app_user: AppUser) -> None:
    app_user.focus_days(range(10, 13), now="2026-11-12T12:00:00Z")
    run_id = publish_tick(stack, "2026-11-15T00:30:00Z", "corr-run")

    def tick_line() -> dict[str, Any] | None:
        return next((ln for ln in log_lines(stack, "tick") if ln.get("run_id") == run_id), None)

    tick = eventually(tick_line, timeout=60, what="the tick's log line")
    assert (tick["operation"], tick["message"]) == ("maintenance-tick", "maintenance tick fanned out")

    def batches_done() -> list[dict[str, Any]]:
        lines = with_id(stack, "batch", tick["correlation_id"])
        done = [
            ln for ln in lines if ln.get("run_id") == run_id and ln["message"] == "maintenance batch done"
        ]
        return done if len(done) >= tick["batches"] else []

    done = eventually(batches_done, timeout=60, what="the batches' log lines")
    assert tick["batches"] >= 1
    assert all(line["operation"] == "maintenance-batch" for line in done)
    assert all(isinstance(line["latency_ms"], float | int) for line in done)
