"""Every input a client can send gets a clear 4xx in the JSON error shape, and stored data stays as it was.

Each case here once reached a 500 or an HTML page (found by hand or by the fuzzer); they stay as named
regression tests beside the fuzzing run."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from tests.conftest import AuthEmulator
from tests.e2e.conftest import NOW, AppUser, admin_token

pytestmark = pytest.mark.e2e
GOOD = {"id": "good", "start": "2026-11-21T09:00:00Z", "end": "2026-11-21T10:00:00Z", "timezone": "UTC"}


def error_of(response: requests.Response, status: int) -> dict[str, Any]:
    """The JSON error body of a response that must have `status`."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert {"code", "message"} <= set(body["error"])
    return dict(body["error"])


def raw_post(user: AppUser, path: str, data: bytes) -> requests.Response:
    return user.call("POST", path, data=data, headers={"Content-Type": "application/json"})


# --- ids that can never exist ---------------------------------------------------------------------------
@pytest.mark.parametrize("bad_id", [".", "..", "__x__", "____", "a/b"])
def test_a_session_id_no_document_can_have_is_422(app_user: AppUser, bad_id: str) -> None:
    before = app_user.stored_state()
    error = error_of(app_user.call("POST", "/v1/sessions", json={**GOOD, "id": bad_id}), 422)
    assert [d["field"] for d in error["details"]] == ["id"]
    assert app_user.stored_state() == before


def test_a_batch_stores_its_good_items_and_reports_each_bad_one(app_user: AppUser) -> None:
    items: list[object] = [
        GOOD,
        {**GOOD, "id": "__reserved__"},
        {**GOOD, "id": ".."},
        {"start": GOOD["start"]},
        42,
        {**GOOD, "id": "other", "start": "2026-11-21T10:00:00Z", "end": "2026-11-21T10:30:00Z"},
    ]
    response = app_user.call("POST", "/v1/sessions:batch", json={"sessions": items})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [(r["id"], r["status"]) for r in results] == [
        ("good", 201),
        ("__reserved__", 422),
        ("..", 422),
        (None, 422),
        (None, 422),
        ("other", 201),
    ]
    assert all("id" in r for r in results)
    assert set(app_user.stored_state()["sessions"]) == {"good", "other"}


@pytest.mark.parametrize("bad_id", ["..", ".", "__x__", "a/b", "x" * 129, ""])
def test_a_friend_request_to_an_id_no_user_can_have_is_422(app_user: AppUser, bad_id: str) -> None:
    error = error_of(app_user.call("POST", "/v1/friends/requests", json={"user_id": bad_id}), 422)
    assert [d["field"] for d in error["details"]] == ["user_id"]


@pytest.mark.parametrize("bad_id", ["%2E%2E", "%2E", "__x__", "x" * 200])
def test_friend_paths_with_an_id_no_user_can_have_are_404(app_user: AppUser, bad_id: str) -> None:
    error_of(app_user.call("POST", f"/v1/friends/requests/{bad_id}:accept"), 404)
    error_of(app_user.call("DELETE", f"/v1/friends/{bad_id}"), 404)


@pytest.mark.parametrize("bad_id", ["%2E%2E", "%2E", "__x__"])
def test_a_run_id_no_document_can_have_is_404(
    app_user: AppUser, auth_emulator: AuthEmulator, bad_id: str
) -> None:
    admin = admin_token(auth_emulator)
    error_of(app_user.call("GET", f"/v1/admin/maintenance-runs/{bad_id}", token=admin), 404)


# --- cursors ---------------------------------------------------------------------------------------------
def notifications_cursor(user: AppUser) -> str:
    """A real cursor: two weeks of focus apart are two 7-day milestones, so limit=1 gives two pages."""
    user.focus_days(range(1, 8))
    user.focus_days(range(10, 17))
    page = user.call("GET", "/v1/me/notifications", params={"limit": "1"}).json()
    assert page["next_cursor"] is not None
    return str(page["next_cursor"])


def test_cursors_the_server_did_not_issue_are_422_invalid_cursor(app_user: AppUser) -> None:
    real = notifications_cursor(app_user)
    leaderboard = app_user.call("GET", "/v1/leaderboard", params={"limit": "1"}).json()
    forged = [
        "garbage",
        "",
        real[:-2] + ("AA" if not real.endswith("AA") else "BB"),
        json.dumps({"rank": 1}),
        "eyJyYW5rIjogMX0",  # base64 JSON, the shape unsigned cursors had
    ]
    for cursor in forged:
        for path in ("/v1/me/notifications", "/v1/leaderboard"):
            error = error_of(app_user.call("GET", path, params={"cursor": cursor}), 422)
            assert error["code"] == "invalid_cursor", (path, cursor)
    # A real cursor of one list is refused by another.
    error = error_of(app_user.call("GET", "/v1/leaderboard", params={"cursor": real}), 422)
    assert error["code"] == "invalid_cursor"
    assert leaderboard["next_cursor"] is None or leaderboard["next_cursor"] != real


def test_a_leaderboard_cursor_only_continues_its_own_board(
    app_user: AppUser, auth_emulator: AuthEmulator
) -> None:
    for n in range(2):
        uid, token = auth_emulator.sign_up()
        other = AppUser(app_user.api_url, uid, token, app_user.firestore)
        patch = {"leaderboard_visibility": "public", "timezone": "UTC"}
        assert other.call("PATCH", "/v1/me/settings", json=patch).status_code == 200
        other.focus_days(range(1, 3 + n))
    page = app_user.call("GET", "/v1/leaderboard", params={"period": "month", "limit": "1"}).json()
    cursor = page["next_cursor"]
    assert cursor is not None
    assert app_user.call("GET", "/v1/leaderboard", params={"period": "month", "cursor": cursor}).ok
    for other_board in ({"period": "week"}, {"period": "month", "scope": "friends"}):
        error = error_of(
            app_user.call("GET", "/v1/leaderboard", params={**other_board, "cursor": cursor}), 422
        )
        assert error["code"] == "invalid_cursor"


# --- bodies ----------------------------------------------------------------------------------------------
def test_a_2_kib_body_of_1000_nested_arrays_is_400(app_user: AppUser) -> None:
    before = app_user.stored_state()
    nested = b"[" * 1000 + b"]" * 1000
    error = error_of(raw_post(app_user, "/v1/sessions", nested), 400)
    assert error["code"] == "invalid_json"
    wrapped = b'{"sessions": ' + b"[" * 1000 + b"]" * 1000 + b"}"
    assert error_of(raw_post(app_user, "/v1/sessions:batch", wrapped), 400)["code"] == "invalid_json"
    assert app_user.stored_state() == before


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/sessions", '{"id": "\\ud800", "start": "x", "end": "y", "timezone": "UTC"}'),
        ("/v1/sessions", '{"id": "ok", "start": "x", "end": "y", "timezone": "Europe/\\udfff"}'),
        ("/v1/sessions", '{"\\ud800": 1}'),
        ("/v1/sessions:batch", '{"sessions": [{"id": "\\ud83d"}]}'),
        ("/v1/friends/requests", '{"user_id": "a\\ud800b"}'),
        ("/v1/me/devices", '{"token": "\\udc00", "platform": "ios"}'),
    ],
)
def test_lone_surrogates_are_400_and_never_echoed(app_user: AppUser, path: str, body: str) -> None:
    before = app_user.stored_state()
    response = raw_post(app_user, path, body.encode())
    error = error_of(response, 400)
    assert error["code"] == "invalid_json"
    assert "\\ud" not in response.text.lower()
    response.content.decode("utf-8")  # the answer itself is valid UTF-8
    assert app_user.stored_state() == before


def test_a_settings_patch_with_a_lone_surrogate_is_400(app_user: AppUser) -> None:
    before = app_user.stored_state()
    response = app_user.call(
        "PATCH",
        "/v1/me/settings",
        data=b'{"display_name": "\\ud800"}',
        headers={"Content-Type": "application/json"},
    )
    assert error_of(response, 400)["code"] == "invalid_json"
    assert app_user.stored_state() == before


@pytest.mark.parametrize("edge", ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00", "yesterday"])
def test_x_now_at_the_edges_of_time_is_400(app_user: AppUser, edge: str) -> None:
    before = app_user.stored_state()
    for method, path, kwargs in (
        ("GET", "/v1/me/streak", {}),
        ("POST", "/v1/sessions", {"json": GOOD}),
        ("GET", "/v1/leaderboard", {}),
    ):
        error = error_of(app_user.call(method, path, now=edge, **kwargs), 400)
        assert error["code"] == "invalid_clock_override"
        assert edge not in json.dumps(error)
    assert app_user.stored_state() == before


@pytest.mark.parametrize("start", ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00"])
def test_session_instants_at_the_edges_of_time_are_422(app_user: AppUser, start: str) -> None:
    before = app_user.stored_state()
    error = error_of(app_user.call("POST", "/v1/sessions", json={**GOOD, "start": start}), 422)
    assert "start" in [d["field"] for d in error["details"]]
    assert app_user.stored_state() == before


# --- paths and methods -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path", ["/v1/me/streak%0A", "/v1/me/streak%00", "/v1/me/%E2%80%8Bstreak", "/robots.txt", "/v2/me/streak"]
)
def test_odd_paths_are_a_json_404(app_user: AppUser, path: str) -> None:
    error_of(app_user.call("GET", path), 404)


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", "/v1/me/streak", "GET, HEAD"),
        ("DELETE", "/v1/sessions", "POST"),
        ("POST", "/v1/me/settings", "GET, HEAD, PATCH"),
        ("OPTIONS", "/v1/leaderboard", "GET, HEAD"),
        ("PROPFIND", "/v1/me/calendar", "GET, HEAD"),
    ],
)
def test_a_method_a_route_lacks_is_a_json_405_with_allow(
    app_user: AppUser, method: str, path: str, allow: str
) -> None:
    response = app_user.call(method, path)
    error_of(response, 405)
    assert response.headers["Allow"] == allow


def test_head_is_get_without_a_body(app_user: AppUser) -> None:
    response = app_user.call("HEAD", "/v1/me/streak")
    assert (response.status_code, response.content) == (200, b"")
    assert response.headers["Content-Type"].startswith("application/json")


# --- time zones ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("zone", ["localtime", "posix/Europe/Paris", "right/UTC", "Factory", "Europe/Paris "])
def test_time_zones_that_are_not_iana_names_are_422(app_user: AppUser, zone: str) -> None:
    before = app_user.stored_state()
    error = error_of(app_user.call("PATCH", "/v1/me/settings", json={"timezone": zone}), 422)
    assert [(d["field"], d["code"]) for d in error["details"]] == [("timezone", "unknown_timezone")]
    error = error_of(app_user.call("POST", "/v1/sessions", json={**GOOD, "timezone": zone}), 422)
    assert [(d["field"], d["code"]) for d in error["details"]] == [("timezone", "unknown_timezone")]
    assert app_user.stored_state() == before


# --- settings: what the document says is what is accepted ------------------------------------------------
def test_null_clears_the_nullable_settings(app_user: AppUser) -> None:
    patch = {
        "timezone": "Europe/Paris",
        "display_name": "Ada",
        "notifications": {"quiet_hours": {"start": "22:00", "end": "07:00"}},
    }
    assert app_user.call("PATCH", "/v1/me/settings", json=patch).status_code == 200
    cleared = app_user.call(
        "PATCH",
        "/v1/me/settings",
        json={"timezone": None, "display_name": None, "notifications": {"quiet_hours": None}},
    )
    assert cleared.status_code == 200
    body = cleared.json()
    assert (body["timezone"], body["display_name"], body["notifications"]["quiet_hours"]) == (
        None,
        None,
        None,
    )


@pytest.mark.parametrize(
    "patch",
    [
        {"leaderboard_visibility": None},
        {"locale": None},
        {"notifications": None},
        {"notifications": {"push": None}},
        {"notifications": {"kinds": {"no_such_kind": False}}},
        {"notifications": {"reminder_hour": True}},
    ],
)
def test_null_where_the_document_says_not_nullable_is_422(app_user: AppUser, patch: dict[str, Any]) -> None:
    before = app_user.stored_state()
    error_of(app_user.call("PATCH", "/v1/me/settings", json=patch), 422)
    assert app_user.stored_state() == before


def test_every_kind_can_be_switched_off_including_freeze_earned(app_user: AppUser) -> None:
    response = app_user.call(
        "PATCH", "/v1/me/settings", json={"notifications": {"kinds": {"freeze_earned": False}}}
    )
    assert response.status_code == 200
    kinds = response.json()["notifications"]["kinds"]
    assert kinds["freeze_earned"] is False
    assert set(kinds) == {
        "milestone",
        "streak_broken",
        "freeze_applied",
        "freeze_earned",
        "weekly_bonus",
        "streak_restored",
        "streak_recovered",
        "badge_earned",
        "challenge_completed",
        "reminder",
        "league_finished",
        "friend_streak_invited",
        "friend_streak_extended",
        "friend_streak_broken",
        "friend_streak_nudge",
        "reactivation",
    }


# --- privacy ---------------------------------------------------------------------------------------------
def test_a_hidden_users_name_is_not_in_the_outgoing_requests_of_whoever_asked(
    app_user: AppUser, auth_emulator: AuthEmulator
) -> None:
    uid, token = auth_emulator.sign_up()
    shy = AppUser(app_user.api_url, uid, token, app_user.firestore)
    patch = {"leaderboard_visibility": "hidden", "display_name": "Secret Name"}
    assert shy.call("PATCH", "/v1/me/settings", json=patch).status_code == 200
    assert app_user.call("POST", "/v1/friends/requests", json={"user_id": shy.uid}).status_code == 201
    outgoing = app_user.call("GET", "/v1/friends").json()["requests"]["outgoing"]
    assert [(r["user_id"], r["display_name"]) for r in outgoing] == [(shy.uid, None)]
    assert "Secret Name" not in app_user.call("GET", "/v1/friends").text


# --- the platform's own callers --------------------------------------------------------------------------
@pytest.mark.parametrize("entry_id", ["..", "__x__", "a/b", ""])
def test_a_dispatch_task_for_an_id_no_entry_can_have_is_rejected_not_retried(
    stack: Any, entry_id: str
) -> None:
    response = requests.post(
        f"http://{stack.hosts['notify']}/dispatch", json={"entry_id": entry_id}, timeout=10
    )
    assert response.status_code == 200  # acknowledged: the queue must not retry what can never succeed
    assert response.json()["outcome"] == "rejected"


def test_a_retry_task_for_a_uid_no_user_can_have_is_rejected_not_retried(stack: Any) -> None:
    task = {"uid": "__x__", "run_id": "r", "now": NOW}
    response = requests.post(f"http://{stack.hosts['retry']}/", json=task, timeout=10)
    assert (response.status_code, response.json()["outcome"]) == (200, "rejected")
