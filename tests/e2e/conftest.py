"""An API client as the mobile app uses it: real HTTP, real Auth-emulator tokens."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest
import requests

from devstack.stack import Stack
from devstack.tick import publish
from tests.conftest import AuthEmulator

pytestmark = pytest.mark.e2e
NOW = "2026-11-21T12:00:00Z"
VOLATILE = ("updated_at", "days_version")


@dataclass
class AppUser:
    api_url: str
    uid: str
    token: str
    firestore: Any

    def call(
        self, method: str, path: str, *, now: str = NOW, token: str | None = None, **kwargs: Any
    ) -> requests.Response:
        headers = {"X-Now": now, **kwargs.pop("headers", {})}
        chosen = self.token if token is None else token
        if chosen:
            headers["Authorization"] = f"Bearer {chosen}"
        return requests.request(method, f"{self.api_url}{path}", headers=headers, timeout=30, **kwargs)

    def post_session(self, start: str, end: str, tz: str, sid: str, **kwargs: Any) -> requests.Response:
        body = {"id": sid, "start": start, "end": end, "timezone": tz}
        return self.call("POST", "/v1/sessions", json=body, **kwargs)

    def focus_days(self, days: range, now: str = NOW, **kwargs: Any) -> requests.Response:
        """An hour of focus (08:00-09:00 UTC) on each of these days of November 2026, in one batch."""
        sessions = [
            {
                "id": f"s{d}",
                "start": f"2026-11-{d:02d}T08:00:00Z",
                "end": f"2026-11-{d:02d}T09:00:00Z",
                "timezone": "UTC",
            }
            for d in days
        ]
        response = self.call("POST", "/v1/sessions:batch", json={"sessions": sessions}, now=now, **kwargs)
        assert response.status_code == 200, response.text
        return response

    def stored_state(self) -> dict[str, Any]:
        """Everything Firestore holds for this user, to prove a rejected request changed nothing."""
        user = self.firestore.collection("users").document(self.uid)
        streak = self.firestore.collection("streaks").document(self.uid).get()
        return {
            "user": user.get().to_dict(),
            # Not the days version: a rebuild restoring the days moves it on (no cached calendar outlives it).
            "streak": {k: v for k, v in (streak.to_dict() or {}).items() if k not in VOLATILE},
            "days": {
                d.id: {k: v for k, v in d.to_dict().items() if k != "updated_at"}
                for d in user.collection("days").stream()
            },
            "sessions": {s.id: s.to_dict() for s in user.collection("sessions").stream()},
        }


def admin_token(auth_emulator: AuthEmulator) -> str:
    """An ID token of a fresh user holding the admin claim."""
    email = f"ops-{uuid.uuid4().hex[:8]}@example.com"
    uid, _ = auth_emulator.sign_up_with(email)
    return auth_emulator.token_with_claims(uid, email, {"admin": True})


T = TypeVar("T")


def eventually(probe: Callable[[], T | None], timeout: float = 40, what: str = "condition") -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def retried_like_the_app(send: Callable[[], requests.Response], client: int = 0) -> list[int]:
    """The statuses of a request sent as the app sends it: a 503 (transactions contending) is sent again
    after its Retry-After (clients apart), up to 4 times."""
    statuses = []
    for _attempt in range(4):
        answer = send()
        statuses.append(answer.status_code)
        if answer.status_code != 503:
            break
        time.sleep(min(float(answer.headers.get("Retry-After", "1")), 3) + client * 0.5)
    return statuses


def delete_webhooks(api_url: str, admin: str) -> None:
    """No webhook endpoint left (the stack is shared: endpoints a test made would get every later event)."""
    headers = {"Authorization": f"Bearer {admin}"}
    listed = requests.get(f"{api_url}/v1/admin/webhooks", headers=headers, timeout=30)
    for hook in listed.json()["webhooks"]:
        requests.delete(f"{api_url}/v1/admin/webhooks/{hook['id']}", headers=headers, timeout=30)


def publish_tick(stack: Stack, now: str, prefix: str = "run") -> str:
    """A maintenance tick for `now`, published as Cloud Scheduler does; its run id."""
    run_id = f"{prefix}-{uuid.uuid4().hex[:8]}"
    publish(stack.hosts["pubsub"], stack.project_id, "maintenance-tick", {"run_id": run_id, "now": now})
    return run_id


def wait_for_run(user: AppUser, token: str, run_id: str, timeout: float = 90) -> dict[str, Any]:
    """The run record once it is done (asked for as an admin)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = user.call("GET", f"/v1/admin/maintenance-runs/{run_id}", token=token)
        if response.status_code == 200 and response.json()["status"] == "done":
            return dict(response.json())
        time.sleep(0.5)
    raise AssertionError(f"run {run_id} did not finish: {response.status_code} {response.text}")


@pytest.fixture
def app_user(api_url: str, auth_emulator: AuthEmulator, firestore_client: Any) -> AppUser:
    uid, token = auth_emulator.sign_up()
    return AppUser(api_url, uid, token, firestore_client)
