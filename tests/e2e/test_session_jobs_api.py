"""Asynchronous acceptance end to end: `Prefer: respond-async`, the Cloud Tasks emulator's `session-jobs`
queue, the `session_jobs` function, and `GET /v1/jobs/{id}`."""

from __future__ import annotations

import time
import uuid
from typing import Any

from tests.conftest import AuthEmulator
from tests.e2e.conftest import AppUser

BATCH = {
    "sessions": [
        {"id": "j1", "start": "2026-11-20T08:00:00Z", "end": "2026-11-20T09:00:00Z", "timezone": "UTC"},
        {"id": "j2", "start": "2026-11-21T08:00:00Z", "end": "2026-11-21T08:30:00Z", "timezone": "UTC"},
        {"id": "j3", "start": "2026-11-21T08:00:00Z", "end": "2026-11-21T07:00:00Z", "timezone": "UTC"},
    ]
}


def submit(user: AppUser, key: str) -> Any:
    headers = {"Prefer": "respond-async", "Idempotency-Key": key}
    return user.call("POST", "/v1/sessions:batch", json=BATCH, headers=headers)


def finished(user: AppUser, job_id: str, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = user.call("GET", f"/v1/jobs/{job_id}").json()["job"]
        if job["status"] in ("done", "failed"):
            return dict(job)
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} still {job['status']}")


def test_an_asynchronous_batch_ends_with_exactly_the_synchronous_answer(
    app_user: AppUser, auth_emulator: AuthEmulator, firestore_client: Any
) -> None:
    accepted = submit(app_user, f"k-{uuid.uuid4().hex}")
    assert accepted.status_code == 202, accepted.text
    job = accepted.json()["job"]
    assert accepted.headers["Location"] == f"/v1/jobs/{job['id']}"
    assert int(accepted.headers["Retry-After"]) >= 1
    done = finished(app_user, job["id"])
    assert (done["status"], done["attempts"]) == ("done", 1)

    twin = AppUser(app_user.api_url, *auth_emulator.sign_up(), firestore_client)
    synchronous = twin.call("POST", "/v1/sessions:batch", json=BATCH)
    assert synchronous.status_code == 200
    assert done["result"]["results"] == synchronous.json()["results"]
    assert [r["status"] for r in done["result"]["results"]] == [201, 201, 422]
    volatile = ("updated_at", "days_version")
    assert {k: v for k, v in done["result"]["streak"].items() if k not in volatile} == {
        k: v for k, v in synchronous.json()["streak"].items() if k not in volatile
    }
    assert app_user.call("GET", "/v1/me/streak").json()["current_streak"] == 2


def test_the_same_key_is_the_same_job_and_runs_once(app_user: AppUser) -> None:
    key = f"k-{uuid.uuid4().hex}"
    first = submit(app_user, key)
    again = submit(app_user, key)
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json()["job"]["id"] == first.json()["job"]["id"]
    done = finished(app_user, first.json()["job"]["id"])
    assert done["attempts"] == 1
    assert [r["status"] for r in done["result"]["results"]] == [201, 201, 422]
    third = submit(app_user, key)
    assert (third.status_code, third.json()["job"]["status"]) == (200, "done")


def test_another_users_job_is_404(app_user: AppUser, auth_emulator: AuthEmulator) -> None:
    job_id = submit(app_user, f"k-{uuid.uuid4().hex}").json()["job"]["id"]
    _, stranger = auth_emulator.sign_up()
    response = app_user.call("GET", f"/v1/jobs/{job_id}", token=stranger)
    assert (response.status_code, response.json()["error"]["code"]) == (404, "job_not_found")
    finished(app_user, job_id)
