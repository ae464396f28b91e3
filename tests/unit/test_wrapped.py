"""Wrapped: the year's figures against a day-by-day reading of the same days, the API's answer and bounds,
and the two card sizes in both languages."""

from __future__ import annotations

import struct
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from streak_core.domain.analytics import Count, focus_bucket
from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.insights import DayFocus
from streak_core.domain.streaks import StreakState
from streak_core.domain.wrapped import year_in_review
from tests.unit.fakes import InMemoryAnalytics
from tests.unit.test_api_http import call, deps

SHOTS = Path(__file__).resolve().parents[2] / ".artifacts" / "wrapped"


def test_the_year_is_read_from_its_own_days_only() -> None:
    days = [date(2025, 12, 30), date(2025, 12, 31), date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 5)]
    seconds = [3600, 2400, 4000, 600, 7200]
    focus = {}
    for day, s in zip(days, seconds, strict=True):
        start = int(datetime(day.year, day.month, day.day, 9, tzinfo=UTC).timestamp() * 1000)
        focus[day] = DayFocus(day, s, 1, ((start, start + s * 1000),))
    state = StreakState.from_facts(
        [d for d, s in zip(days, seconds, strict=True) if s >= 1800], [], [], [], [], 0, DEFAULT_CONFIG
    )
    badges = {"streak_7": datetime(2025, 12, 30, tzinfo=UTC), "days_10": datetime(2026, 1, 5, tzinfo=UTC)}
    review = year_in_review(2026, focus, 3, state, badges, UTC, DEFAULT_CONFIG)
    assert (review.days_active, review.qualified_days, review.focus_seconds, review.sessions) == (
        3,
        2,
        11_800,
        3,
    )
    # The run of 30 Dec - 1 Jan holds 3 qualified days, only 1 of them in 2026.
    assert review.longest_streak == 1
    assert (review.best_month.key if review.best_month else None) == "2026-01"
    assert (review.best_week.key if review.best_week else None, review.best_weekday) == ("2026-W02", "monday")
    assert review.best_hour == 9
    assert review.badges_earned == ["days_10"]
    empty = year_in_review(2024, focus, 0, state, badges, UTC, DEFAULT_CONFIG)
    assert (empty.focus_seconds, empty.best_month, empty.best_hour, empty.best_weekday) == (
        0,
        None,
        None,
        None,
    )


def test_the_api_answers_the_year_with_its_percentile_and_refuses_years_out_of_range() -> None:
    analytics = InMemoryAnalytics()
    others = [600, 3600, 7200, 36_000, 72_000]  # seconds of focus in 2026 of five other users
    analytics.count([Count(date(2026, 1, 1), f"year_focus:{focus_bucket(s)}") for s in others])
    d = deps(analytics=analytics)
    assert (
        call(d, "PATCH", "/v1/me/settings", json={"timezone": "UTC", "display_name": "Ada"}).status_code
        == 200
    )
    sessions = [
        {
            "id": f"w{n}",
            "start": f"2026-11-{n:02d}T09:00:00Z",
            "end": f"2026-11-{n:02d}T09:40:00Z",
            "timezone": "UTC",
        }
        for n in (16, 17, 18)
    ]
    assert call(d, "POST", "/v1/sessions:batch", json={"sessions": sessions}).status_code == 200
    found = call(d, "GET", "/v1/me/wrapped").get_json()
    assert (found["year"], found["days_active"], found["qualified_days"], found["sessions"]) == (
        2026,
        3,
        3,
        3,
    )
    assert (found["focus_seconds"], found["longest_streak"], found["best_hour"]) == (7200, 3, 9)
    assert found["best_month"] == {"month": "2026-11", "seconds": 7200}
    # Of the five others two focused less and one as much (two hours: counted half): 2.5 / 5.
    assert found["percentile"] == 50
    quiet = call(d, "GET", "/v1/me/wrapped", query_string={"year": "2020"}).get_json()
    assert (quiet["focus_seconds"], quiet["best_month"], quiet["percentile"]) == (0, None, None)
    for year in ("1999", "2027", "twenty"):
        refused = call(d, "GET", "/v1/me/wrapped", query_string={"year": year})
        assert refused.status_code == 422, year


def test_both_card_sizes_are_drawn_in_both_languages() -> None:
    analytics = InMemoryAnalytics()  # 40 other users of 2026, from 10 minutes to 400 hours of focus
    analytics.count(
        [Count(date(2026, 1, 1), f"year_focus:{focus_bucket(600 * 2 ** (n / 4))}") for n in range(40)]
    )
    d = deps(analytics=analytics)
    call(d, "PATCH", "/v1/me/settings", json={"timezone": "UTC", "display_name": "Ada Lovelace"})
    start = datetime(2026, 11, 16, 9, tzinfo=UTC)
    sessions = [
        {
            "id": f"c{n}",
            "start": (start + timedelta(days=n)).isoformat(),
            "end": (start + timedelta(days=n, minutes=50)).isoformat(),
            "timezone": "UTC",
        }
        for n in range(5)
    ]
    call(d, "POST", "/v1/sessions:batch", json={"sessions": sessions})
    SHOTS.mkdir(parents=True, exist_ok=True)
    for locale in ("en", "fr"):
        call(d, "PATCH", "/v1/me/settings", json={"locale": locale})
        for size, expected in (("landscape", (1200, 630)), ("story", (1080, 1920))):
            png = call(d, "GET", "/v1/me/wrapped/card", query_string={"size": size})
            assert png.status_code == 200
            assert png.headers["Content-Type"] == "image/png"
            data = png.get_data()
            assert data[:8] == b"\x89PNG\r\n\x1a\n"
            assert struct.unpack(">II", data[16:24]) == expected  # the IHDR chunk's width and height
            (SHOTS / f"wrapped-{size}-{locale}.png").write_bytes(data)
            svg = call(d, "GET", "/v1/me/wrapped/card", query_string={"size": size, "format": "svg"})
            text = svg.get_data(as_text=True)
            assert ("2026 wrapped" if locale == "en" else "Mon année 2026") in text
            assert ">4.2<" in text or ">4,2<" in text  # 250 minutes: 4.2 hours
            # 19 of the 40 others focused less than 250 minutes (47.5 %); read from the buckets: 46.
            assert "more focus than 46% of focusers" in text or "plus concentré que 46 % des" in text
    assert call(d, "GET", "/v1/me/wrapped/card", query_string={"size": "square"}).status_code == 422
