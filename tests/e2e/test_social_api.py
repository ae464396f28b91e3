"""Leaderboard and friends routes over HTTP: status codes, errors, ETag and 304, privacy through the API."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import AuthEmulator
from tests.e2e.conftest import AppUser

pytestmark = pytest.mark.e2e
NOW = "2026-11-21T12:00:00Z"


@pytest.fixture
def make_user(api_url: str, auth_emulator: AuthEmulator, firestore_client: Any) -> Any:
    def make(visibility: str = "public", name: str = "user") -> AppUser:
        uid, token = auth_emulator.sign_up()
        user = AppUser(api_url, uid, token, firestore_client)
        patch = {"leaderboard_visibility": visibility, "display_name": name, "timezone": "UTC"}
        assert user.call("PATCH", "/v1/me/settings", json=patch).status_code == 200
        return user

    return make


def test_the_leaderboard_has_the_contract_shape_and_a_live_me(make_user: Any) -> None:
    ada = make_user(name="Ada")
    ada.focus_days(range(1, 21))  # 20 days: ahead of everyone else in this run
    # An instant of its own: a first page another test asked for at NOW may sit in the snapshot cache.
    later = "2026-11-21T13:07:00Z"
    response = ada.call("GET", "/v1/leaderboard", params={"period": "month", "limit": "5"}, now=later)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"entries", "next_cursor", "me"}
    top = body["entries"][0]
    assert set(top) == {"rank", "user_id", "display_name", "score", "current_streak", "longest_streak"}
    assert (top["user_id"], top["display_name"], top["score"], top["current_streak"]) == (
        ada.uid,
        "Ada",
        20,
        20,
    )
    assert body["me"] == {"rank": 1, "score": 20}
    assert "private" in response.headers["Cache-Control"]


def test_an_unchanged_board_answers_304_to_its_etag(make_user: Any) -> None:
    ada = make_user()
    ada.focus_days(range(18, 21))
    first = ada.call("GET", "/v1/leaderboard", params={"scope": "friends"})
    etag = first.headers["ETag"]
    again = ada.call("GET", "/v1/leaderboard", params={"scope": "friends"}, headers={"If-None-Match": etag})
    assert (again.status_code, again.text, again.headers["ETag"]) == (304, "", etag)
    ada.focus_days(range(21, 22))
    changed = ada.call("GET", "/v1/leaderboard", params={"scope": "friends"}, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.json()["me"]["score"] == 4


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"period": "year"}, "period"),
        ({"scope": "planet"}, "scope"),
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"cursor": "not-a-cursor"}, "cursor"),
    ],
)
def test_bad_leaderboard_parameters_are_422_naming_the_field(
    make_user: Any, params: dict[str, str], field: str
) -> None:
    response = make_user().call("GET", "/v1/leaderboard", params=params)
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == [field]


def test_friend_requests_through_the_api(make_user: Any) -> None:
    ada, bob = make_user(name="Ada"), make_user(visibility="friends", name="Bob")
    bob.focus_days(range(19, 21))
    asked = ada.call("POST", "/v1/friends/requests", json={"user_id": bob.uid})
    assert (asked.status_code, asked.json()) == (201, {"user_id": bob.uid, "status": "pending"})
    assert ada.call("POST", "/v1/friends/requests", json={"user_id": bob.uid}).status_code == 200
    incoming = bob.call("GET", "/v1/friends").json()["requests"]["incoming"]
    assert [(r["user_id"], r["display_name"]) for r in incoming] == [(ada.uid, "Ada")]

    accepted = bob.call("POST", f"/v1/friends/requests/{ada.uid}:accept")
    assert (accepted.status_code, accepted.json()["status"]) == (200, "friends")
    [friend] = ada.call("GET", "/v1/friends").json()["friends"]
    assert (friend["user_id"], friend["display_name"], friend["current_streak"]) == (bob.uid, "Bob", 2)
    board = ada.call("GET", "/v1/leaderboard", params={"scope": "friends"}).json()
    assert bob.uid in [e["user_id"] for e in board["entries"]]

    assert ada.call("DELETE", f"/v1/friends/{bob.uid}").status_code == 204
    assert ada.call("DELETE", f"/v1/friends/{bob.uid}").status_code == 204
    assert bob.call("GET", "/v1/friends").json()["friends"] == []


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"user_id": "SELF"}, 422, "cannot_befriend_self"),
        ({"user_id": "no-such-user"}, 404, "user_not_found"),
        ({"user_id": ""}, 422, "validation_failed"),
        ({}, 422, "validation_failed"),
    ],
)
def test_bad_friend_requests_are_clear_errors(
    make_user: Any, body: dict[str, str], status: int, code: str
) -> None:
    ada = make_user()
    if body.get("user_id") == "SELF":
        body = {"user_id": ada.uid}
    response = ada.call("POST", "/v1/friends/requests", json=body)
    assert (response.status_code, response.json()["error"]["code"]) == (status, code)


def test_accepting_a_request_nobody_sent_is_404(make_user: Any) -> None:
    ada, bob = make_user(), make_user()
    response = ada.call("POST", f"/v1/friends/requests/{bob.uid}:accept")
    assert (response.status_code, response.json()["error"]["code"]) == (404, "request_not_found")
