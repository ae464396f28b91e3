"""A league week through the served functions: joins over HTTP, scores from sessions, the nightly tick
settling the week over Pub/Sub (delivered again: nothing doubles), history and next week's cohort."""

from __future__ import annotations

from typing import Any

import pytest
from google.cloud.firestore_v1.base_query import FieldFilter

from devstack.stack import Stack
from devstack.tick import publish
from tests.conftest import AuthEmulator
from tests.e2e.conftest import AppUser, admin_token, wait_for_run

pytestmark = pytest.mark.e2e
WEEK = "2027-W03"  # Monday 2027-01-18 to Sunday 2027-01-24: no other test's week
MONDAY = "2027-01-18T09:00:00Z"
FINAL = "2027-01-26T00:00:00Z"  # the grace (12 h) after UTC-12's Sunday ended


def person(api_url: str, auth: AuthEmulator, firestore: Any, visibility: str = "public") -> AppUser:
    uid, token = auth.sign_up()
    user = AppUser(api_url, uid, token, firestore)
    settings = {"timezone": "UTC", "display_name": uid[:6], "leaderboard_visibility": visibility}
    assert user.call("PATCH", "/v1/me/settings", json=settings, now=MONDAY).status_code == 200
    return user


def league_finished(firestore: Any, uid: str) -> list[str]:
    query = firestore.collection("outbox").where(filter=FieldFilter("uid", "==", uid))
    return [doc.id for doc in query.stream() if doc.get("kind") == "league_finished"]


def test_a_league_week_from_joins_to_settlement_and_next_week(
    api_url: str, auth_emulator: AuthEmulator, firestore_client: Any, stack: Stack
) -> None:
    users = [person(api_url, auth_emulator, firestore_client) for _ in range(3)]
    hidden = person(api_url, auth_emulator, firestore_client, visibility="hidden")
    refused = hidden.call("POST", "/v1/me/league:join", now=MONDAY)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "leaderboard_hidden"
    assert users[0].call("GET", "/v1/me/league", now=MONDAY).json() == {"joined": False}
    for user in users:
        joined = user.call("POST", "/v1/me/league:join", now=MONDAY)
        assert joined.status_code == 200, joined.text
        assert (joined.json()["week"], joined.json()["tier"]) == (WEEK, "bronze")
    for n, user in enumerate(users[:2]):  # 40 and 80 minutes on Wednesday; the third does nothing
        end = f"2027-01-20T1{n}:{40 * (n + 1) % 60:02d}:00Z" if n == 0 else "2027-01-20T11:20:00Z"
        sent = user.post_session("2027-01-20T10:00:00Z", end, "UTC", f"lg{n}", now="2027-01-20T12:00:00Z")
        assert sent.status_code == 201, sent.text
    league = users[1].call("GET", "/v1/me/league", now="2027-01-21T12:00:00Z").json()
    assert [(m["user_id"], m["score"], m["me"]) for m in league["members"]] == [
        (users[1].uid, 80, True),
        (users[0].uid, 40, False),
        (users[2].uid, 0, False),
    ]
    assert (league["rank"], league["promotion_rank"], league["demotion_rank"]) == (1, 3, 0)
    assert league["ends_at"] == "2027-01-25T00:00:00+00:00"  # in the caller's zone

    token = admin_token(auth_emulator)
    for _ in range(2):  # the tick delivered twice: one settlement run
        publish(stack.hosts["pubsub"], stack.project_id, "maintenance-tick", {"now": FINAL})
    run = wait_for_run(users[0], token, f"league-{WEEK}")
    assert (run["users_due"], run["users_failed"]) == (1, 0)  # one cohort
    publish(
        stack.hosts["pubsub"],
        stack.project_id,
        "maintenance-tick",
        {"run_id": "again", "now": FINAL, "league_week": WEEK},
    )  # an operator's `settle --week`: settled cohorts are left as they are
    wait_for_run(users[0], token, "again")

    outcomes = [u.call("GET", "/v1/me/league/history", now=FINAL).json()["history"] for u in users]
    assert outcomes == [
        [{"week": WEEK, "tier": "bronze", "rank": 2, "outcome": "promoted"}],
        [{"week": WEEK, "tier": "bronze", "rank": 1, "outcome": "promoted"}],
        [{"week": WEEK, "tier": "bronze", "rank": 3, "outcome": "stayed"}],  # no focus, no rise
    ]
    for user in users:
        assert league_finished(firestore_client, user.uid) == [f"{user.uid}:league_finished:{WEEK}"]
    following = users[1].call("GET", "/v1/me/league", now="2027-01-26T09:00:00Z").json()
    assert (following["week"], following["tier"], following["score"]) == ("2027-W04", "silver", 0)
    assert {m["user_id"] for m in following["members"]} == {users[0].uid, users[1].uid}
    stayed = users[2].call("GET", "/v1/me/league", now="2027-01-26T09:00:00Z").json()
    assert (stayed["week"], stayed["tier"]) == ("2027-W04", "bronze")
