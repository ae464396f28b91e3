"""The day start: local days against a minute-by-minute reference of DESIGN.md's definition, on zones with
30-minute DST, midnight gaps, skipped dates and half-hour offsets; and DESIGN.md's examples, by name."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streak_core.domain import day_start as ds
from streak_core.domain import timeline

pytestmark = pytest.mark.unit
ZONES = [
    "Australia/Lord_Howe",  # 30-minute DST
    "America/Santiago",  # midnight gaps
    "Asia/Beirut",  # midnight gaps
    "Pacific/Apia",  # 2011-12-30 does not exist
    "America/St_Johns",  # half-hour offset
    "Asia/Kolkata",
    "Europe/London",
    "America/New_York",
]
# Each zone with the dates its clocks change (2026, and Apia's skipped date), where local days are subtle.
TRANSITIONS = {
    "Australia/Lord_Howe": [date(2026, 4, 5), date(2026, 10, 4)],
    "America/Santiago": [date(2026, 4, 5), date(2026, 9, 6)],
    "Asia/Beirut": [date(2026, 3, 29), date(2026, 10, 25)],
    "Pacific/Apia": [date(2011, 12, 30)],
    "America/St_Johns": [date(2026, 3, 8), date(2026, 11, 1)],
    "Asia/Kolkata": [date(2026, 6, 1)],
    "Europe/London": [date(2026, 3, 29), date(2026, 10, 25)],
    "America/New_York": [date(2026, 3, 8), date(2026, 11, 1)],
}


def wall(instant_s: int, zone: ZoneInfo) -> datetime:
    return datetime.fromtimestamp(instant_s, zone).replace(tzinfo=None)


def reference_start(day: date, zone: ZoneInfo, minutes: int) -> int:
    """The first minute at which the wall clock reads `day` at `minutes`, or later: scanned minute by minute
    from an instant whose wall clock is surely earlier (offsets are within 14 hours)."""
    target = datetime.combine(day, time()) + timedelta(minutes=minutes)
    t = int((target - timedelta(hours=16)).replace(tzinfo=UTC).timestamp())
    while wall(t, zone) < target:
        t += 60
    return t * 1000


def reference_day(instant_ms: int, zone: ZoneInfo, starts: ds.DayStarts) -> date:
    calendar = wall(instant_ms // 1000, zone).date()
    days = [calendar + timedelta(days=k) for k in (-2, -1, 0, 1)]
    return max(d for d in days if reference_start(d, zone, starts.on(d)) <= instant_ms)


# Any start on the grid, and often the wall times DST changes happen at (where the day's start is subtle).
day_starts = st.integers(0, ds.LATEST_MINUTES // ds.STEP_MINUTES).map(
    lambda n: n * ds.STEP_MINUTES
) | st.sampled_from([0, 60, 75, 90, 120, 135, 150, 180])


@st.composite
def schedules(draw: st.DrawFn, base: date) -> ds.DayStarts:
    """Up to two changes, on dates around the base date; sometimes none (midnight) or 00:00 itself."""
    changes: list[tuple[date, int]] = []
    for offset in sorted(draw(st.lists(st.integers(-3, 3), max_size=2, unique=True))):
        changes.append((base + timedelta(days=offset), draw(day_starts)))
    return ds.DayStarts(tuple(changes))


@st.composite
def cases(draw: st.DrawFn) -> tuple[ZoneInfo, ds.DayStarts, int]:
    name = draw(st.sampled_from(ZONES))
    zone, base = ZoneInfo(name), draw(st.sampled_from(TRANSITIONS[name])) - timedelta(days=1)
    starts = draw(schedules(base))
    if draw(st.booleans()):  # a minute within six days
        first = int(datetime.combine(base, time(), UTC).timestamp())
        return zone, starts, (first + 60 * draw(st.integers(0, 6 * 24 * 60))) * 1000
    # or a minute near where one of those days starts, by the reference
    day = base + timedelta(days=draw(st.integers(0, 2)))
    near = reference_start(day, zone, starts.on(day)) + 60_000 * draw(st.integers(-90, 90))
    return zone, starts, near


@settings(max_examples=300, deadline=None)
@given(cases())
def test_the_day_of_an_instant_is_the_references(case: tuple[ZoneInfo, ds.DayStarts, int]) -> None:
    zone, starts, instant = case
    assert ds.day_of(instant, zone, starts) == reference_day(instant, zone, starts)


@settings(max_examples=200, deadline=None)
@given(cases(), st.integers(1, 40 * 60))
def test_a_session_is_cut_where_the_reference_days_change(
    case: tuple[ZoneInfo, ds.DayStarts, int], minutes: int
) -> None:
    zone, starts, start = case
    end = start + minutes * 60_000
    pieces = ds.split(start, end, zone, starts)
    assert pieces[0][1] == start
    assert pieces[-1][2] == end
    assert all(a[2] == b[1] for a, b in itertools.pairwise(pieces))  # contiguous, in order
    assert len({day for day, _, _ in pieces}) == len(pieces)
    for day, lo, hi in pieces:
        assert lo < hi
        for t in (lo, hi - 60_000 if hi - lo >= 60_000 else lo):
            assert reference_day(t, zone, starts) == day


@settings(max_examples=200, deadline=None)
@given(cases(), st.integers(1, 40 * 60))
def test_with_the_day_starting_at_midnight_the_days_are_todays(
    case: tuple[ZoneInfo, ds.DayStarts, int], minutes: int
) -> None:
    zone, _, start = case
    end = start + minutes * 60_000
    assert ds.split(start, end, zone, ds.MIDNIGHT) == timeline.split_by_local_day(start, end, zone)
    explicit = ds.DayStarts(((date(2000, 1, 1), 0),))  # 00:00 given as a change is the same rule
    assert ds.split(start, end, zone, explicit) == ds.split(start, end, zone)
    assert ds.day_of(start, zone) == reference_day(start, zone, ds.MIDNIGHT)


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(ZONES),
    st.lists(st.integers(0, 3 * 24 * 60), min_size=1, max_size=12),
    st.booleans(),
)
def test_in_order_instants_walking_across_the_clock_changes_land_on_the_references_days(
    name: str, steps: list[int], midnight_reset: bool
) -> None:
    """The in-order path: each instant at most three days after the last, so the day is found by walking
    forward from the last one seen (timeline's window), through DST changes and Apia's skipped date."""
    zone = ZoneInfo(name)
    t = int(datetime.combine(TRANSITIONS[name][0] - timedelta(days=4), time(), UTC).timestamp()) * 1000
    if midnight_reset:  # start from a window far away, so the first instant takes the slow path
        timeline.split_by_local_day(0, 1, zone)
    for minutes in steps:
        t += minutes * 60_000
        assert timeline.split_by_local_day(t, t + 1, zone)[0][0] == reference_day(t, zone, ds.MIDNIGHT)


# Any zone on any date, or one of the zones above on a date next to one of its clock changes.
zone_days = st.tuples(
    st.sampled_from(sorted(timeline.iana_zone_names())), st.dates(date(1880, 1, 1), date(2050, 1, 1))
) | st.sampled_from(ZONES).flatmap(
    lambda name: st.tuples(
        st.just(name),
        st.sampled_from(TRANSITIONS[name]).map(lambda d: d - timedelta(days=1))
        | st.sampled_from(TRANSITIONS[name]),
    )
)


@settings(max_examples=400, deadline=None)
@given(zone_days)
def test_a_days_end_found_from_its_start_is_the_one_both_readings_of_midnight_give(
    case: tuple[str, date],
) -> None:
    """The in-order path reads the clock once, 24 hours after the day's start; the general one reads both
    readings of the next midnight. They agree on every zone (checked offline on every date 1880-2049 too)."""
    name, day = case
    zone = ZoneInfo(name)
    start = timeline.day_start(day, zone)
    if start < timeline.next_day_boundary(day, zone):  # the date exists in the zone
        assert timeline._end_of(day, start, zone) == timeline.next_day_boundary(day, zone)


def iso(instant_ms: int, zone: str) -> str:
    return datetime.fromtimestamp(instant_ms / 1000, ZoneInfo(zone)).isoformat()


def test_in_a_dst_gap_the_day_starts_when_the_clock_jumps_past_it() -> None:
    starts = ds.DayStarts(((date(2026, 1, 1), 150),))  # 02:30, which 2026-03-08 skips in New York
    start, end = ds.bounds(date(2026, 3, 8), ZoneInfo("America/New_York"), starts)
    assert (iso(start, "America/New_York"), iso(end, "America/New_York")) == (
        "2026-03-08T03:00:00-04:00",
        "2026-03-09T02:30:00-04:00",
    )


def test_a_skipped_midnight_starts_the_day_at_one() -> None:
    start, _ = ds.bounds(date(2026, 9, 6), ZoneInfo("America/Santiago"))
    assert iso(start, "America/Santiago") == "2026-09-06T01:00:00-03:00"


def test_a_skipped_date_has_no_instants_and_a_later_start_gives_it_the_morning_after() -> None:
    apia = ZoneInfo("Pacific/Apia")
    start, end = ds.bounds(date(2011, 12, 30), apia)
    assert start == end  # bridged as today
    six = ds.DayStarts(((date(2011, 1, 1), 360),))
    start, end = ds.bounds(date(2011, 12, 30), apia, six)
    assert (iso(start, "Pacific/Apia"), iso(end, "Pacific/Apia")) == (
        "2011-12-31T00:00:00+14:00",
        "2011-12-31T06:00:00+14:00",
    )


def test_in_a_fold_the_day_starts_at_the_first_occurrence() -> None:
    starts = ds.DayStarts(((date(2026, 1, 1), 60 + 15),))  # 01:15, which 2026-10-25 has twice in London
    start, _ = ds.bounds(date(2026, 10, 25), ZoneInfo("Europe/London"), starts)
    assert iso(start, "Europe/London") == "2026-10-25T01:15:00+01:00"


def test_a_change_takes_effect_the_next_day_which_ends_the_day_before_early_or_late() -> None:
    paris = ZoneInfo("Europe/Paris")
    late = ds.DayStarts(((date(2026, 11, 22), 12 * 60),))  # made on the 21st: noon from the 22nd
    start, end = ds.bounds(date(2026, 11, 21), paris, late)
    assert (end - start) / 3_600_000 == 36
    early = late.changed(date(2026, 11, 30), 0)  # back to midnight, made on the 29th
    start, end = ds.bounds(date(2026, 11, 29), paris, early)
    assert (end - start) / 3_600_000 == 12
    now = datetime(2026, 11, 21, 23, 30, tzinfo=UTC)  # 00:30 on the 22nd in Paris, still the 21st at noon
    assert ds.today(now, paris, late) == date(2026, 11, 21)
    assert ds.change_takes_effect(now, paris, late) == date(2026, 11, 22)


def test_one_change_in_any_seven_days() -> None:
    starts = ds.DayStarts(((date(2026, 11, 22), 120),))  # made on the 21st
    assert ds.change_allowed_from(starts) == date(2026, 11, 28)
    assert ds.change_allowed_from(ds.MIDNIGHT) is None


@pytest.mark.parametrize("text", ["12:15", "00:10", "24:00", "7:00", "07:0", "-1:00", "ab:cd", "", "06:60"])
def test_off_grid_values_are_refused(text: str) -> None:
    with pytest.raises(ds.OffGrid):
        ds.parse_day_start(text)


@pytest.mark.parametrize(("text", "minutes"), [("00:00", 0), ("02:45", 165), ("12:00", 720)])
def test_grid_values_are_read(text: str, minutes: int) -> None:
    assert ds.parse_day_start(text) == minutes
    assert ds.format_day_start(minutes) == text


def test_every_local_date_of_a_user_comes_from_the_one_rule() -> None:
    """No module computes a user's local date on its own: only UTC dates (global weeks, tie-breaks) remain."""

    root = Path(__file__).resolve().parents[2]
    stray = re.compile(
        r"astimezone\((?!UTC\))[^)]*\)\.date\(\)|local_date\(|split_by_local_day\(|next_day_boundary\("
    )
    found = [
        f"{path.relative_to(root)}:{n}"
        for folder in ("streak_core", "functions")
        for path in sorted((root / folder).rglob("*.py"))
        if path.name not in ("timeline.py", "day_start.py")
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if stray.search(line)
    ]
    assert found == []
