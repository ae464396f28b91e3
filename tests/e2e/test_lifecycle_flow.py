"""Reactivation through the nightly tick (twice: one message), its groups and the daily figures read back
by an admin, and Wrapped, through the served functions on the emulators."""

from __future__ import annotations

from typing import Any

import pytest
from google.cloud.firestore_v1.base_query import FieldFilter

from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.services.lifecycle import in_holdout
from tests.conftest import AuthEmulator, Stack
from tests.e2e.conftest import AppUser, admin_token, publish_tick, wait_for_run

pytestmark = pytest.mark.e2e
FOCUSED = "2026-10-01T12:00:00Z"


def told_user(api_url: str, auth_emulator: AuthEmulator, firestore_client: Any) -> AppUser:
    """A new user outside the holdout (one in ten is in it), who focused on 1 October and not since."""
    while True:
        uid, token = auth_emulator.sign_up()
        if not in_holdout(uid, DEFAULT_CONFIG):
            break
    user = AppUser(api_url, uid, token, firestore_client)
    assert user.call("PATCH", "/v1/me/settings", json={"timezone": "UTC"}, now=FOCUSED).status_code == 200
    answer = user.post_session("2026-10-01T09:00:00Z", "2026-10-01T09:45:00Z", "UTC", "last", now=FOCUSED)
    assert answer.status_code == 201, answer.text
    return user


def reactivations(user: AppUser) -> list[dict[str, Any]]:
    query = user.firestore.collection("outbox").where(filter=FieldFilter("uid", "==", user.uid))
    return [e.to_dict() for e in query.stream() if e.to_dict().get("kind") == "reactivation"]


def test_a_reactivation_step_through_the_tick_twice_is_one_message_and_counted(
    stack: Stack, api_url: str, auth_emulator: AuthEmulator, firestore_client: Any
) -> None:
    user = told_user(api_url, auth_emulator, firestore_client)
    admin = admin_token(auth_emulator)
    night = "2026-10-05T00:30:00Z"  # the 2nd, 3rd and 4th were quiet: the first step
    for _ in range(2):  # the scheduler's tick delivered twice (two runs)
        run_id = publish_tick(stack, night, prefix="comeback")
        wait_for_run(user, admin, run_id)
    [entry] = reactivations(user)
    assert (entry["data"]["step"], entry["data"]["days"], entry["data"]["since"]) == (3, 3, "2026-10-01")
    again = publish_tick(stack, "2026-10-06T00:30:00Z", prefix="comeback")
    wait_for_run(user, admin, again)
    assert len(reactivations(user)) == 1  # 4 quiet days: still the first step

    span = {"from": "2026-10-05", "to": "2026-10-05"}
    groups = user.call("GET", "/v1/admin/analytics/reactivation", params=span, token=admin)
    assert groups.status_code == 200, groups.text
    assert groups.json()["groups"]["treatment"]["users"] >= 1
    back = user.post_session(
        "2026-10-07T09:00:00Z", "2026-10-07T09:40:00Z", "UTC", "back", now="2026-10-07T10:00:00Z"
    )
    assert back.status_code == 201
    after = user.call("GET", "/v1/admin/analytics/reactivation", params=span, token=admin).json()
    assert after["groups"]["treatment"]["returned"] >= 1  # back within 7 days of the step
    assert after["groups"]["treatment"]["rate"] is not None

    figures = user.call(
        "GET", "/v1/admin/analytics", params={"from": "2026-10-01", "to": "2026-10-07"}, token=admin
    )
    assert figures.status_code == 200
    days = {d["date"]: d for d in figures.json()["days"]}
    assert len(days) == 7
    assert days["2026-10-01"]["sessions"] >= 1
    assert days["2026-10-01"]["focus_seconds"] >= 45 * 60
    assert days["2026-10-07"]["qualifying_users"] >= 1
    refused = user.call(
        "GET", "/v1/admin/analytics", params={"from": "2026-01-01", "to": "2026-12-31"}, token=admin
    )
    assert (refused.status_code, refused.json()["error"]["code"]) == (422, "validation_failed")
    assert user.call("GET", "/v1/admin/analytics", params=span).status_code == 403  # not an admin

    wrapped = user.call("GET", "/v1/me/wrapped", params={"year": "2026"}, now="2026-10-08T12:00:00Z").json()
    assert (wrapped["days_active"], wrapped["qualified_days"], wrapped["sessions"]) == (2, 2, 2)
    assert wrapped["focus_seconds"] == (45 + 40) * 60
