"""The user's local days when their day starts later than midnight: one rule, exact across DST gaps, folds and
skipped dates (DESIGN.md "The day start").

Local day D in zone Z = the instants t with start(D) <= t < start(D + 1), where start(D) is the first
instant at which Z's wall clock reads D at the day start in force for D, or later. In a DST gap the day starts
when the clock jumps past its start; in a fold, at the first occurrence; a date the zone
skips has no instants.
With the day start at 00:00 these are the calendar days of `timeline.py`, whose fast path is kept."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from streak_core.domain import timeline

STEP_MINUTES = 15  # day starts are on a 15-minute grid
LATEST_MINUTES = 12 * 60  # from 00:00 to 12:00
CHANGE_EVERY = timedelta(days=7)  # at most one change in any 7 days


class OffGrid(ValueError):
    """A day start that is not HH:MM on the 15-minute grid between 00:00 and 12:00."""


def parse_day_start(text: str) -> int:
    """Minutes after local midnight of "HH:MM" (00:00-12:00, 15-minute steps); OffGrid otherwise."""
    try:
        hours, minutes = text.split(":")
        if len(hours) != 2 or len(minutes) != 2:
            raise ValueError
        value = int(hours) * 60 + int(minutes)
    except ValueError:
        raise OffGrid("must be HH:MM") from None
    if not 0 <= int(minutes) < 60 or not 0 <= value <= LATEST_MINUTES or value % STEP_MINUTES:
        raise OffGrid("must be between 00:00 and 12:00, in steps of 15 minutes")
    return value


def format_day_start(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True, slots=True)
class DayStarts:
    """When a user's days start: `changes` are (first date, minutes after midnight) facts, sorted by date;
    before the first of them the day starts at 00:00."""

    changes: tuple[tuple[date, int], ...] = ()
    # Every day starts at 00:00 (the calendar days' fast path applies). Worked out once: every session asks.
    midnight: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "midnight", all(minutes == 0 for _, minutes in self.changes))

    def on(self, day: date) -> int:
        """The day start in force for the local date `day`, in minutes after midnight."""
        at = bisect_right(self.changes, (day, LATEST_MINUTES + 1))
        return self.changes[at - 1][1] if at else 0

    def changed(self, first: date, minutes: int) -> DayStarts:
        """With a change taking effect on `first` (a later change of the same date replaces it)."""
        kept = tuple(c for c in self.changes if c[0] < first)
        return DayStarts((*kept, (first, minutes)))

    def last_change(self) -> date | None:
        return self.changes[-1][0] if self.changes else None


MIDNIGHT = DayStarts()


def _wall(instant_s: int, zone: ZoneInfo) -> datetime:
    return datetime.fromtimestamp(instant_s, zone).replace(tzinfo=None)


@lru_cache(maxsize=16384)
def begins(day: date, zone: ZoneInfo, minutes: int) -> int:
    """start(day) in ms: the first instant at which the wall clock in `zone` reads `day` at `minutes` after
    midnight, or later."""
    wall = datetime.combine(day, time()) + timedelta(minutes=minutes)
    first = int(wall.replace(tzinfo=zone, fold=0).timestamp())
    second = int(wall.replace(tzinfo=zone, fold=1).timestamp())
    if _wall(first, zone) == wall:  # it exists; when twice (a fold), `fold=0` is the first occurrence
        return first * 1000
    # In a gap (or a skipped date): the clock jumps past `wall` at the transition, between the two readings.
    lo, hi = min(first, second), max(first, second)  # wall(lo) < wall <= wall(hi)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _wall(mid, zone) >= wall:
            hi = mid
        else:
            lo = mid
    return hi * 1000


def bounds(day: date, zone: ZoneInfo, starts: DayStarts = MIDNIGHT) -> tuple[int, int]:
    """[start, end) of the local day in ms; empty for a date the zone skips."""
    following = day + timedelta(days=1)
    if starts.midnight:
        return timeline.day_start(day, zone), timeline.day_start(following, zone)
    start, end = begins(day, zone, starts.on(day)), begins(following, zone, starts.on(following))
    return start, max(start, end)


# The last day found per zone and day starts: sessions mostly land on the day before them (as timeline.py's
# window for midnight). Pure: the window is exactly what `bounds` gives, so caching cannot change an answer.
_WINDOWS: dict[tuple[ZoneInfo, DayStarts], tuple[int, int, date]] = {}


def day_of(instant_ms: int, zone: ZoneInfo, starts: DayStarts = MIDNIGHT) -> date:
    """The local day the instant belongs to."""
    if starts.midnight:
        return _midnight_day(instant_ms, zone)
    window = _WINDOWS.get((zone, starts))
    if window is not None and window[0] <= instant_ms < window[1]:
        return window[2]
    day = _find_day(instant_ms, zone, starts)
    if len(_WINDOWS) > 4096:
        _WINDOWS.clear()
    _WINDOWS[(zone, starts)] = (*bounds(day, zone, starts), day)
    return day


def _find_day(instant_ms: int, zone: ZoneInfo, starts: DayStarts) -> date:
    calendar = timeline.local_date(instant_ms, zone)
    # The day start is at most 12 hours after midnight: the instant is in the calendar date or the one before
    # (or, across a skipped date or a fold, the next one).
    for day in (calendar + timedelta(days=1), calendar, calendar - timedelta(days=1)):
        start, end = bounds(day, zone, starts)
        if start <= instant_ms < end:
            return day
    return calendar - timedelta(days=2)  # only after a skipped date; not reached in the IANA database


def _midnight_day(instant_ms: int, zone: ZoneInfo) -> date:
    return timeline.split_by_local_day(instant_ms, instant_ms + 1, zone)[0][0]


def split(
    start_ms: int, end_ms: int, zone: ZoneInfo, starts: DayStarts = MIDNIGHT
) -> list[tuple[date, int, int]]:
    """Cut [start_ms, end_ms) at the start of every local day: one (date, start, end) piece per day."""
    if starts.midnight:
        return timeline.split_by_local_day(start_ms, end_ms, zone)
    pieces: list[tuple[date, int, int]] = []
    cursor = start_ms
    day = day_of(cursor, zone, starts)
    while cursor < end_ms:
        _, boundary = bounds(day, zone, starts)
        piece_end = min(boundary, end_ms)
        if piece_end > cursor:
            pieces.append((day, cursor, piece_end))
        cursor = max(cursor, piece_end)
        day += timedelta(days=1)
    return pieces


def today(now: datetime, zone: ZoneInfo, starts: DayStarts = MIDNIGHT) -> date:
    return day_of(int(now.timestamp() * 1000), zone, starts)


def change_takes_effect(now: datetime, zone: ZoneInfo, starts: DayStarts) -> date:
    """A change made now takes effect on the user's next day (today's local date + 1)."""
    return today(now, zone, starts) + timedelta(days=1)


def change_allowed_from(starts: DayStarts) -> date | None:
    """The first local date a new change may be made on (at most one change in any 7 days), if any limit."""
    last = starts.last_change()
    return None if last is None else last - timedelta(days=1) + CHANGE_EVERY
