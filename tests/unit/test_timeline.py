"""Local-day splitting and interval unions, including every awkward clock the world has."""

from datetime import date

import pytest

from streak_core.domain.timeline import (
    day_start,
    merge_interval,
    next_day_boundary,
    split_by_local_day,
    zone_named,
)
from tests.unit.helpers import History, session

HOUR = 3600


def day_length_hours(day: str, tz: str) -> float:
    d = date.fromisoformat(day)
    zone = zone_named(tz)
    return (next_day_boundary(d, zone) - day_start(d, zone)) / 3_600_000


def test_session_across_midnight_counts_on_both_days() -> None:
    h = History()
    h.add("2026-11-20T23:00:00+01:00", "2026-11-21T01:00:00+01:00", "Europe/Paris")
    assert (h.seconds("2026-11-20"), h.seconds("2026-11-21")) == (HOUR, HOUR)


def test_new_york_spring_forward_day_lasts_23_hours() -> None:
    assert day_length_hours("2026-03-08", "America/New_York") == 23


def test_session_across_new_york_dst_gap_counts_real_elapsed_time() -> None:
    h = History()
    # 01:00 EST to 04:00 EDT is two real hours: the clock skips 02:00-03:00.
    h.add("2026-03-08T01:00:00-05:00", "2026-03-08T04:00:00-04:00", "America/New_York")
    assert h.seconds("2026-03-08") == 2 * HOUR


def test_session_across_paris_dst_gap_counts_real_elapsed_time() -> None:
    h = History()
    h.add("2026-03-29T01:30:00+01:00", "2026-03-29T03:30:00+02:00", "Europe/Paris")
    assert h.seconds("2026-03-29") == HOUR
    assert day_length_hours("2026-03-29", "Europe/Paris") == 23


def test_session_across_repeated_hour_counts_both_passes() -> None:
    h = History()
    # 00:30 EDT to 01:30 EST: the hour 01:00-02:00 happens twice, so 2 real hours pass.
    h.add("2026-11-01T00:30:00-04:00", "2026-11-01T01:30:00-05:00", "America/New_York")
    assert h.seconds("2026-11-01") == 2 * HOUR


def test_fall_back_day_lasts_25_hours_and_a_whole_day_session_fills_it() -> None:
    assert day_length_hours("2026-11-01", "America/New_York") == 25
    h = History()
    h.add("2026-11-01T00:00:00-04:00", "2026-11-02T00:00:00-05:00", "America/New_York")
    assert h.seconds("2026-11-01") == 25 * HOUR
    assert h.seconds("2026-11-02") == 0


def test_session_in_utc_plus_14_lands_on_the_next_calendar_day() -> None:
    h = History()
    # 09:30Z-10:30Z is 23:30-00:30 in Kiritimati (UTC+14), already the 21st there.
    h.add("2026-11-20T09:30:00Z", "2026-11-20T10:30:00Z", "Pacific/Kiritimati")
    assert (h.seconds("2026-11-20"), h.seconds("2026-11-21")) == (1800, 1800)


def test_session_in_utc_minus_11_lands_on_the_previous_calendar_day() -> None:
    h = History()
    # 10:30Z-11:30Z is 23:30-00:30 in Pago Pago (UTC-11): the 20th and the 21st there.
    h.add("2026-11-21T10:30:00Z", "2026-11-21T11:30:00Z", "Pacific/Pago_Pago")
    assert (h.seconds("2026-11-20"), h.seconds("2026-11-21")) == (1800, 1800)


def test_travel_each_session_counts_on_its_own_local_date() -> None:
    h = History()
    h.add("2026-11-20T22:00:00+01:00", "2026-11-20T22:20:00+01:00", "Europe/Paris")
    # Later in real time, but still the 20th in New York after the flight.
    h.add("2026-11-20T20:00:00-05:00", "2026-11-20T20:10:00-05:00", "America/New_York")
    assert h.seconds("2026-11-20") == 30 * 60
    assert h.streak.is_qualified(date(2026, 11, 20))


def test_same_instant_in_two_zones_counts_on_two_different_dates() -> None:
    h = History()
    h.add("2026-11-21T00:30:00+01:00", "2026-11-21T01:30:00+01:00", "Europe/Paris")
    h.add("2026-11-20T18:30:00-05:00", "2026-11-20T19:30:00-05:00", "America/New_York")
    assert (h.seconds("2026-11-20"), h.seconds("2026-11-21")) == (HOUR, HOUR)


def test_samoa_skipped_date_is_never_a_local_day() -> None:
    s = session("2011-12-29T23:00:00-10:00", "2011-12-31T01:00:00+14:00", "Pacific/Apia")
    pieces = split_by_local_day(s.start_ms, s.end_ms, s.zone)
    # Two real hours; Samoa jumped from the 29th to the 31st, so Dec 30 never happened there.
    assert [(d.isoformat(), (e - s) // 1000) for d, s, e in pieces] == [
        ("2011-12-29", HOUR),
        ("2011-12-31", HOUR),
    ]


def test_overlapping_sessions_are_counted_once() -> None:
    h = History()
    h.add("2026-11-21T09:00:00Z", "2026-11-21T10:00:00Z", "UTC")  # phone
    h.add("2026-11-21T09:30:00Z", "2026-11-21T10:15:00Z", "UTC")  # watch
    assert h.seconds("2026-11-21") == HOUR + 15 * 60


def test_merge_interval_joins_touching_intervals_and_reports_growth() -> None:
    intervals = [(0, 10), (20, 30), (40, 50)]
    assert merge_interval(intervals, (10, 20)) == 10
    assert intervals == [(0, 30), (40, 50)]
    assert merge_interval(intervals, (45, 100)) == 50
    assert intervals == [(0, 30), (40, 100)]
    assert merge_interval(intervals, (5, 25)) == 0


def test_merge_interval_swallows_a_long_interval_starting_at_the_new_end() -> None:
    intervals = [(100, 10_000)]
    assert merge_interval(intervals, (50, 100)) == 50
    assert intervals == [(50, 10_000)]


@pytest.mark.parametrize("bad", ["Mars/Olympus", "../etc/passwd", "", " UTC"])
def test_unknown_zone_is_a_clear_error(bad: str) -> None:
    with pytest.raises(ValueError, match="IANA"):
        zone_named(bad)


def test_session_spanning_three_local_days_is_cut_at_each_midnight() -> None:
    # 23:45 on the 20th to 00:15 on the 22nd in Kathmandu (UTC+05:45).
    s = session("2026-11-20T18:00:00Z", "2026-11-21T18:30:00Z", "Asia/Kathmandu")
    pieces = split_by_local_day(s.start_ms, s.end_ms, s.zone)
    assert [(d.isoformat(), (e - st) // 60_000) for d, st, e in pieces] == [
        ("2026-11-20", 15),
        ("2026-11-21", 24 * 60),
        ("2026-11-22", 15),
    ]
