"""Nightly maintenance as Cloud Scheduler drives it: a tick on the Pub/Sub emulator, pushed to the served
functions, fanned out in batches, with the Cloud Tasks emulator behind the retries."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

import pytest
from google.cloud.firestore_v1.base_query import FieldFilter

from devstack.stack import Stack
from devstack.tick import publish
from streak_core.adapters.cloud_tasks import CloudTasksQueue, CloudTasksRetryQueue
from streak_core.adapters.firestore.dead_letters import DEAD_LETTER_DOC
from streak_core.domain.sessions import parse_instant
from streak_core.models.maintenance import DeadLetter, RetryTask
from tests.conftest import AuthEmulator
from tests.e2e.conftest import AppUser, admin_token, wait_for_run

pytestmark = pytest.mark.e2e
TICK_AT = "2026-11-21T00:30:00Z"


def qualify(user: AppUser, *days: int) -> None:
    for d in days:
        response = user.post_session(
            f"2026-11-{d:02d}T09:00:00Z",
            f"2026-11-{d:02d}T10:00:00Z",
            "UTC",
            f"d{d}",
            now="2026-11-20T12:00:00Z",
        )
        assert response.status_code == 201, response.text


def outbox_kinds(user: AppUser) -> list[tuple[str, str]]:
    docs = user.firestore.collection("outbox").where(filter=FieldFilter("uid", "==", user.uid)).stream()
    return sorted((d.get("kind"), d.get("key")) for d in docs)


def test_a_tick_through_pubsub_maintains_due_users_and_the_run_counts_exactly(
    app_user: AppUser, auth_emulator: AuthEmulator, stack: Stack
) -> None:
    qualify(app_user, 17, 18, 19)
    token = admin_token(auth_emulator)
    run_id = f"e2e-{uuid.uuid4().hex[:8]}"
    publish(stack.hosts["pubsub"], stack.project_id, "maintenance-tick", {"run_id": run_id, "now": TICK_AT})
    run = wait_for_run(app_user, token, run_id)
    assert run["users_due"] >= 1
    assert (run["users_processed"], run["users_failed"]) == (run["users_due"], 0)
    assert run["batches"] >= 1
    assert outbox_kinds(app_user) == [("streak_broken", "2026-11-20")]
    streak = app_user.call("GET", "/v1/me/streak", now="2026-11-21T08:00:00Z").json()
    assert streak["current_streak"] == 0

    # Cloud Scheduler's message delivered a second time: nothing is fanned out or counted again.
    publish(stack.hosts["pubsub"], stack.project_id, "maintenance-tick", {"run_id": run_id, "now": TICK_AT})
    deadline = time.monotonic() + 30
    tick_log = stack.workdir / "tick.log"
    while time.monotonic() < deadline and tick_log.read_text().count(run_id) < 2:
        time.sleep(0.3)
    assert "skipped (already fanned out)" in tick_log.read_text()
    assert wait_for_run(app_user, token, run_id) == run
    assert outbox_kinds(app_user) == [("streak_broken", "2026-11-20")]


def test_a_task_on_the_retry_queue_maintains_its_user(app_user: AppUser, stack: Stack) -> None:
    qualify(app_user, 18, 19)
    queue = CloudTasksQueue(
        stack.project_id,
        "us-central1",
        "maintenance-retry",
        stack.info()["functions"]["retry"],  # type: ignore[index]
        stack.hosts["tasks"],
    )
    task = RetryTask(app_user.uid, f"t-{uuid.uuid4().hex[:6]}", parse_instant(TICK_AT))
    CloudTasksRetryQueue(queue).enqueue(task)
    streak_ref = app_user.firestore.collection("streaks").document(app_user.uid)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not streak_ref.get().get("last_maintained_date"):
        time.sleep(0.5)
    assert streak_ref.get().get("last_maintained_date") == "2026-11-20"
    assert outbox_kinds(app_user) == [("streak_broken", "2026-11-20")]


def test_an_admin_replays_dead_letters(app_user: AppUser, auth_emulator: AuthEmulator) -> None:
    qualify(app_user, 19)
    letter = f"old-run:{app_user.uid}"
    failed_at = datetime.now(UTC)
    stored = DeadLetter(letter, app_user.uid, "old-run", parse_instant(TICK_AT), "was down", 5, failed_at)
    app_user.firestore.collection("dead_letters").document(letter).set(DEAD_LETTER_DOC.dump(stored))
    assert app_user.call("POST", "/v1/admin/dead-letters:replay", json={}).status_code == 403
    response = app_user.call(
        "POST",
        "/v1/admin/dead-letters:replay",
        json={"limit": 500},
        token=admin_token(auth_emulator),
        now=TICK_AT,
    )
    assert response.status_code == 200
    assert app_user.uid in response.json()["replayed"]
    assert not app_user.firestore.collection("dead_letters").document(letter).get().exists
    assert app_user.firestore.collection("streaks").document(app_user.uid).get().get(
        "last_maintained_date"
    ) == ("2026-11-20")
