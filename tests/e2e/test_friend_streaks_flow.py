"""Friend streaks through the served functions: API.md's flow, two friends posting at the same moment, the
check after their commits (a Cloud Tasks task to `notifications`), the night check's break, and the ends."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from google.cloud.firestore_v1.base_query import FieldFilter

from tests.conftest import AuthEmulator, Stack
from tests.e2e.conftest import AppUser, admin_token, eventually, publish_tick, wait_for_run

pytestmark = pytest.mark.e2e
NOW = "2026-11-21T12:00:00Z"  # Paris: 13:00 on the 21st; New York: 07:00 on the 21st


@pytest.fixture
def pair(api_url: str, auth_emulator: AuthEmulator, firestore_client: Any) -> tuple[AppUser, AppUser]:
    users = []
    for name, zone in (("Ana", "Europe/Paris"), ("Ben", "America/New_York")):
        uid, token = auth_emulator.sign_up()
        user = AppUser(api_url, uid, token, firestore_client)
        patch = {"display_name": name, "timezone": zone}
        assert user.call("PATCH", "/v1/me/settings", json=patch).status_code == 200
        users.append(user)
    return users[0], users[1]


def befriend(a: AppUser, b: AppUser) -> None:
    assert a.call("POST", "/v1/friends/requests", json={"user_id": b.uid}).status_code == 201
    assert b.call("POST", f"/v1/friends/requests/{a.uid}:accept").status_code == 200


def kinds_told(user: AppUser, kind: str) -> list[dict[str, Any]]:
    query = user.firestore.collection("outbox").where(filter=FieldFilter("uid", "==", user.uid))
    entries = query.stream()
    return [e.to_dict() for e in entries if e.to_dict().get("kind") == kind]


def test_the_contract_flow_of_a_friend_streak(pair: tuple[AppUser, AppUser], app_user: AppUser) -> None:
    ana, ben = pair
    refused = ana.call("POST", "/v1/friend-streaks", json={"user_id": ben.uid})
    assert (refused.status_code, refused.json()["error"]["code"]) == (422, "not_friends")
    befriend(ana, ben)
    invited = ana.call("POST", "/v1/friend-streaks", json={"user_id": ben.uid})
    assert invited.status_code == 201, invited.text
    streak = invited.json()["friend_streak"]
    assert set(streak) == {
        "id",
        "status",
        "invited_by",
        "friend",
        "length",
        "longest",
        "started_on",
        "today",
        "at_risk",
    }
    assert (streak["status"], streak["invited_by"], streak["friend"]) == (
        "invited",
        ana.uid,
        {"user_id": ben.uid, "display_name": "Ben"},
    )
    sid = streak["id"]
    again = ben.call("POST", "/v1/friend-streaks", json={"user_id": ana.uid})
    assert (again.status_code, again.json()["error"]["code"], again.json()["error"]["details"]) == (
        409,
        "exists",
        {"id": sid},
    )
    assert eventually(lambda: kinds_told(ben, "friend_streak_invited") or None, what="the invitation")
    assert ana.call("POST", f"/v1/friend-streaks/{sid}:accept").status_code == 404  # the invited only
    for method, path in (
        ("POST", f"/v1/friend-streaks/{sid}:nudge"),
        ("DELETE", f"/v1/friend-streaks/{sid}"),
    ):
        outsider = app_user.call(method, path)
        assert (outsider.status_code, outsider.json()["error"]["code"]) == (404, "not_found")
    accepted = ben.call("POST", f"/v1/friend-streaks/{sid}:accept")
    assert accepted.status_code == 200
    body = accepted.json()["friend_streak"]
    assert (body["status"], body["started_on"], body["length"]) == ("active", "2026-11-21", 0)
    assert body["today"] == {"date": "2026-11-21", "me": False, "friend": False}

    nudged = ana.call("POST", f"/v1/friend-streaks/{sid}:nudge")
    assert (nudged.status_code, nudged.json()) == (202, {"friend_streak_id": sid, "nudged": True})
    twice = ana.call("POST", f"/v1/friend-streaks/{sid}:nudge")
    assert (twice.status_code, twice.json()["error"]["code"]) == (409, "already_nudged")

    assert ben.call("DELETE", f"/v1/friend-streaks/{sid}").status_code == 204
    assert ana.call("GET", "/v1/me/friend-streaks").json() == {"friend_streaks": []}
    assert ben.call("DELETE", f"/v1/friend-streaks/{sid}").status_code == 404  # gone: nothing to be part of


def test_two_friends_posting_at_once_both_answer_promptly_and_the_pair_ends_right(
    pair: tuple[AppUser, AppUser],
) -> None:
    ana, ben = pair
    befriend(ana, ben)
    sid = ana.call("POST", "/v1/friend-streaks", json={"user_id": ben.uid}).json()["friend_streak"]["id"]
    assert ben.call("POST", f"/v1/friend-streaks/{sid}:accept").status_code == 200

    def post(user: AppUser) -> tuple[int, float]:
        started = time.perf_counter()
        answer = user.post_session("2026-11-21T10:00:00Z", "2026-11-21T10:45:00Z", "UTC", f"s-{user.uid[:6]}")
        return answer.status_code, time.perf_counter() - started

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(post, [ana, ben]))
    print("two friends at once: (status, seconds) =", [(status, round(s, 3)) for status, s in answers])
    assert [status for status, _ in answers] == [201, 201]
    assert max(seconds for _, seconds in answers) < 5.0, answers  # neither waited on the other's documents

    def told() -> list[dict[str, Any]] | None:
        found = kinds_told(ana, "friend_streak_extended") + kinds_told(ben, "friend_streak_extended")
        return found if len(found) == 2 else None

    extended = eventually(told, what="both friends told of the 21st")
    assert {e["data"]["day"] for e in extended} == {"2026-11-21"}
    assert {e["data"]["friend"] for e in extended} == {"Ana", "Ben"}
    for user, friend in ((ana, ben), (ben, ana)):
        [streak] = user.call("GET", "/v1/me/friend-streaks").json()["friend_streaks"]
        assert (streak["length"], streak["longest"], streak["at_risk"]) == (1, 1, False)
        assert streak["today"] == {"date": "2026-11-21", "me": True, "friend": True}
        assert streak["friend"]["user_id"] == friend.uid
    # The checks ran after each commit, so a third one (a redelivered task) tells nobody again.
    time.sleep(1.0)
    assert len(told() or []) == 2
    webhook_types = {
        e.to_dict()["type"]
        for e in ana.firestore.collection("events")
        .where(filter=FieldFilter("uid", "in", [ana.uid, ben.uid]))
        .stream()
    }
    assert "friend_streak.extended" in webhook_types


def test_the_night_check_tells_a_break_once_and_unfriending_ends_the_pair(
    stack: Stack, pair: tuple[AppUser, AppUser], auth_emulator: AuthEmulator
) -> None:
    ana, ben = pair
    befriend(ana, ben)
    sid = ana.call("POST", "/v1/friend-streaks", json={"user_id": ben.uid}).json()["friend_streak"]["id"]
    assert ben.call("POST", f"/v1/friend-streaks/{sid}:accept").status_code == 200
    for user, day in ((ana, 21), (ben, 21), (ana, 22)):  # ben misses the 22nd
        start, end = f"2026-11-{day}T13:00:00Z", f"2026-11-{day}T13:45:00Z"
        answer = user.post_session(start, end, "UTC", f"d{day}", now=f"2026-11-{day}T18:00:00Z")
        assert answer.status_code == 201, answer.text
    eventually(lambda: kinds_told(ana, "friend_streak_extended") or None, what="the 21st told")
    admin = admin_token(auth_emulator)
    for night in ("2026-11-23T07:00:00Z", "2026-11-23T07:00:00Z", "2026-11-23T08:30:00Z"):
        run_id = publish_tick(stack, night, prefix="pairs")
        wait_for_run(ana, admin, run_id)
        wait_for_run(ana, admin, f"{run_id}-pairs")

    def both_told() -> list[dict[str, Any]] | None:
        found = kinds_told(ana, "friend_streak_broken") + kinds_told(ben, "friend_streak_broken")
        return found if len(found) == 2 else None

    broken = eventually(both_told, what="the break told to both")
    assert {e["data"]["days"] for e in broken} == {1}
    [streak] = ana.call("GET", "/v1/me/friend-streaks", now="2026-11-23T09:00:00Z").json()["friend_streaks"]
    assert (streak["length"], streak["longest"]) == (0, 1)
    assert ana.call("DELETE", f"/v1/friends/{ben.uid}").status_code == 204
    assert ben.call("GET", "/v1/me/friend-streaks").json() == {"friend_streaks": []}
    assert not ana.firestore.collection("friend_streaks").document(sid).get().exists
