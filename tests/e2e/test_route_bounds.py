"""Every route's work is bounded by its own input limits (docs/reference/bounds.md): each route gets
its largest and most extreme allowed inputs (answered in time) and, where an input can grow, a just-too-large
one (a 4xx).

The table below names every route of the `api` function; a route added without a row here fails the first
test, so a new route's bound is decided when it is written."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from functions.api.table import API
from streak_core.domain.vocabulary import EventType
from streak_core.domain.webhooks import MAX_DESCRIPTION, MAX_ENDPOINTS, MAX_URL_CHARS
from tests.conftest import AuthEmulator
from tests.e2e.conftest import NOW, AppUser, admin_token, delete_webhooks

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
# The same limit the API fuzzer holds every answer to (tests/e2e/test_api_fuzz.py).
MAX_SECONDS = 5.0
NOW_AT = datetime.fromisoformat(NOW)
LONGEST_ID = "x" * 1500  # the longest id a document can have
TOO_LONG_ID = "x" * 1501


def session(sid: str, start: datetime, hours: float = 24, tz: str = "UTC") -> dict[str, str]:
    end = start + timedelta(hours=hours)
    return {"id": sid, "start": start.isoformat(), "end": end.isoformat(), "timezone": tz}


OLDEST_START = NOW_AT - timedelta(days=30)  # the late-data limit
# A window of 92 days (the longest) at the far end of the supported dates, with the most minutes it holds.
LONGEST_CHALLENGE = {
    "title": "t" * 80,
    "kind": "focus_minutes",
    "target": 92 * 24 * 60,
    "starts_on": "8999-10-01",
    "ends_on": "8999-12-31",
    "reward_xp": 0,
}


HOOKS = "/v1/admin/webhooks"
EVENT_NAMES = ["*", *(t.value for t in EventType)]
NINETY_TWO = {"from": "2026-08-22", "to": "2026-11-21"}  # the most days the analytics answer
NINETY_THREE = {"from": "2026-08-21", "to": "2026-11-21"}


def hook_body(url_chars: int) -> dict[str, Any]:
    """An endpoint whose URL has this many characters (loopback http: the local stack allows it; port 9
    discards, so nothing is delivered to it)."""
    base = "http://127.0.0.1:9/"
    return {"url": base + "x" * (url_chars - len(base)), "events": EVENT_NAMES}


@dataclass(frozen=True)
class Probe:
    """One request to a route and the status it must get (a too-large one: also the error code)."""

    label: str
    method: str
    path: str
    status: int
    code: str | None = None
    json: Any = None
    params: dict[str, Any] = field(default_factory=dict)
    data: bytes | None = None
    admin: bool = False
    now: str = NOW
    token: bool = True

    def send(self, user: AppUser, admin: str) -> Any:
        kwargs: dict[str, Any] = {"params": self.params}
        if self.json is not None:
            kwargs["json"] = self.json
        if self.data is not None:
            kwargs["data"], kwargs["headers"] = self.data, {"Content-Type": "application/json"}
        token = (admin if self.admin else None) if self.token else ""
        return user.call(self.method, self.path.format(uid=user.uid), now=self.now, token=token, **kwargs)


def probes(route: str, *found: Probe) -> tuple[str, tuple[Probe, ...]]:
    return route, found


# route -> its probes: the largest allowed inputs first, then the just-too-large ones (4xx).
BOUNDS: dict[str, tuple[Probe, ...]] = dict(
    [
        probes(
            "POST /v1/sessions",
            Probe("24 h, as late as allowed", "POST", "/v1/sessions", 201, json=session("s", OLDEST_START)),
            Probe(
                "24 h + 1 s",
                "POST",
                "/v1/sessions",
                422,
                "validation_failed",
                json=session("s", NOW_AT - timedelta(days=2), 24 + 1 / 3600),
            ),
            Probe(
                "1 s too late",
                "POST",
                "/v1/sessions",
                422,
                "validation_failed",
                json=session("s", OLDEST_START - timedelta(seconds=1)),
            ),
        ),
        probes(
            "POST /v1/sessions:batch",
            Probe(
                "100 sessions of 24 h",
                "POST",
                "/v1/sessions:batch",
                200,
                json={
                    "sessions": [session(f"s{n}", OLDEST_START + timedelta(hours=6 * n)) for n in range(100)]
                },
            ),
            Probe(
                "101 sessions",
                "POST",
                "/v1/sessions:batch",
                422,
                "validation_failed",
                json={"sessions": [session(f"s{n}", NOW_AT - timedelta(days=1)) for n in range(101)]},
            ),
            Probe(
                "64 KiB + 1",
                "POST",
                "/v1/sessions:batch",
                413,
                "body_too_large",
                data=b'{"sessions": ["' + b"x" * (64 * 1024) + b'"]}',
            ),
        ),
        probes(
            "GET /v1/jobs/{id}",
            Probe("the longest id", "GET", f"/v1/jobs/{LONGEST_ID}", 404, "job_not_found"),
            Probe("an id too long", "GET", f"/v1/jobs/{TOO_LONG_ID}", 404, "job_not_found"),
        ),
        probes("GET /v1/me/streak", Probe("no input", "GET", "/v1/me/streak", 200)),
        probes(
            "GET /v1/me/calendar",
            Probe(
                "366 days at the end of the dates",
                "GET",
                "/v1/me/calendar",
                200,
                params={"from": "8999-01-01", "to": "8999-12-31"},
            ),
            Probe(
                "367 days",
                "GET",
                "/v1/me/calendar",
                422,
                "validation_failed",
                params={"from": "2025-01-01", "to": "2026-01-02"},
            ),
        ),
        probes(
            "GET /v1/me/days/{date}",
            Probe("the last date", "GET", "/v1/me/days/8999-12-31", 200),
            Probe("past the last date", "GET", "/v1/me/days/9000-01-01", 422, "validation_failed"),
        ),
        probes(
            "GET /v1/me/notifications",
            Probe("100 a page", "GET", "/v1/me/notifications", 200, params={"limit": 100}),
            Probe("101 a page", "GET", "/v1/me/notifications", 422, params={"limit": 101}),
            Probe(
                "a cursor too long",
                "GET",
                "/v1/me/notifications",
                422,
                "invalid_cursor",
                params={"cursor": "c" * 1025},
            ),
        ),
        probes(
            "POST /v1/me/devices",
            Probe(
                "the longest token",
                "POST",
                "/v1/me/devices",
                201,
                json={"token": "t" * 4096, "platform": "ios"},
            ),
            Probe(
                "a token too long",
                "POST",
                "/v1/me/devices",
                422,
                json={"token": "t" * 4097, "platform": "ios"},
            ),
        ),
        probes(
            "DELETE /v1/me/devices/{token}",
            Probe("the longest path id", "DELETE", f"/v1/me/devices/{'t' * 4096}", 204),
        ),
        probes("GET /v1/me/settings", Probe("no input", "GET", "/v1/me/settings", 200)),
        probes(
            "PATCH /v1/me/settings",
            Probe(
                "every field at its longest",
                "PATCH",
                "/v1/me/settings",
                200,
                json={
                    "timezone": "America/Argentina/Buenos_Aires",
                    "display_name": "n" * 50,
                    "leaderboard_visibility": "public",
                    "notifications": {
                        "push": True,
                        "email": True,
                        "kinds": {"milestone": False, "reminder": False, "badge_earned": True},
                        "quiet_hours": {"start": "22:00", "end": "07:00"},
                        "reminder_hour": 23,
                    },
                },
            ),
            Probe("a name too long", "PATCH", "/v1/me/settings", 422, json={"display_name": "n" * 51}),
        ),
        probes(
            "POST /v1/me/pauses",
            Probe(
                "14 days, as far ahead as allowed",
                "POST",
                "/v1/me/pauses",
                201,
                json={"from": "2027-11-22", "to": "2027-12-05"},
            ),
            Probe("15 days", "POST", "/v1/me/pauses", 422, json={"from": "2026-12-01", "to": "2026-12-15"}),
            Probe(
                "one day too far ahead",
                "POST",
                "/v1/me/pauses",
                422,
                json={"from": "2027-11-23", "to": "2027-11-23"},
            ),
            Probe("centuries", "POST", "/v1/me/pauses", 422, json={"from": "2027-01-01", "to": "8999-12-31"}),
        ),
        probes("GET /v1/me/badges", Probe("no input", "GET", "/v1/me/badges", 200)),
        probes(
            "GET /v1/me/insights",
            Probe("52 weeks", "GET", "/v1/me/insights", 200, params={"weeks": 52}),
            Probe("53 weeks", "GET", "/v1/me/insights", 422, params={"weeks": 53}),
        ),
        probes(
            "GET /v1/me/heatmap.svg",
            Probe("53 weeks", "GET", "/v1/me/heatmap.svg", 200, params={"weeks": 53}),
            Probe("54 weeks", "GET", "/v1/me/heatmap.svg", 422, params={"weeks": 54}),
        ),
        probes(
            "GET /v1/me/heatmap.png",
            Probe("53 weeks", "GET", "/v1/me/heatmap.png", 200, params={"weeks": 53}),
            Probe("54 weeks", "GET", "/v1/me/heatmap.png", 422, params={"weeks": 54}),
        ),
        probes(
            "GET /v1/me/share-card",
            Probe("the PNG", "GET", "/v1/me/share-card", 200, params={"format": "png"}),
            Probe("no such format", "GET", "/v1/me/share-card", 422, params={"format": "gif"}),
        ),
        probes(
            "POST /v1/shares",
            Probe(
                "everything on the card",
                "POST",
                "/v1/shares",
                201,
                json={"include": ["display_name", "level", "badges", "longest_streak"]},
            ),
            Probe(
                "five fields",
                "POST",
                "/v1/shares",
                422,
                json={"include": ["display_name", "level", "badges", "longest_streak", "level"]},
            ),
        ),
        probes("GET /v1/shares", Probe("no input (the newest 100)", "GET", "/v1/shares", 200)),
        probes(
            "DELETE /v1/shares/{id}",
            Probe("the longest id", "DELETE", f"/v1/shares/{LONGEST_ID}", 404),
            Probe("an id too long", "DELETE", f"/v1/shares/{TOO_LONG_ID}", 404),
        ),
        probes(
            "GET /s/{id}.png",
            Probe("the longest id", "GET", f"/s/{LONGEST_ID}.png", 404, token=False),
            Probe("an id too long", "GET", f"/s/{TOO_LONG_ID}.png", 404, token=False),
        ),
        probes(
            "GET /s/{id}",
            Probe("the longest id", "GET", f"/s/{LONGEST_ID}", 404, token=False),
            Probe("an id too long", "GET", f"/s/{TOO_LONG_ID}", 404, token=False),
        ),
        probes(
            "POST /v1/challenges",
            Probe("92 days at the end of the dates", "POST", "/v1/challenges", 201, json=LONGEST_CHALLENGE),
            Probe(
                "93 days",
                "POST",
                "/v1/challenges",
                422,
                json={**LONGEST_CHALLENGE, "starts_on": "8999-09-30"},
            ),
            Probe(
                "a minute more than the window holds",
                "POST",
                "/v1/challenges",
                422,
                json={**LONGEST_CHALLENGE, "target": 92 * 24 * 60 + 1},
            ),
        ),
        probes(
            "GET /v1/challenges",
            Probe("100 a page", "GET", "/v1/challenges", 200, params={"limit": 100, "status": "active"}),
            Probe("101 a page", "GET", "/v1/challenges", 422, params={"limit": 101}),
            Probe(
                "a cursor too long",
                "GET",
                "/v1/challenges",
                422,
                "invalid_cursor",
                params={"cursor": "c" * 1025},
            ),
        ),
        probes(
            "GET /v1/challenges/{id}",
            Probe("the longest id", "GET", f"/v1/challenges/{LONGEST_ID}", 404),
            Probe("an id too long", "GET", f"/v1/challenges/{TOO_LONG_ID}", 404),
        ),
        probes(
            "POST /v1/challenges/{id}:join",
            Probe("the longest id", "POST", f"/v1/challenges/{LONGEST_ID}:join", 404),
            Probe("an id too long", "POST", f"/v1/challenges/{TOO_LONG_ID}:join", 404),
        ),
        probes(
            "POST /v1/challenges/{id}:leave",
            Probe("the longest id", "POST", f"/v1/challenges/{LONGEST_ID}:leave", 404),
            Probe("an id too long", "POST", f"/v1/challenges/{TOO_LONG_ID}:leave", 404),
        ),
        probes("GET /v1/me/pauses", Probe("no input", "GET", "/v1/me/pauses", 200)),
        probes(
            "DELETE /v1/me/pauses/{id}",
            Probe("the longest id", "DELETE", f"/v1/me/pauses/{LONGEST_ID}", 404),
            Probe("an id too long", "DELETE", f"/v1/me/pauses/{TOO_LONG_ID}", 404),
        ),
        probes(
            "GET /v1/admin/maintenance-runs/{run_id}",
            Probe("the longest id", "GET", f"/v1/admin/maintenance-runs/{LONGEST_ID}", 404, admin=True),
            Probe("an id too long", "GET", f"/v1/admin/maintenance-runs/{TOO_LONG_ID}", 404, admin=True),
        ),
        probes(
            "POST /v1/admin/users/{uid}:rebuild",
            Probe(
                "a user's whole log",
                "POST",
                "/v1/admin/users/{uid}:rebuild",
                200,
                params={"dry_run": "true"},
                admin=True,
            ),
            Probe("an id too long", "POST", f"/v1/admin/users/{'u' * 129}:rebuild", 404, admin=True),
        ),
        probes(
            "POST /v1/admin/users/{uid}/freezes",
            Probe("5 freezes", "POST", "/v1/admin/users/{uid}/freezes", 200, json={"count": 5}, admin=True),
            Probe("6 freezes", "POST", "/v1/admin/users/{uid}/freezes", 422, json={"count": 6}, admin=True),
        ),
        probes(
            "POST /v1/admin/outages",
            Probe(
                "72 h, counted",
                "POST",
                "/v1/admin/outages",
                200,
                json={"start": "2026-11-18T12:00:00Z", "end": NOW, "reason": "r" * 500, "dry_run": True},
                admin=True,
            ),
            Probe(
                "72 h + 1 s",
                "POST",
                "/v1/admin/outages",
                422,
                json={"start": "2026-11-18T11:59:59Z", "end": NOW, "reason": "r", "dry_run": True},
                admin=True,
            ),
        ),
        probes(
            "POST /v1/admin/dead-letters:replay",
            Probe(
                "500 letters", "POST", "/v1/admin/dead-letters:replay", 200, json={"limit": 500}, admin=True
            ),
            Probe(
                "501 letters", "POST", "/v1/admin/dead-letters:replay", 422, json={"limit": 501}, admin=True
            ),
        ),
        probes(
            "GET /v1/leaderboard",
            Probe("100 a page", "GET", "/v1/leaderboard", 200, params={"limit": 100, "scope": "friends"}),
            Probe("101 a page", "GET", "/v1/leaderboard", 422, params={"limit": 101}),
            Probe(
                "a cursor too long",
                "GET",
                "/v1/leaderboard",
                422,
                "invalid_cursor",
                params={"cursor": "c" * 1025},
            ),
        ),
        probes(
            "POST /v1/friends/requests",
            Probe("the longest user id", "POST", "/v1/friends/requests", 404, json={"user_id": "u" * 128}),
            Probe("a user id too long", "POST", "/v1/friends/requests", 422, json={"user_id": "u" * 129}),
        ),
        probes(
            "POST /v1/friends/requests/{uid}:accept",
            Probe("the longest user id", "POST", f"/v1/friends/requests/{'u' * 128}:accept", 404),
            Probe("a user id too long", "POST", f"/v1/friends/requests/{'u' * 129}:accept", 404),
        ),
        probes("GET /v1/friends", Probe("no input (500 of each list at most)", "GET", "/v1/friends", 200)),
        probes(
            "POST /v1/friend-streaks",
            Probe(
                "the longest user id",
                "POST",
                "/v1/friend-streaks",
                422,
                "not_friends",
                json={"user_id": "u" * 128},
            ),
            Probe("a user id too long", "POST", "/v1/friend-streaks", 422, json={"user_id": "u" * 129}),
        ),
        probes(
            "POST /v1/friend-streaks/{id}:accept",
            Probe("the longest id", "POST", f"/v1/friend-streaks/{LONGEST_ID}:accept", 404),
            Probe("an id too long", "POST", f"/v1/friend-streaks/{TOO_LONG_ID}:accept", 404),
        ),
        probes(
            "DELETE /v1/friend-streaks/{id}",
            Probe("the longest id", "DELETE", f"/v1/friend-streaks/{LONGEST_ID}", 404),
            Probe("an id too long", "DELETE", f"/v1/friend-streaks/{TOO_LONG_ID}", 404),
        ),
        probes(
            "POST /v1/friend-streaks/{id}:nudge",
            Probe("the longest id", "POST", f"/v1/friend-streaks/{LONGEST_ID}:nudge", 404),
            Probe("an id too long", "POST", f"/v1/friend-streaks/{TOO_LONG_ID}:nudge", 404),
        ),
        probes(
            "GET /v1/me/friend-streaks", Probe("5 at most (the rule)", "GET", "/v1/me/friend-streaks", 200)
        ),
        probes(
            "GET /v1/me/wrapped",
            Probe("the first year", "GET", "/v1/me/wrapped", 200, params={"year": "2000"}),
            Probe("a year before it", "GET", "/v1/me/wrapped", 422, params={"year": "1999"}),
            Probe("a year not begun", "GET", "/v1/me/wrapped", 422, params={"year": "2027"}),
        ),
        probes(
            "GET /v1/me/wrapped/card",
            Probe("the story size, PNG", "GET", "/v1/me/wrapped/card", 200, params={"size": "story"}),
            Probe("an unknown size", "GET", "/v1/me/wrapped/card", 422, params={"size": "poster"}),
        ),
        probes(
            "GET /v1/admin/analytics",
            Probe("92 days", "GET", "/v1/admin/analytics", 200, params=NINETY_TWO, admin=True),
            Probe("93 days", "GET", "/v1/admin/analytics", 422, params=NINETY_THREE, admin=True),
        ),
        probes(
            "GET /v1/admin/analytics/reactivation",
            Probe("92 days", "GET", "/v1/admin/analytics/reactivation", 200, params=NINETY_TWO, admin=True),
            Probe("93 days", "GET", "/v1/admin/analytics/reactivation", 422, params=NINETY_THREE, admin=True),
        ),
        probes(
            "DELETE /v1/friends/{uid}",
            Probe("the longest user id", "DELETE", f"/v1/friends/{'u' * 128}", 204),
            Probe("a user id too long", "DELETE", f"/v1/friends/{'u' * 129}", 404),
        ),
        probes(
            "GET /v1/unsubscribe",
            Probe(
                "a token of the longest",
                "GET",
                "/v1/unsubscribe",
                422,
                params={"token": "t" * 1024},
                token=False,
            ),
            Probe(
                "a token too long", "GET", "/v1/unsubscribe", 422, params={"token": "t" * 1025}, token=False
            ),
        ),
        probes(
            "POST /v1/unsubscribe",
            Probe(
                "a token of the longest",
                "POST",
                "/v1/unsubscribe",
                422,
                params={"token": "t" * 1024},
                token=False,
            ),
            Probe(
                "a token too long", "POST", "/v1/unsubscribe", 422, params={"token": "t" * 1025}, token=False
            ),
        ),
        probes(
            "GET /v1/me/sessions",
            Probe(
                "100 a page",
                "GET",
                "/v1/me/sessions",
                200,
                params={"limit": 100, "from": "1900-01-01", "to": "8999-12-31"},
            ),
            Probe("101 a page", "GET", "/v1/me/sessions", 422, params={"limit": 101}),
            Probe(
                "a cursor too long",
                "GET",
                "/v1/me/sessions",
                422,
                "invalid_cursor",
                params={"cursor": "c" * 1025},
            ),
        ),
        probes(
            "DELETE /v1/me/sessions/{id}",
            Probe("the longest id", "DELETE", f"/v1/me/sessions/{'s' * 128}", 404, "session_not_found"),
            Probe("an id too long", "DELETE", f"/v1/me/sessions/{'s' * 129}", 404, "session_not_found"),
        ),
        probes("GET /v1/me/export", Probe("no input (pages of 500)", "GET", "/v1/me/export", 200)),
        probes("DELETE /v1/me", Probe("no input (pages of 100, on the queue)", "DELETE", "/v1/me", 202)),
        probes(
            "POST /v1/admin/users/{uid}/sessions:import",
            Probe(
                "500 sessions of any age",
                "POST",
                "/v1/admin/users/{uid}/sessions:import",
                200,
                json={
                    "sessions": [
                        session(f"i{n}", datetime(2001, 1, 1, tzinfo=UTC) + timedelta(days=n), 1)
                        for n in range(500)
                    ]
                },
                admin=True,
            ),
            Probe(
                "501 sessions",
                "POST",
                "/v1/admin/users/{uid}/sessions:import",
                422,
                json={"sessions": [session(f"i{n}", NOW_AT - timedelta(days=1), 1) for n in range(501)]},
                admin=True,
            ),
        ),
        probes(
            "POST /v1/admin/webhooks",
            Probe(
                "the longest URL, all events", "POST", HOOKS, 201, json=hook_body(MAX_URL_CHARS), admin=True
            ),
            Probe("a URL 1 too long", "POST", HOOKS, 422, json=hook_body(MAX_URL_CHARS + 1), admin=True),
            Probe(
                f"{len(EVENT_NAMES) + 1} event names",
                "POST",
                HOOKS,
                422,
                json={**hook_body(30), "events": ["*"] * (len(EVENT_NAMES) + 1)},
                admin=True,
            ),
        ),
        probes("GET /v1/admin/webhooks", Probe(f"{MAX_ENDPOINTS} at most", "GET", HOOKS, 200, admin=True)),
        probes(
            "GET /v1/admin/webhooks/{id}",
            Probe("the longest id", "GET", f"{HOOKS}/{LONGEST_ID}", 404, admin=True),
            Probe("an id too long", "GET", f"{HOOKS}/{TOO_LONG_ID}", 404, admin=True),
        ),
        probes(
            "PATCH /v1/admin/webhooks/{id}",
            Probe(
                "the longest id and description",
                "PATCH",
                f"{HOOKS}/{LONGEST_ID}",
                404,
                json={"description": "d" * MAX_DESCRIPTION, "events": EVENT_NAMES},
                admin=True,
            ),
            Probe(
                "a description 1 too long",
                "PATCH",
                f"{HOOKS}/wh_x",
                422,
                json={"description": "d" * (MAX_DESCRIPTION + 1)},
                admin=True,
            ),
        ),
        probes(
            "DELETE /v1/admin/webhooks/{id}",
            Probe("the longest id", "DELETE", f"{HOOKS}/{LONGEST_ID}", 404, admin=True),
        ),
        probes(
            "GET /v1/admin/webhooks/{id}/deliveries",
            Probe(
                "100 a page",
                "GET",
                f"{HOOKS}/{LONGEST_ID}/deliveries",
                404,
                params={"limit": 100},
                admin=True,
            ),
            Probe("101 a page", "GET", f"{HOOKS}/wh_x/deliveries", 422, params={"limit": 101}, admin=True),
        ),
        probes(
            "POST /v1/admin/webhooks/{id}/deliveries/{delivery_id}:retry",
            Probe(
                "the longest ids",
                "POST",
                f"{HOOKS}/{LONGEST_ID}/deliveries/{LONGEST_ID}:retry",
                404,
                admin=True,
            ),
        ),
        probes(
            "POST /v1/admin/webhooks/{id}:rotate-secret",
            Probe("the longest id", "POST", f"{HOOKS}/{LONGEST_ID}:rotate-secret", 404, admin=True),
        ),
        probes("GET /v1/me/league", Probe("a cohort of 30 at most", "GET", "/v1/me/league", 200)),
        probes("POST /v1/me/league:join", Probe("no input", "POST", "/v1/me/league:join", 200)),
        probes(
            "GET /v1/me/league/history",
            Probe("52 weeks at most", "GET", "/v1/me/league/history", 200),
        ),
        probes("GET /v1/openapi.json", Probe("no input", "GET", "/v1/openapi.json", 200, token=False)),
    ]
)
CASES = [
    pytest.param(route, probe, id=f"{route} {probe.label}")
    for route, found in BOUNDS.items()
    for probe in found
]


def test_every_route_has_its_bound_probed_and_written_down() -> None:
    routes = {f"{route.method} {route.path}" for route in API.routes}
    assert set(BOUNDS) == routes
    page = (ROOT / "docs" / "reference" / "bounds.md").read_text()
    table = {line.split("|")[1].strip().strip("`") for line in page.splitlines() if line.startswith("| `")}
    assert routes <= table, (
        f"routes missing from the Bounds page (docs/reference/bounds.md): {sorted(routes - table)}"
    )


@pytest.fixture(scope="module")
def admin(auth_emulator: AuthEmulator, api_url: str) -> Iterator[str]:
    token = admin_token(auth_emulator)
    yield token
    delete_webhooks(api_url, token)  # the endpoints the probes registered


@pytest.mark.parametrize(("route", "probe"), CASES)
def test_a_route_answers_its_extreme_inputs_in_time(
    app_user: AppUser, admin: str, route: str, probe: Probe
) -> None:
    if route.startswith("POST /v1/admin/users/"):  # the user exists, with a full month of sessions
        app_user.call("POST", "/v1/sessions:batch", json=BOUNDS["POST /v1/sessions:batch"][0].json)
    started = time.monotonic()
    response = probe.send(app_user, admin)
    elapsed = time.monotonic() - started
    assert response.status_code == probe.status, response.text[:500]
    if probe.code is not None:
        assert response.json()["error"]["code"] == probe.code
    assert elapsed < MAX_SECONDS


@pytest.mark.parametrize(
    "x_now",
    ["3310-11-27T18:39:43-01:54", None],  # the reported request; and without X-Now, the real clock's
)
def test_a_pause_spanning_centuries_is_refused_in_well_under_a_second(
    app_user: AppUser, x_now: str | None
) -> None:
    headers = {"Authorization": f"Bearer {app_user.token}"}
    body = {"from": "4936-04-03", "to": "6281-08-24"}
    if x_now is None:  # production's case: from next week to the last supported date
        body = {"from": (datetime.now(UTC) + timedelta(days=7)).date().isoformat(), "to": "8999-12-31"}
    else:
        headers["X-Now"] = x_now
    started = time.monotonic()
    response = requests.post(f"{app_user.api_url}/v1/me/pauses", json=body, headers=headers, timeout=30)
    elapsed = time.monotonic() - started
    assert response.status_code == 422, response.text
    assert ("to", "too_long") in {(d["field"], d["code"]) for d in response.json()["error"]["details"]}
    assert elapsed < 1.0
    assert app_user.call("GET", "/v1/me/pauses").json()["pauses"] == []
