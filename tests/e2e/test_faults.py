"""Faults, not assumed: the Firestore emulator stopped (SIGSTOP) longer than a request's time budget while a
phone posts sessions, and every batch message of a maintenance run delivered again, several at once."""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter

from devstack.stack import Stack
from devstack.tick import publish
from tests.conftest import GENEROUS_LIMITS, AuthEmulator
from tests.e2e.conftest import AppUser, admin_token, publish_tick, wait_for_run

pytestmark = pytest.mark.e2e
BUDGET = 3.0  # the api process of this module answers within this many seconds, whatever Firestore does
MARGIN = 3.0  # the HTTP round trip, the rollback's grace, a slow machine
STALL = BUDGET + 4.0  # longer than the budget: every request caught in it must give up
DAY = datetime(2026, 11, 20, tzinfo=UTC)
NOW = "2026-11-21T12:00:00Z"


@dataclass
class Stalled:
    """A stack of its own for the stall, its api answering within BUDGET seconds, and a user of it."""

    stack: Stack
    user: AppUser
    auth: AuthEmulator


@pytest.fixture(scope="module")
def stalled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stalled]:
    """Not the shared stack: an emulator stopped mid-transaction once kept a lock of an abandoned transaction
    (its own rollback of it timed out), and every later maintenance run of the shared stack then failed on
    that user."""
    stack = Stack(
        tmp_path_factory.mktemp("stall"),
        project_id=f"demo-stall-{uuid.uuid4().hex[:8]}",
        components=("firestore", "auth", "functions"),
        extra_env={**GENEROUS_LIMITS, "API_TIME_BUDGET_SECONDS": str(BUDGET)},
    )
    stack.start()
    try:
        with pytest.MonkeyPatch.context() as env:  # the client reads the emulator's address when built
            env.setenv("FIRESTORE_EMULATOR_HOST", stack.hosts["firestore"])
            client = firestore.Client(project=stack.project_id)
        auth = AuthEmulator(stack.hosts["auth"], stack.project_id)
        user = AppUser(f"http://{stack.hosts['functions']}", *auth.sign_up(), client)
        yield Stalled(stack, user, auth)
    finally:
        stack.stop()


def body(n: int) -> dict[str, str]:
    """Session n: ten minutes of its own on one day, so every one counts in full exactly once."""
    start = DAY + timedelta(minutes=15 * n)
    end = start + timedelta(minutes=10)
    return {"id": f"stall-{n}", "start": start.isoformat(), "end": end.isoformat(), "timezone": "UTC"}


def test_a_stalled_firestore_is_a_quick_503_and_the_retries_count_every_session_once(
    stalled: Stalled,
) -> None:
    stack, app_user = stalled.stack, stalled.user
    assert app_user.call("POST", "/v1/sessions", json=body(0)).status_code == 201  # connections are warm
    answers: dict[int, tuple[int, float, str | None]] = {}
    lock = threading.Lock()

    def phone(first: int) -> None:  # posts its sessions one after another, as a phone flushing its queue
        for n in range(first, first + 40, 4):
            time.sleep(0.1)
            began = time.monotonic()
            response = app_user.call("POST", "/v1/sessions", json=body(n))
            with lock:
                answers[n] = (
                    response.status_code,
                    time.monotonic() - began,
                    response.headers.get("Retry-After"),
                )

    with ThreadPoolExecutor(4) as pool:
        phones = [pool.submit(phone, first) for first in (1, 2, 3, 4)]
        time.sleep(0.3)  # some requests are mid-transaction when Firestore stops
        stack.pause_service("firestore")
        try:
            time.sleep(STALL)
        finally:
            stack.resume_service("firestore")
        for done in phones:
            done.result()

    refused = {n for n, (status, _, _) in answers.items() if status == 503}
    assert refused, answers  # the stall was long enough to catch requests
    assert {status for status, _, _ in answers.values()} <= {201, 503}
    slowest = max(seconds for _, seconds, _ in answers.values())
    print(
        f"stall of {STALL:.0f} s: {len(refused)} of {len(answers)} answered 503,"
        f" slowest answer {slowest:.2f} s"
    )
    assert slowest < BUDGET + MARGIN, answers
    assert all(
        retry is not None and int(retry) >= 1 for status, _, retry in answers.values() if status == 503
    )

    # Nothing half written: what the refused requests left is whole (a commit sent before the stall may
    # have landed after it) or nothing; the projections agree with the session log exactly.
    admin = admin_token(stalled.auth)
    rebuild = app_user.call(
        "POST", f"/v1/admin/users/{app_user.uid}:rebuild", params={"dry_run": "true"}, token=admin
    )
    assert rebuild.status_code == 200, rebuild.text
    assert rebuild.json()["changed"] is False

    for n in sorted(refused):  # the phone retries the same bodies: each is counted once
        for _ in range(10):
            response = app_user.call("POST", "/v1/sessions", json=body(n))
            if response.status_code != 503:
                break
            time.sleep(int(response.headers["Retry-After"]))
        assert response.status_code in (200, 201), response.text
    sessions = app_user.firestore.collection("users").document(app_user.uid).collection("sessions").stream()
    assert sorted(s.id for s in sessions) == sorted(f"stall-{n}" for n in range(41))
    day = app_user.call("GET", f"/v1/me/days/{DAY.date()}").json()
    assert day["seconds"] == 41 * 600  # every session counted, none twice
    assert (
        app_user.call(
            "POST", f"/v1/admin/users/{app_user.uid}:rebuild", params={"dry_run": "true"}, token=admin
        ).json()["changed"]
        is False
    )


# --- maintenance batches delivered again, several at once -----------------------------------------------
def pubsub(stack: Stack, method: str, path: str, payload: dict[str, Any]) -> dict[str, Any]:
    url = f"http://{stack.hosts['pubsub']}/v1/projects/{stack.project_id}/{path}"
    response = requests.request(method, url, json=payload, timeout=10)
    response.raise_for_status()
    return dict(response.json())


def outbox_of(firestore: Any, uids: list[str]) -> list[tuple[str, str, str]]:
    """Each entry's id, kind and data (its delivery moves on by itself: the notifications function sends)."""
    found = []
    for uid in uids:
        docs = firestore.collection("outbox").where(filter=FieldFilter("uid", "==", uid)).stream()
        found += [(d.id, d.get("kind"), json.dumps(d.get("data"), sort_keys=True)) for d in docs]
    return sorted(found)


def streaks_of(firestore: Any, uids: list[str]) -> dict[str, Any]:
    return {
        uid: {
            k: v
            for k, v in (firestore.collection("streaks").document(uid).get().to_dict() or {}).items()
            if k != "updated_at"
        }
        for uid in uids
    }


def test_every_batch_of_a_run_delivered_again_at_once_changes_nothing(
    stack: Stack, api_url: str, auth_emulator: AuthEmulator, firestore_client: Any
) -> None:
    users = [AppUser(api_url, *auth_emulator.sign_up(), firestore_client) for _ in range(3)]
    for user in users:
        for d in (17, 18, 19):
            start = f"2026-11-{d:02d}T09:00:00Z"
            response = user.post_session(
                start, f"2026-11-{d:02d}T10:00:00Z", "UTC", f"m{d}", now="2026-11-20T12:00:00Z"
            )
            assert response.status_code == 201, response.text
    capture = f"capture-{uuid.uuid4().hex[:8]}"
    topic = f"projects/{stack.project_id}/topics/maintenance-batch"
    pubsub(stack, "PUT", f"subscriptions/{capture}", {"topic": topic})
    run_id = publish_tick(stack, "2026-11-21T00:30:00Z", "redeliver")
    token = admin_token(auth_emulator)
    run = wait_for_run(users[0], token, run_id)
    uids = [u.uid for u in users]
    before = (streaks_of(firestore_client, uids), outbox_of(firestore_client, uids))
    assert {kind for _, kind, _ in before[1]} == {"streak_broken"}

    messages: list[dict[str, Any]] = []
    deadline = time.monotonic() + 30
    while len(messages) < run["batches"] and time.monotonic() < deadline:
        pulled = pubsub(stack, "POST", f"subscriptions/{capture}:pull", {"maxMessages": 100})
        for received in pulled.get("receivedMessages", []):
            data = json.loads(base64.b64decode(received["message"]["data"]))
            if data.get("run_id") == run_id:
                messages.append(data)
    assert len(messages) == run["batches"] >= 1
    log = stack.workdir / "batch.log"

    def batches_done() -> int:
        return sum(
            run_id in line and "maintenance batch done" in line for line in log.read_text().splitlines()
        )

    done_before = batches_done()
    copies = 3
    with ThreadPoolExecutor(8) as pool:  # each batch three times over, all at once
        list(
            pool.map(
                lambda m: publish(stack.hosts["pubsub"], stack.project_id, "maintenance-batch", m),
                messages * copies,
            )
        )
    deadline = time.monotonic() + 60
    while batches_done() < done_before + copies * len(messages) and time.monotonic() < deadline:
        time.sleep(0.3)
    assert batches_done() == done_before + copies * len(messages)
    assert (streaks_of(firestore_client, uids), outbox_of(firestore_client, uids)) == before
    assert wait_for_run(users[0], token, run_id) == run  # counted once
    pubsub(stack, "DELETE", f"subscriptions/{capture}", {})
