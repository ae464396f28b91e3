"""The session API as the app uses it: real HTTP, real tokens, real Firestore emulator."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from openapi_spec_validator import validate

from tests.e2e.conftest import AppUser

pytestmark = pytest.mark.e2e
PARIS = "Europe/Paris"


def session_body(
    sid: str, start: str = "2026-11-21T09:00:00+01:00", end: str = "2026-11-21T10:00:00+01:00"
) -> dict[str, str]:
    return {"id": sid, "start": start, "end": end, "timezone": PARIS}


def qualify(user: AppUser, day: str, sid: str | None = None) -> None:
    """40 minutes: the day qualifies, but is not strong enough to recover a break the day before."""
    response = user.post_session(f"{day}T09:00:00+01:00", f"{day}T09:40:00+01:00", PARIS, sid or f"q-{day}")
    assert response.status_code == 201, response.text


# --- the happy path and the day rules ------------------------------------------------------------------
def test_a_posted_session_shows_in_streak_and_calendar(app_user: AppUser) -> None:
    created = app_user.call("POST", "/v1/sessions", json={**session_body("s1"), "user_id": app_user.uid})
    assert created.status_code == 201
    body = created.json()
    assert body["duplicate"] is False
    assert body["session"]["id"] == "s1"
    assert body["days"] == [
        {
            "date": "2026-11-21",
            "seconds": 3600,
            "qualified": True,
            "frozen": False,
            "recovered": False,
            "paused": False,
            "excused": False,
        }
    ]
    assert body["streak"]["current_streak"] == 1

    streak = app_user.call("GET", "/v1/me/streak").json()
    assert streak["current_streak"] == 1
    assert streak["timezone"] == PARIS
    assert streak["today"] == {
        "date": "2026-11-21",
        "seconds": 3600,
        "qualified": True,
        "seconds_to_qualify": 0,
        "ends_at": "2026-11-22T00:00:00+01:00",  # the next local midnight: no day start set
    }
    assert (streak["xp"], streak["level"]) == (10, 1)

    calendar = app_user.call("GET", "/v1/me/calendar?from=2026-11-20&to=2026-11-22").json()["days"]
    assert [(d["date"], d["seconds"], d["qualified"]) for d in calendar] == [
        ("2026-11-20", 0, False),
        ("2026-11-21", 3600, True),
        ("2026-11-22", 0, False),
    ]


def test_default_calendar_is_the_last_35_local_days(app_user: AppUser) -> None:
    qualify(app_user, "2026-11-21")
    days = app_user.call("GET", "/v1/me/calendar").json()["days"]
    assert (len(days), days[0]["date"], days[-1]["date"]) == (35, "2026-10-18", "2026-11-21")


def test_a_session_across_midnight_touches_two_days(app_user: AppUser) -> None:
    response = app_user.post_session(
        "2026-11-19T23:30:00+01:00", "2026-11-20T00:45:00+01:00", PARIS, "midnight"
    )
    assert response.status_code == 201
    assert [(d["date"], d["seconds"]) for d in response.json()["days"]] == [
        ("2026-11-19", 1800),
        ("2026-11-20", 2700),
    ]
    explained = app_user.call("GET", "/v1/me/days/2026-11-20").json()
    assert explained["sessions"] == [
        {
            "id": "midnight",
            "start": "2026-11-19T23:30:00+01:00",
            "end": "2026-11-20T00:45:00+01:00",
            "timezone": PARIS,
            "seconds_in_day": 2700,
        }
    ]
    assert explained["intervals"] == [["2026-11-20T00:00:00+01:00", "2026-11-20T00:45:00+01:00"]]
    assert explained["threshold_seconds"] == 1800


def test_a_dst_day_counts_real_elapsed_time(app_user: AppUser) -> None:
    response = app_user.post_session(
        "2026-03-08T01:00:00-05:00",
        "2026-03-08T04:00:00-04:00",
        "America/New_York",
        "dst",
        now="2026-03-08T20:00:00Z",
    )
    assert response.status_code == 201
    assert response.json()["days"][0]["seconds"] == 2 * 3600


def test_late_data_joins_two_runs(app_user: AppUser) -> None:
    for day in ("2026-11-15", "2026-11-16", "2026-11-17", "2026-11-19", "2026-11-20", "2026-11-21"):
        qualify(app_user, day)
    before = app_user.call("GET", "/v1/me/streak").json()
    assert (before["current_streak"], before["longest_streak"]) == (3, 3)
    qualify(app_user, "2026-11-18", "late")
    after = app_user.call("GET", "/v1/me/streak").json()
    assert (after["current_streak"], after["longest_streak"], after["qualified_days"]) == (7, 7, 7)


# --- idempotency -----------------------------------------------------------------------------------------
def test_an_exact_duplicate_is_200_and_writes_nothing(app_user: AppUser) -> None:
    assert app_user.call("POST", "/v1/sessions", json=session_body("dup")).status_code == 201
    stored = app_user.stored_state()
    again = app_user.call("POST", "/v1/sessions", json=session_body("dup"))
    assert again.status_code == 200
    assert again.json()["duplicate"] is True
    assert again.json()["streak"]["qualified_days"] == 1
    assert app_user.stored_state() == stored


def test_a_reused_id_with_another_body_is_409_and_writes_nothing(app_user: AppUser) -> None:
    assert app_user.call("POST", "/v1/sessions", json=session_body("reused")).status_code == 201
    stored = app_user.stored_state()
    conflict = app_user.call(
        "POST", "/v1/sessions", json=session_body("reused", end="2026-11-21T11:00:00+01:00")
    )
    assert conflict.status_code == 409
    assert conflict.json()["error"]["code"] == "session_conflict"
    assert app_user.stored_state() == stored


def test_a_batch_reports_each_item_and_one_bad_item_rejects_nothing_else(app_user: AppUser) -> None:
    assert app_user.call("POST", "/v1/sessions", json=session_body("old")).status_code == 201
    batch = {
        "sessions": [
            session_body("fresh", "2026-11-20T09:00:00+01:00", "2026-11-20T10:00:00+01:00"),
            session_body("old"),
            session_body("old", end="2026-11-21T09:30:00+01:00"),
            session_body("bad id!"),
            {**session_body("someone-else"), "user_id": "not-me"},
            {"id": "typed", "start": 5, "end": "x", "timezone": PARIS},
            session_body("fresh", "2026-11-20T09:00:00+01:00", "2026-11-20T10:00:00+01:00"),
        ]
    }
    response = app_user.call("POST", "/v1/sessions:batch", json=batch)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [(r["id"], r["status"]) for r in results] == [
        ("fresh", 201),
        ("old", 200),
        ("old", 409),
        ("bad id!", 422),
        ("someone-else", 403),
        ("typed", 422),
        ("fresh", 200),
    ]
    assert results[3]["error"]["details"][0]["field"] == "id"
    assert response.json()["streak"]["qualified_days"] == 2
    assert set(app_user.stored_state()["sessions"]) == {"old", "fresh"}


# --- every error row ---------------------------------------------------------------------------------------
def b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def tampered(token: str, **changes: Any) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return ".".join([header, b64({**claims, **changes}), signature])


def forged_rs256(token: str) -> str:
    claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "forged"})


@pytest.mark.parametrize(
    ("make_token", "expected_code"),
    [
        (lambda t: "", "unauthenticated"),
        (lambda t: "not-a-jwt", "invalid_token"),
        (lambda t: tampered(t, sub="nobody-like-this", user_id="nobody-like-this"), "invalid_token"),
        (lambda t: tampered(t, exp=int(time.time()) - 60), "invalid_token"),
        (lambda t: tampered(t, aud="another-project"), "invalid_token"),
        (forged_rs256, "invalid_token"),
    ],
    ids=["no-token", "malformed", "tampered-subject", "expired", "other-project", "forged-signature"],
)
def test_bad_tokens_get_401_and_change_nothing(
    app_user: AppUser, make_token: Any, expected_code: str
) -> None:
    stored = app_user.stored_state()
    response = app_user.call("POST", "/v1/sessions", json=session_body("x"), token=make_token(app_user.token))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == expected_code
    assert app_user.call("GET", "/v1/me/streak", token=make_token(app_user.token)).status_code == 401
    assert app_user.stored_state() == stored


def test_someone_elses_user_id_is_403(app_user: AppUser) -> None:
    stored = app_user.stored_state()
    response = app_user.call("POST", "/v1/sessions", json={**session_body("x"), "user_id": "someone-else"})
    assert response.status_code == 403
    assert app_user.stored_state() == stored


@pytest.mark.parametrize(
    ("data", "code"),
    [(b"{not json", "invalid_json"), (b"[1, 2]", "not_an_object"), (b'"text"', "not_an_object")],
)
def test_a_body_that_is_not_a_json_object_is_400(app_user: AppUser, data: bytes, code: str) -> None:
    stored = app_user.stored_state()
    response = app_user.call("POST", "/v1/sessions", data=data, headers={"Content-Type": "application/json"})
    assert (response.status_code, response.json()["error"]["code"]) == (400, code)
    assert app_user.stored_state() == stored


def test_a_body_over_64_kib_is_413(app_user: AppUser) -> None:
    stored = app_user.stored_state()
    huge = {**session_body("big"), "padding": "x" * (64 * 1024)}
    response = app_user.call("POST", "/v1/sessions", json=huge)
    assert response.status_code == 413
    assert app_user.stored_state() == stored


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"id": "has spaces"}, "id", "invalid_id"),
        ({"id": "x" * 129}, "id", "invalid_id"),
        ({"start": "2026-11-21T09:00:00"}, "start", "invalid_instant"),
        ({"timezone": "Mars/Base"}, "timezone", "unknown_timezone"),
        ({"end": "2026-11-21T08:00:00+01:00"}, "end", "end_not_after_start"),
        ({"start": "2026-11-19T09:00:00+01:00"}, "end", "too_long"),
        ({"start": "2026-11-21T12:00:00Z", "end": "2026-11-21T12:10:00Z"}, "end", "in_future"),
        ({"start": "2026-10-01T09:00:00Z", "end": "2026-10-01T10:00:00Z"}, "start", "too_old"),
        ({"start": 1234}, "start", "string_type"),
        ({"extra": True}, "extra", "extra_forbidden"),
    ],
)
def test_each_validation_rule_is_422_with_field_details(
    app_user: AppUser, changes: dict[str, Any], field: str, code: str
) -> None:
    stored = app_user.stored_state()
    response = app_user.call(
        "POST", "/v1/sessions", json={**session_body("v"), **changes}, now="2026-11-21T11:00:00Z"
    )
    assert response.status_code == 422
    details = response.json()["error"]["details"]
    assert {"field": field, "code": code} in [{"field": d["field"], "code": d["code"]} for d in details]
    assert all(d["message"] for d in details)
    assert app_user.stored_state() == stored


def test_unknown_route_is_404_and_errors_have_the_documented_shape(app_user: AppUser) -> None:
    response = app_user.call("GET", "/v1/nothing-here")
    assert response.status_code == 404
    assert set(response.json()["error"]) >= {"code", "message"}
    assert "Traceback" not in response.text


def test_bad_calendar_range_is_422(app_user: AppUser) -> None:
    too_long = app_user.call("GET", "/v1/me/calendar?from=2025-01-01&to=2026-11-21")
    backwards = app_user.call("GET", "/v1/me/calendar?from=2026-11-21&to=2026-11-01")
    not_a_date = app_user.call("GET", "/v1/me/calendar?from=2026-02-30")
    assert [r.status_code for r in (too_long, backwards, not_a_date)] == [422, 422, 422]
    assert not_a_date.json()["error"]["details"][0]["field"] == "from"


# --- settings, correlation ids, the OpenAPI document ---------------------------------------
def test_settings_are_patched_and_the_timezone_decides_today(app_user: AppUser) -> None:
    defaults = app_user.call("GET", "/v1/me/settings").json()
    assert defaults["leaderboard_visibility"] == "friends"
    bad = app_user.call(
        "PATCH", "/v1/me/settings", json={"leaderboard_visibility": "everyone", "timezone": "Nowhere/X"}
    )
    assert bad.status_code == 422
    assert {d["field"] for d in bad.json()["error"]["details"]} == {"leaderboard_visibility", "timezone"}
    assert app_user.call("GET", "/v1/me/settings").json() == defaults
    patched = app_user.call(
        "PATCH", "/v1/me/settings", json={"timezone": "Pacific/Kiritimati", "notifications": {"email": False}}
    )
    assert patched.status_code == 200
    assert patched.json()["notifications"]["email"] is False
    streak = app_user.call("GET", "/v1/me/streak", now="2026-11-21T12:00:00Z").json()
    assert (streak["timezone"], streak["today"]["date"]) == ("Pacific/Kiritimati", "2026-11-22")


def test_correlation_id_is_echoed_or_generated(app_user: AppUser) -> None:
    echoed = app_user.call("GET", "/v1/me/streak", headers={"X-Correlation-ID": "trace-123"})
    assert echoed.headers["X-Correlation-ID"] == "trace-123"
    generated = app_user.call("GET", "/v1/me/streak")
    assert len(generated.headers["X-Correlation-ID"]) >= 16


def test_openapi_document_is_valid_and_lists_every_route(api_url: str) -> None:
    document = requests.get(f"{api_url}/v1/openapi.json", timeout=10).json()
    validate(document)
    operations = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
    assert operations == {
        ("POST", "/v1/sessions"),
        ("POST", "/v1/sessions:batch"),
        ("GET", "/v1/jobs/{id}"),
        ("GET", "/v1/me/streak"),
        ("GET", "/v1/me/calendar"),
        ("GET", "/v1/me/days/{date}"),
        ("GET", "/v1/me/notifications"),
        ("POST", "/v1/me/devices"),
        ("DELETE", "/v1/me/devices/{token}"),
        ("GET", "/v1/me/settings"),
        ("PATCH", "/v1/me/settings"),
        ("POST", "/v1/me/pauses"),
        ("GET", "/v1/me/pauses"),
        ("GET", "/v1/me/badges"),
        ("GET", "/v1/unsubscribe"),
        ("GET", "/v1/me/sessions"),
        ("DELETE", "/v1/me/sessions/{id}"),
        ("GET", "/v1/me/export"),
        ("DELETE", "/v1/me"),
        ("POST", "/v1/admin/users/{uid}/sessions:import"),
        ("POST", "/v1/unsubscribe"),
        ("GET", "/v1/me/insights"),
        ("GET", "/v1/me/heatmap.svg"),
        ("GET", "/v1/me/heatmap.png"),
        ("GET", "/v1/me/share-card"),
        ("POST", "/v1/shares"),
        ("GET", "/v1/shares"),
        ("DELETE", "/v1/shares/{id}"),
        ("GET", "/s/{id}.png"),
        ("GET", "/s/{id}"),
        ("POST", "/v1/challenges"),
        ("GET", "/v1/challenges"),
        ("GET", "/v1/challenges/{id}"),
        ("POST", "/v1/challenges/{id}:join"),
        ("POST", "/v1/challenges/{id}:leave"),
        ("DELETE", "/v1/me/pauses/{id}"),
        ("GET", "/v1/admin/maintenance-runs/{run_id}"),
        ("POST", "/v1/admin/users/{uid}:rebuild"),
        ("POST", "/v1/admin/users/{uid}/freezes"),
        ("POST", "/v1/admin/outages"),
        ("POST", "/v1/admin/dead-letters:replay"),
        ("GET", "/v1/leaderboard"),
        ("POST", "/v1/friend-streaks"),
        ("POST", "/v1/friend-streaks/{id}:accept"),
        ("DELETE", "/v1/friend-streaks/{id}"),
        ("POST", "/v1/friend-streaks/{id}:nudge"),
        ("GET", "/v1/me/friend-streaks"),
        ("GET", "/v1/me/wrapped"),
        ("GET", "/v1/me/wrapped/card"),
        ("GET", "/v1/admin/analytics"),
        ("GET", "/v1/admin/analytics/reactivation"),
        ("POST", "/v1/friends/requests"),
        ("POST", "/v1/friends/requests/{uid}:accept"),
        ("GET", "/v1/friends"),
        ("DELETE", "/v1/friends/{uid}"),
        ("POST", "/v1/admin/webhooks"),
        ("GET", "/v1/admin/webhooks"),
        ("GET", "/v1/admin/webhooks/{id}"),
        ("PATCH", "/v1/admin/webhooks/{id}"),
        ("DELETE", "/v1/admin/webhooks/{id}"),
        ("GET", "/v1/admin/webhooks/{id}/deliveries"),
        ("POST", "/v1/admin/webhooks/{id}/deliveries/{delivery_id}:retry"),
        ("POST", "/v1/admin/webhooks/{id}:rotate-secret"),
        ("GET", "/v1/me/league"),
        ("POST", "/v1/me/league:join"),
        ("GET", "/v1/me/league/history"),
        ("GET", "/v1/openapi.json"),
    }
    assert "409" in document["paths"]["/v1/sessions"]["post"]["responses"]


def test_maintenance_runs_need_the_admin_claim(app_user: AppUser, auth_emulator: Any) -> None:
    assert app_user.call("GET", "/v1/admin/maintenance-runs/none").status_code == 403
    email = f"ops-{app_user.uid.lower()}@example.com"
    uid, _ = auth_emulator.sign_up_with(email)
    admin = auth_emulator.token_with_claims(uid, email, {"admin": True})
    missing = app_user.call("GET", "/v1/admin/maintenance-runs/none", token=admin)
    assert missing.status_code == 404


def test_a_seven_day_streak_lists_its_milestone_notification(app_user: AppUser) -> None:
    batch = {
        "sessions": [
            session_body(f"w{d}", f"2026-11-{d}T09:00:00+01:00", f"2026-11-{d}T10:00:00+01:00")
            for d in range(15, 22)
        ]
    }
    assert app_user.call("POST", "/v1/sessions:batch", json=batch).status_code == 200
    page = app_user.call("GET", "/v1/me/notifications").json()
    assert page["next_cursor"] is None
    assert [(n["kind"], n["data"], n["channels"]) for n in page["notifications"]] == [
        ("milestone", {"days": 7}, {"push": "pending", "email": "pending"}),
        (
            "badge_earned",
            {
                "badge": "streak-7",
                "name": "7-day streak",
                "description": "Keep a streak of 7 days.",
                "push_held": 1,
            },
            {"push": "pending", "email": "pending"},
        ),
    ]


def test_devices_and_notification_settings_are_stored(app_user: AppUser) -> None:
    token = "dQw4w9WgXcQ:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx"
    assert (
        app_user.call("POST", "/v1/me/devices", json={"token": token, "platform": "ios"}).status_code == 201
    )
    devices = list(
        app_user.firestore.collection("users").document(app_user.uid).collection("devices").stream()
    )
    assert [(d.get("token"), d.get("platform")) for d in devices] == [(token, "ios")]
    assert app_user.call("DELETE", f"/v1/me/devices/{token}").status_code == 204
    assert not list(
        app_user.firestore.collection("users").document(app_user.uid).collection("devices").stream()
    )
    patch = {"locale": "fr", "notifications": {"quiet_hours": {"start": "22:30", "end": "06:45"}}}
    assert app_user.call("PATCH", "/v1/me/settings", json=patch).status_code == 200
    stored = app_user.call("GET", "/v1/me/settings").json()
    assert (stored["locale"], stored["notifications"]["quiet_hours"]) == (
        "fr",
        {"start": "22:30", "end": "06:45"},
    )
