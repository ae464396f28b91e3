"""Insights, the heatmap and the calendar's ETag through the API on the emulators."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest

from tests.e2e.conftest import AppUser

pytestmark = pytest.mark.e2e
SVG = "{http://www.w3.org/2000/svg}"


def test_a_week_of_insights_and_the_period_before(app_user: AppUser) -> None:
    assert app_user.call("PATCH", "/v1/me/settings", json={"timezone": "Europe/Paris"}).status_code == 200
    sessions = [  # 09:00-10:00 Paris on Monday 16 and Thursday 19 November, and a week earlier on Monday
        {
            "id": f"i{day}",
            "start": f"2026-11-{day:02d}T08:00:00Z",
            "end": f"2026-11-{day:02d}T09:00:00Z",
            "timezone": "Europe/Paris",
        }
        for day in (9, 16, 19)
    ]
    posted = app_user.call("POST", "/v1/sessions:batch", json={"sessions": sessions})
    assert posted.status_code == 200
    response = app_user.call("GET", "/v1/me/insights", params={"weeks": 1}, now="2026-11-23T10:00:00Z")
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["from"], body["to"], body["days"]) == ("2026-11-16", "2026-11-22", 7)
    assert (body["active_days"], body["qualified_days"]) == (2, 2)
    assert body["average_seconds_per_day"] == round(7200 / 7)
    assert body["average_seconds_per_active_day"] == 3600
    assert body["best_weekday"] == "monday"
    assert body["hour_seconds"][9] == 7200
    assert body["previous_period"] == {
        "qualified_rate": round(1 / 7, 4),
        "average_seconds_per_day": round(3600 / 7),
    }
    assert 0.0 <= body["prediction"]["keep_streak_7_days"] <= 1.0
    again = app_user.call(
        "GET",
        "/v1/me/insights",
        params={"weeks": 1},
        now="2026-11-23T10:00:00Z",
        headers={"If-None-Match": response.headers["ETag"]},
    )
    assert again.status_code == 304


@pytest.mark.parametrize("weeks", ["0", "53", "x"])
def test_weeks_outside_1_to_52_is_422(app_user: AppUser, weeks: str) -> None:
    response = app_user.call("GET", "/v1/me/insights", params={"weeks": weeks})
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "weeks"


def test_the_heatmap_as_svg_and_png(app_user: AppUser) -> None:
    app_user.focus_days(range(16, 21))
    svg = app_user.call("GET", "/v1/me/heatmap.svg", params={"weeks": 2})
    assert svg.status_code == 200
    assert svg.headers["Content-Type"].startswith("image/svg+xml")
    root = ElementTree.fromstring(svg.content)
    marks = {r.get("data-date"): r.get("data-mark") for r in root.iter(f"{SVG}rect") if r.get("data-date")}
    assert len(marks) == 7 + 6  # Monday 9 to Saturday 21 November
    assert marks["2026-11-16"] == "strong"
    assert marks["2026-11-21"] == "none"
    png = app_user.call("GET", "/v1/me/heatmap.png")
    assert png.headers["Content-Type"] == "image/png"
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert app_user.call("GET", "/v1/me/heatmap.png", params={"weeks": 54}).status_code == 422


def test_the_calendar_carries_an_etag_that_a_new_session_changes(app_user: AppUser) -> None:
    first = app_user.call("GET", "/v1/me/calendar")
    etag = first.headers["ETag"]
    cached = app_user.call("GET", "/v1/me/calendar", headers={"If-None-Match": etag})
    assert cached.status_code == 304
    app_user.focus_days(range(20, 21))
    fresh = app_user.call("GET", "/v1/me/calendar", headers={"If-None-Match": etag})
    assert fresh.status_code == 200
    assert fresh.headers["ETag"] != etag
