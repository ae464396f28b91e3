"""Webhooks end to end: sessions in through the API, events out through the Cloud Tasks emulator and the
`notifications` function to the local receiver (devstack/webhook_capture.py), checked with the library's
verifier and, every delivery of every test, with the TypeScript reference verifier
(tests/reference_webhooks.py); retries, replays, redelivered tasks, 410 Gone, secret rotation, and the SSRF
refusals."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from standardwebhooks.webhooks import Webhook

from devstack.stack import Stack
from tests.conftest import AuthEmulator
from tests.e2e.conftest import AppUser, admin_token, delete_webhooks, eventually
from tests.reference_webhooks import reference_verdicts

pytestmark = pytest.mark.e2e


class Hooks:
    """The admin's side (the API's webhook routes) and the receiver's (what arrived)."""

    def __init__(self, stack: Stack, admin: str) -> None:
        self.api, self.receiver, self.admin = f"http://{stack.hosts['functions']}", stack.hook_url, admin
        self.secrets: list[str] = []  # of the endpoints registered (and rotated) by the test

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.admin}"}
        return requests.request(method, f"{self.api}{path}", headers=headers, timeout=30, **kwargs)

    def clear(self) -> None:
        """No endpoint but the ones this test registers, and nothing received yet."""
        delete_webhooks(self.api, self.admin)
        requests.post(f"{self.receiver}/_control/reset", json={}, timeout=10)

    def register(self, events: list[str]) -> dict[str, Any]:
        response = self.call(
            "POST", "/v1/admin/webhooks", json={"url": f"{self.receiver}/in", "events": events}
        )
        assert response.status_code == 201, response.text
        hook: dict[str, Any] = response.json()["webhook"]
        self.trust(hook["secret"])
        return hook

    def trust(self, secret: str) -> None:
        self.secrets.append(secret)
        requests.post(f"{self.receiver}/_control/secret", json={"secret": secret}, timeout=10)

    def all_verify_with_the_reference(self) -> None:
        """Every delivery that arrived verifies with the reference verifier under the newest secret."""
        arrived = requests.get(f"{self.receiver}/_control/captured", timeout=10).json()["deliveries"]
        if not self.secrets or not arrived:
            return
        verdicts = reference_verdicts([(self.secrets[-1], d["headers"], d["body"]) for d in arrived])
        assert verdicts == [None] * len(arrived), verdicts

    def at_least(self, uid: str, count: int) -> list[dict[str, Any]] | None:
        found = self.received(uid)
        return found if len(found) >= count else None

    def received(self, uid: str) -> list[dict[str, Any]]:
        arrived = requests.get(f"{self.receiver}/_control/captured", timeout=10).json()["deliveries"]
        return [d for d in arrived if f'"user_id":"{uid}"' in d["body"]]

    def deliveries(self, hook_id: str) -> list[dict[str, Any]]:
        response = self.call("GET", f"/v1/admin/webhooks/{hook_id}/deliveries", params={"limit": 100})
        assert response.status_code == 200, response.text
        found: list[dict[str, Any]] = response.json()["deliveries"]
        return found


@pytest.fixture
def hooks(stack: Stack, auth_emulator: AuthEmulator) -> Iterator[Hooks]:
    made = Hooks(stack, admin_token(auth_emulator))
    made.clear()
    yield made
    made.all_verify_with_the_reference()
    made.clear()  # other tests' events go to no endpoint of ours


def day(n: int) -> str:
    return f"2026-11-{n:02d}T12:00:00Z"


def test_a_seven_day_streak_arrives_signed_in_order_once_each(app_user: AppUser, hooks: Hooks) -> None:
    hook = hooks.register(["*"])
    for n in range(15, 22):  # one session a day, sent that day
        response = app_user.post_session(
            f"2026-11-{n:02d}T08:00:00Z", f"2026-11-{n:02d}T09:00:00Z", "UTC", f"s{n}", now=day(n)
        )
        assert response.status_code == 201, response.text
    wanted = {"streak.started": 1, "streak.extended": 6, "milestone.reached": 1, "badge.earned": 1}

    def arrived() -> list[dict[str, Any]] | None:
        found = hooks.received(app_user.uid)
        types = [Webhook(hook["secret"]).verify(d["body"], d["headers"])["type"] for d in found]
        return found if all(types.count(t) >= n for t, n in wanted.items()) else None

    found = eventually(arrived, what="the seven days' events")
    time.sleep(1)  # anything sent twice would have arrived by now
    found = hooks.received(app_user.uid)
    bodies = [Webhook(hook["secret"]).verify(d["body"], d["headers"]) for d in found]  # raises if forged
    assert all(d["signature"] == "ok" for d in found)  # the receiver's own check agrees
    assert sorted(b["type"] for b in bodies) == sorted(t for t, n in wanted.items() for _ in range(n))
    ids = [d["headers"]["webhook-id"] for d in found]
    assert len(set(ids)) == len(ids) == 9  # each event once
    streak_days = [b["data"]["day"] for b in bodies if b["type"].startswith("streak.")]
    assert streak_days == [f"2026-11-{n:02d}" for n in range(15, 22)]  # in order per user
    assert [b["data"]["days"] for b in bodies if b["type"].startswith("streak.")] == list(range(1, 8))
    records = {d["event_id"]: d for d in hooks.deliveries(hook["id"])}
    assert {records[i]["status"] for i in ids} == {"delivered"}
    assert {records[i]["last_status_code"] for i in ids} == {200}
    assert {records[i]["attempts"] for i in ids} == {1}


def test_a_receiver_failing_twice_gets_the_event_three_times_with_one_id(
    app_user: AppUser, hooks: Hooks, stack: Stack
) -> None:
    hook = hooks.register(["streak.started"])
    requests.post(f"{hooks.receiver}/_control/fail", json={"status": 500, "times": 2}, timeout=10)
    started = app_user.post_session("2026-11-21T08:00:00Z", "2026-11-21T09:00:00Z", "UTC", "s1")
    assert started.status_code == 201, started.text
    found = eventually(lambda: hooks.at_least(app_user.uid, 3), what="3 attempts")
    time.sleep(1.5)
    found = hooks.received(app_user.uid)
    assert [d["status"] for d in found] == [500, 500, 200]
    assert len({d["headers"]["webhook-id"] for d in found}) == 1
    (record,) = hooks.deliveries(hook["id"])
    assert (record["status"], record["attempts"], record["last_status_code"]) == ("delivered", 3, 200)

    # A redelivered dispatch task fans out nothing twice; a replay sends the same event again, same id.
    notify = f"http://{stack.hosts['notify']}/dispatch"
    entry = f"{app_user.uid}:streak.started:2026-11-21"
    for _ in range(2):
        assert requests.post(notify, json={"entry_id": entry}, timeout=10).status_code == 200
    assert len(hooks.deliveries(hook["id"])) == 1
    replay = hooks.call("POST", f"/v1/admin/webhooks/{hook['id']}/deliveries/{record['id']}:retry")
    assert replay.status_code == 202, replay.text
    again = eventually(lambda: hooks.at_least(app_user.uid, 4), what="the replay")
    assert again[-1]["headers"]["webhook-id"] == found[0]["headers"]["webhook-id"]
    assert again[-1]["signature"] == "ok"


@pytest.mark.parametrize(
    "url", ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/", "https://10.0.0.1/"]
)
def test_private_and_link_local_targets_are_refused(hooks: Hooks, url: str) -> None:
    response = hooks.call("POST", "/v1/admin/webhooks", json={"url": url, "events": ["*"]})
    assert response.status_code == 422, response.text
    assert response.json()["error"]["details"][0]["code"] == "url_not_allowed"
    assert hooks.call("GET", "/v1/admin/webhooks").json()["webhooks"] == []


@pytest.fixture(scope="module")
def production_api(stack: Stack) -> Iterator[str]:
    """An `api` instance as production runs it: no clock override, so no local http endpoints."""
    url = stack.spawn_function("prodapi", "api", {"ALLOW_CLOCK_OVERRIDE": "0"})
    yield url
    stack.stop_service("prodapi")


@pytest.mark.parametrize(
    "url",
    ["https://localhost/hook", "http://127.0.0.1:8080/hook", "https://169.254.169.254/", "https://[::1]/"],
)
def test_in_production_a_name_resolving_to_loopback_is_refused(
    production_api: str, hooks: Hooks, url: str
) -> None:
    headers = {"Authorization": f"Bearer {hooks.admin}"}
    body = {"url": url, "events": ["*"]}
    response = requests.post(f"{production_api}/v1/admin/webhooks", json=body, headers=headers, timeout=30)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["details"][0]["code"] == "url_not_allowed"


def test_a_receiver_that_hangs_times_out_and_gets_the_event_again(
    app_user: AppUser, hooks: Hooks, stack: Stack
) -> None:
    """The receiver stopped (SIGSTOP) past the 10 s timeout: the attempt fails as a timeout, the retry after
    SIGCONT delivers it; every arrival carries the one webhook-id (at least once, never another event)."""
    hook = hooks.register(["streak.started"])
    stack.pause_service("hooks")
    try:
        started = app_user.post_session("2026-11-21T08:00:00Z", "2026-11-21T09:00:00Z", "UTC", "s1")
        assert started.status_code == 201, started.text

        def timed_out() -> dict[str, Any] | None:
            found = hooks.deliveries(hook["id"])
            return found[0] if found and found[0]["attempts"] >= 1 else None

        first = eventually(timed_out, timeout=30, what="the first attempt to time out")
    finally:
        stack.resume_service("hooks")
    assert first["status"] == "pending"
    assert first["last_status_code"] is None
    assert "timeout" in (first["last_error"] or "").lower()

    def delivered() -> dict[str, Any] | None:
        found = hooks.deliveries(hook["id"])
        return found[0] if found and found[0]["status"] == "delivered" else None

    record = eventually(delivered, timeout=40, what="the retry after SIGCONT")
    assert record["attempts"] >= 2
    assert record["last_status_code"] == 200
    arrived = hooks.received(app_user.uid)
    assert arrived
    assert {d["headers"]["webhook-id"] for d in arrived} == {record["event_id"]}


def test_a_rotated_secret_signs_twice_and_a_410_disables_the_endpoint_at_once(
    app_user: AppUser, hooks: Hooks
) -> None:
    hook = hooks.register(["streak.started", "streak.extended"])
    rotated = hooks.call("POST", f"/v1/admin/webhooks/{hook['id']}:rotate-secret")
    assert rotated.status_code == 200, rotated.text
    new = rotated.json()["webhook"]
    assert new["secret"].startswith("whsec_")
    assert new["secret"] != hook["secret"]
    assert new["previous_secret_until"] is not None
    hooks.trust(new["secret"])
    first = app_user.post_session("2026-11-20T08:00:00Z", "2026-11-20T09:00:00Z", "UTC", "r1", now=day(20))
    assert first.status_code == 201, first.text
    (arrived,) = eventually(lambda: hooks.at_least(app_user.uid, 1), what="the first event")
    assert len(arrived["headers"]["webhook-signature"].split(" ")) == 2
    both = [(secret, arrived["headers"], arrived["body"]) for secret in (new["secret"], hook["secret"])]
    assert reference_verdicts(both) == [None, None]  # receivers holding either secret accept it

    requests.post(f"{hooks.receiver}/_control/fail", json={"status": 410, "times": 1}, timeout=10)
    second = app_user.post_session("2026-11-21T08:00:00Z", "2026-11-21T09:00:00Z", "UTC", "r2", now=day(21))
    assert second.status_code == 201, second.text

    def disabled() -> dict[str, Any] | None:
        found = hooks.call("GET", f"/v1/admin/webhooks/{hook['id']}").json()["webhook"]
        return found if found["status"] == "disabled" else None

    endpoint = eventually(disabled, what="the endpoint disabled by its 410")
    assert endpoint["disabled_reason"] == "gone"
    time.sleep(1.5)
    assert [d["status"] for d in hooks.received(app_user.uid)] == [200, 410]  # tried once, never again
    gone = next(d for d in hooks.deliveries(hook["id"]) if d["last_status_code"] == 410)
    assert gone["attempts"] == 1
