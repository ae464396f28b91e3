"""Insight figures for hand-made histories (a DST week, a user in UTC+14) and the prediction's arithmetic."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.insights import DayFocus, figures, hour_seconds, keep_chance, predict
from streak_core.domain.sessions import SessionFields
from streak_core.models.users import UserSettings
from streak_core.services.insights import get_insights
from streak_core.services.sessions import accept_sessions
from tests.unit.fakes import InMemoryUserStore

PARIS = ZoneInfo("Europe/Paris")


def ms(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp() * 1000)


def focus(day: date, start: str, end: str, sessions: int = 1) -> DayFocus:
    a, b = ms(start), ms(end)
    return DayFocus(day, (b - a) // 1000, sessions, ((a, b),))


def test_a_week_of_figures() -> None:
    monday = date(2026, 11, 16)
    days = {
        monday: DayFocus(
            monday, 3600, 2, ((ms("2026-11-16T09:00:00+00:00"), ms("2026-11-16T10:00:00+00:00")),)
        ),
        monday + timedelta(1): focus(
            monday + timedelta(1), "2026-11-17T09:30:00+00:00", "2026-11-17T09:50:00+00:00"
        ),
        monday + timedelta(3): focus(
            monday + timedelta(3), "2026-11-19T21:00:00+00:00", "2026-11-19T21:30:00+00:00"
        ),
    }
    week = figures(days, monday, monday + timedelta(6), UTC, DEFAULT_CONFIG)
    assert (week.days, week.active_days, week.qualified_days) == (7, 3, 2)
    assert week.qualified_rate == round(2 / 7, 4)
    assert week.average_seconds_per_day == round((3600 + 1200 + 1800) / 7)
    assert week.average_seconds_per_active_day == 2200
    assert week.average_sessions_per_active_day == 1.33
    assert week.weekday_rates == {
        "monday": 1.0,
        "tuesday": 0.0,
        "wednesday": 0.0,
        "thursday": 1.0,
        "friday": 0.0,
        "saturday": 0.0,
        "sunday": 0.0,
    }
    assert week.best_weekday == "monday"
    expected = [0] * 24
    expected[9], expected[21] = 3600 + 1200, 1800
    assert week.hour_seconds == expected


def test_a_dst_week_counts_its_25_hour_day_as_one_day_and_hours_by_the_local_clock() -> None:
    # Paris leaves summer time on Sunday 25 October 2026: 03:00 CEST becomes 02:00 CET.
    sunday = date(2026, 10, 25)
    night = focus(sunday, "2026-10-25T00:30:00+00:00", "2026-10-25T02:30:00+00:00")  # 02:30 CEST - 03:30 CET
    week = figures({sunday: night}, sunday - timedelta(6), sunday, PARIS, DEFAULT_CONFIG)
    assert week.days == 7
    assert week.average_seconds_per_day == round(7200 / 7)
    assert week.hour_seconds[2] == 5400  # half an hour of the first 02:00 and the whole repeated one
    assert week.hour_seconds[3] == 1800
    assert sum(week.hour_seconds) == 7200
    assert week.weekday_rates["sunday"] == 1.0


def test_the_skipped_spring_hour_gets_nothing() -> None:
    # Sunday 29 March 2026: 02:00 CET becomes 03:00 CEST.
    day = date(2026, 3, 29)
    hours = hour_seconds([focus(day, "2026-03-29T00:30:00+00:00", "2026-03-29T01:30:00+00:00")], PARIS)
    assert hours[1] == 1800
    assert hours[3] == 1800
    assert hours[2] == 0


def test_a_user_in_utc_plus_14_sees_their_own_dates_and_hours() -> None:
    store = InMemoryUserStore()
    store._user("kiri").settings = UserSettings(timezone="Pacific/Kiritimati")
    # 00:00-00:40 on Friday 20 November in Kiritimati, still the 19th in UTC.
    raw = SessionFields("k1", "2026-11-19T10:00:00Z", "2026-11-19T10:40:00Z", "Pacific/Kiritimati")
    accept_sessions(store, "kiri", [raw], datetime(2026, 11, 19, 12, tzinfo=UTC), DEFAULT_CONFIG)
    now = datetime(2026, 11, 22, 10, 30, tzinfo=UTC)  # Monday 23 November, 00:30 in Kiritimati
    found = get_insights(store, "kiri", 1, now, DEFAULT_CONFIG)
    assert (found.period.first, found.period.last) == (date(2026, 11, 16), date(2026, 11, 22))
    assert found.period.qualified_days == 1
    assert found.period.weekday_rates["friday"] == 1.0
    assert found.period.hour_seconds[0] == 2400
    assert found.previous.first == date(2026, 11, 9)
    assert found.previous.qualified_rate == 0.0


@pytest.mark.parametrize(
    ("chances", "safe", "freezes", "expected"),
    [
        ([1.0] * 7, [False] * 7, 0, 1.0),
        ([0.5] * 7, [False] * 7, 0, 0.5**7),
        ([0.5] * 7, [False] * 7, 1, 8 * 0.5**7),  # at most one miss of seven
        ([0.5] * 7, [True] * 3 + [False] * 4, 0, 0.5**4),  # paused days need nothing
        ([0.0] * 7, [False] * 7, 2, 0.0),
    ],
)
def test_keeping_the_streak_is_exact_over_freezes_and_safe_days(
    chances: list[float], safe: list[bool], freezes: int, expected: float
) -> None:
    assert keep_chance(chances, safe, freezes) == pytest.approx(expected)


def test_the_prediction_learns_weekdays_and_weighs_recent_weeks_more() -> None:
    last = date(2026, 11, 22)  # a Sunday
    first = last - timedelta(days=83)
    qualified = {first + timedelta(days=n): (first + timedelta(days=n)).weekday() < 5 for n in range(84)}
    workdays = predict(qualified, first, last, last + timedelta(1), [], 0)
    assert workdays.weakest_weekday in ("saturday", "sunday")
    assert workdays.weekday_chances["monday"] > 0.9 > 0.3 > workdays.weekday_chances["sunday"]
    # The same history but the weekends of the last four weeks qualified too: weekends look better.
    recent = {d: q or d > last - timedelta(days=28) for d, q in qualified.items()}
    assert predict(recent, first, last, last + timedelta(1), [], 0).weekday_chances["sunday"] > 0.5
    nothing = predict({}, first, last, last + timedelta(1), [], 0)
    assert nothing.keep_streak_7_days == 0.0
    assert nothing.weakest_weekday is None


def test_a_perfect_week_long_streak_is_a_good_chance_with_no_weekday_to_watch() -> None:
    """A user who joined a week ago and qualified every day (the window holds 12 weeks): the weeks before
    they began are no misses, seven days out of seven is good but not certain, and no weekday is weaker."""
    last = date(2026, 11, 22)
    first = last - timedelta(days=83)
    week = {last - timedelta(days=n): True for n in range(7)}
    alone = predict(week, first, last, last + timedelta(1), [], 0)
    assert 0.4 < alone.keep_streak_7_days < 0.9
    assert alone.weakest_weekday is None
    assert max(alone.weekday_chances.values()) - min(alone.weekday_chances.values()) < 0.01
    with_a_freeze = predict(week, first, last, last + timedelta(1), [], 1)
    assert alone.keep_streak_7_days < with_a_freeze.keep_streak_7_days < 1.0
    # Twelve perfect weeks are near certain; a missed Monday now and then is named, weakly.
    perfect = {first + timedelta(days=n): True for n in range(84)}
    assert predict(perfect, first, last, last + timedelta(1), [], 0).keep_streak_7_days > 0.85
    mondays = {d: d.weekday() != 0 or d < last - timedelta(days=28) for d in perfect}
    assert predict(mondays, first, last, last + timedelta(1), [], 0).weakest_weekday == "monday"
