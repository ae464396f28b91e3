"""firestore.rules on the emulator, through its REST API with Auth-emulator ID tokens, as a client would."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import requests

from devstack.node import node, node_env
from devstack.stack import Stack
from tests.conftest import AuthEmulator

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


class Client:
    def __init__(self, stack: Stack, token: str | None) -> None:
        self.base = (
            f"http://{stack.hosts['firestore']}/v1/projects/{stack.project_id}/databases/(default)/documents"
        )
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str) -> int:
        return requests.get(f"{self.base}/{path}", headers=self.headers, timeout=10).status_code

    def write(self, path: str) -> int:
        body = {"fields": {"hacked": {"booleanValue": True}}}
        return requests.patch(f"{self.base}/{path}", json=body, headers=self.headers, timeout=10).status_code

    def outbox_of(self, uid: str | None) -> int:
        query: dict[str, Any] = {"from": [{"collectionId": "outbox"}]}
        if uid is not None:
            query["where"] = {
                "fieldFilter": {"field": {"fieldPath": "uid"}, "op": "EQUAL", "value": {"stringValue": uid}}
            }
        response = requests.post(
            f"{self.base}:runQuery", json={"structuredQuery": query}, headers=self.headers, timeout=10
        )
        return response.status_code


@pytest.fixture(scope="module")
def people(stack: Stack, auth_emulator: AuthEmulator, firestore_client: Any) -> dict[str, Any]:
    """Two users with every kind of document the backend writes."""
    made: dict[str, Any] = {}
    for name in ("ada", "bob"):
        uid, token = auth_emulator.sign_up()
        user = firestore_client.collection("users").document(uid)
        user.set({"display_name": name})
        user.collection("days").document("2026-11-21").set({"date": "2026-11-21"})
        user.collection("sessions").document("s1").set({"id": "s1"})
        user.collection("devices").document("d1").set({"token": "t"})
        user.collection("friends").document("x").set({"since": 1})
        user.collection("memberships").document("c1").set({"challenge_id": "c1"})
        firestore_client.collection("challenges").document("c1").set({"id": "c1"})
        firestore_client.document("challenges/c1/shards/shard-00").set({"participants": 1})
        firestore_client.collection("streaks").document(uid).set({"uid": uid})
        firestore_client.collection("outbox").document(f"{uid}:milestone:7").set({"uid": uid})
        firestore_client.collection("boards").document("all").collection("entries").document(uid).set(
            {"uid": uid}
        )
        made[name] = (uid, Client(stack, token))
    made["anonymous"] = Client(stack, None)
    return made


@pytest.mark.parametrize(
    "path", ["users/{me}", "users/{me}/days/2026-11-21", "streaks/{me}", "users/{me}/memberships/c1"]
)
def test_a_client_reads_its_own_user_days_and_streak(people: dict[str, Any], path: str) -> None:
    uid, ada = people["ada"]
    assert ada.get(path.format(me=uid)) == 200


def test_a_client_reads_its_own_notification_and_lists_only_its_own(people: dict[str, Any]) -> None:
    uid, ada = people["ada"]
    assert ada.get(f"outbox/{uid}:milestone:7") == 200
    assert ada.outbox_of(uid) == 200
    assert ada.outbox_of(None) == 403


@pytest.mark.parametrize(
    "path",
    [
        "users/{other}",
        "users/{other}/days/2026-11-21",
        "streaks/{other}",
        "outbox/{other}:milestone:7",
        "users/{me}/sessions/s1",
        "users/{me}/devices/d1",
        "users/{me}/friends/x",
        "users/{other}/memberships/c1",
        "challenges/c1",
        "challenges/c1/shards/shard-00",
        "boards/all/entries/{me}",
        "boards/all/entries/{other}",
    ],
)
def test_everything_else_is_denied(people: dict[str, Any], path: str) -> None:
    (uid, ada), (other, _) = people["ada"], people["bob"]
    assert ada.get(path.format(me=uid, other=other)) == 403


def test_another_users_notifications_cannot_be_listed(people: dict[str, Any]) -> None:
    _, ada = people["ada"]
    other, _ = people["bob"]
    assert ada.outbox_of(other) == 403


@pytest.mark.parametrize(
    "path",
    [
        "users/{me}",
        "streaks/{me}",
        "users/{me}/days/2026-11-22",
        "users/{me}/memberships/c1",
        "outbox/{me}:x:y",
    ],
)
def test_clients_write_nothing_not_even_their_own(people: dict[str, Any], path: str) -> None:
    uid, ada = people["ada"]
    assert ada.write(path.format(me=uid)) == 403


def test_without_a_token_nothing_is_readable(people: dict[str, Any]) -> None:
    uid, _ = people["ada"]
    assert people["anonymous"].get(f"users/{uid}") == 403
    assert people["anonymous"].get(f"streaks/{uid}") == 403


def test_firebases_own_rules_harness_agrees(stack: Stack) -> None:
    """The same rules judged by @firebase/rules-unit-testing (tests/rules/firestore_rules.test.cjs), run by
    node's test runner against this emulator, in a project of its own."""
    run = subprocess.run(
        [node(), "--test", "--test-reporter=spec", "tests/rules/firestore_rules.test.cjs"],
        cwd=ROOT,
        env=node_env({**os.environ, "FIRESTORE_EMULATOR_HOST": stack.hosts["firestore"]}),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    print(run.stdout[-3000:])
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert re.search(r"\bfail 0\b", run.stdout), run.stdout[-2000:]  # and it ran its tests:
    assert not re.search(r"\btests 0\b", run.stdout)
