"""Local calendar days of instants, exact across midnight and DST, and unions of time intervals."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from importlib import resources
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Interval = tuple[int, int]  # [start_ms, end_ms), milliseconds since the epoch
_AFTER_EVERY_END = 1 << 62  # sorts (t, _AFTER_EVERY_END) after every interval starting at t


@cache
def iana_zone_names() -> frozenset[str]:
    """The zone names of the IANA database, as the pinned `tzdata` package lists them. Not every file a
    system keeps beside them is a zone: `localtime`, `posix/...`, `right/...` and `Factory` are not."""
    listed = resources.files("tzdata").joinpath("zones").read_text(encoding="utf-8").split()
    return frozenset(listed) - {"Factory"}


@lru_cache(maxsize=1024)
def zone_named(name: str) -> ZoneInfo:
    """The IANA zone called `name`; ValueError with a message that does not repeat the name (it may hold
    anything a client sent) if there is none."""
    if name not in iana_zone_names():
        raise ValueError("is not an IANA time zone name (e.g. Europe/Paris)")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError("is not an IANA time zone name (e.g. Europe/Paris)") from None


def local_date(instant_ms: int, zone: ZoneInfo) -> date:
    """The calendar date on a wall clock in `zone` at the instant."""
    return datetime.fromtimestamp(instant_ms // 1000, zone).date()


_UNIX_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def _midnight_candidates(day: date, zone: ZoneInfo) -> tuple[int, int]:
    """Both readings (fold 0 and 1) of local midnight starting `day`, in ms. What `replace(tzinfo=zone,
    fold=...).timestamp()` gives, from the two UTC offsets alone: no aware datetime is built (this runs for
    every new day of in-order data). Offsets in the IANA database are whole seconds."""
    naive = datetime(day.year, day.month, day.day)
    local_s = (day.toordinal() - _UNIX_EPOCH_ORDINAL) * 86_400
    first, second = zone.utcoffset(naive), zone.utcoffset(naive.replace(fold=1))
    assert first is not None  # a ZoneInfo always has an offset
    assert second is not None
    return (
        (local_s - (first.days * 86_400 + first.seconds)) * 1000,
        (local_s - (second.days * 86_400 + second.seconds)) * 1000,
    )


_ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=8192)
def next_day_boundary(day: date, zone: ZoneInfo) -> int:
    """The first instant (ms) whose local date is later than `day`.

    Usually local midnight of the next day; where midnight is skipped (a DST gap at 00:00) or repeated
    (a fall-back to 23:00), or where a whole date is skipped (Samoa, 2011-12-30), the answer is still
    the first instant on a later date, found by checking both readings of the ambiguous wall time.
    Cached: sessions of one user land on the same few days, and zone rules do not change at run time.
    """
    return _next_day_boundary(day, zone)


def _next_day_boundary(day: date, zone: ZoneInfo) -> int:
    following = day + _ONE_DAY
    first, second = _midnight_candidates(following, zone)
    if first == second:  # midnight exists exactly once, the common case
        return first
    candidates = [t for t in (first, second) if local_date(t, zone) > day]
    if candidates:
        return min(candidates)
    # The following date does not exist in this zone at all: try the one after it.
    return min(_midnight_candidates(following + _ONE_DAY, zone))


def day_start(day: date, zone: ZoneInfo) -> int:
    """The first instant (ms) whose local date is `day` (or later, should `day` not exist there)."""
    return next_day_boundary(day - timedelta(days=1), zone)


# The last local day seen per zone, as (first instant, first instant of a later date, date). Sessions
# mostly land on the day before them, so most instants need no time-zone conversion at all. Pure: the
# window is exactly what the slow path computes, so caching it cannot change an answer.
_DAY_WINDOWS: dict[ZoneInfo, tuple[int, int, date]] = {}
_WALK_DAYS = 3  # dates walked forward from the last window before converting the instant outright
_DAY_MS = 86_400_000  # (a walk that falls short, across a 25-hour day, ends on the slow path: still exact)


def _day_window(instant_ms: int, zone: ZoneInfo) -> tuple[int, int, date]:
    window = _DAY_WINDOWS.get(zone)
    if window is not None:
        if window[0] <= instant_ms < window[1]:
            return window
        if window[1] <= instant_ms < window[1] + _WALK_DAYS * _DAY_MS:
            # In-order data: most often the next date or one a few days on. Each date starts where the one
            # before it ended (the first instant of a later date); a step is taken only when its date exists
            # (its own end lies beyond), so a skipped date still goes the slow way.
            for _ in range(_WALK_DAYS):
                following = window[2] + _ONE_DAY
                end = _end_of(following, window[1], zone)  # each date once: kept by the window, not the cache
                if end <= window[1]:
                    break
                window = (window[1], end, following)
                if instant_ms < end:
                    _DAY_WINDOWS[zone] = window
                    return window
    day = local_date(instant_ms, zone)
    if instant_ms >= next_day_boundary(day, zone):
        # The repeated hour of a fold at midnight (00:00 back to 23:00): the next day began at the first 00:00
        day += timedelta(days=1)
    window = (day_start(day, zone), next_day_boundary(day, zone), day)
    _DAY_WINDOWS[zone] = window
    return window


def _end_of(day: date, start_ms: int, zone: ZoneInfo) -> int:
    """`next_day_boundary(day, zone)`, given the first instant of `day`: most days last 24 hours, and one
    reading of the clock tells. If 24 hours on it reads midnight of the next date, as the first of two
    readings should the hour repeat (fold 0), that is the first instant of a later date: an earlier one would
    need the clock to have passed midnight and gone back, and then this reading would be the repeat."""
    guess = start_ms + _DAY_MS
    wall = datetime.fromtimestamp(guess // 1000, zone)
    if (
        wall.fold == 0
        and wall.hour == 0
        and wall.minute == 0
        and wall.second == 0
        and wall.toordinal() == day.toordinal() + 1
    ):
        return guess
    return _next_day_boundary(day, zone)


def split_by_local_day(start_ms: int, end_ms: int, zone: ZoneInfo) -> list[tuple[date, int, int]]:
    """Cut [start_ms, end_ms) at every local midnight of `zone`: one (date, start, end) piece per day."""
    pieces: list[tuple[date, int, int]] = []
    cursor = start_ms
    while cursor < end_ms:
        _, boundary, day = _day_window(cursor, zone)
        piece_end = boundary if boundary < end_ms else end_ms
        pieces.append((day, cursor, piece_end))
        cursor = piece_end
    return pieces


def merge_interval(intervals: list[Interval], new: Interval) -> int:
    """Add `new` to the sorted, disjoint `intervals` in place; return how many ms the union grew by.

    Touching intervals are merged too, so the list stays minimal and equal for equal unions.
    """
    start, end = new
    if not intervals or start > intervals[-1][1]:  # in-order data: after every interval, touching none
        intervals.append(new)
        return end - start
    # Every interval that overlaps or touches [start, end] lies between lo and hi.
    lo = bisect_left(intervals, (start,))
    if lo > 0 and intervals[lo - 1][1] >= start:
        lo -= 1
    hi = bisect_right(intervals, (end, _AFTER_EVERY_END))
    if lo == hi:
        intervals.insert(lo, (start, end))
        return end - start
    covered_before = sum(e - s for s, e in intervals[lo:hi])
    merged = (min(start, intervals[lo][0]), max(end, intervals[hi - 1][1]))
    intervals[lo:hi] = [merged]
    return (merged[1] - merged[0]) - covered_before
