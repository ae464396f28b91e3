"""Covered days as runs: maximal sequences of consecutive date ordinals, each with its qualified days, and
the qualified days themselves as runs. The data structure the streak rules (streaks.py) work on."""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple


def ordinals(values: Iterable[int] = ()) -> array[int]:
    """A list of the runs: machine ints side by side (`array('i')`), not pointers to int objects.

    A late day bisects these lists and may insert into or delete from them; in a long history (20,000 runs
    in 100,000 days) a list of int objects scattered over the heap made each look-up a chain of cache
    misses and each insert move 8 bytes an entry one at a time. Measured (bench.domain's `late_insert_us`,
    best of 5): a late insert at 100,000 days 33.5 -> 30.5 µs, at 1,000 days 20.5 -> 22 µs (an int made
    per read)."""
    return array("i", values)


class RunChange(NamedTuple):
    """How the run holding a day changed: its qualified length before and after, and where it now lies.

    `before` is the longest of the runs that were joined into it. A NamedTuple, and dates only on demand:
    one is made for every qualified day, on the hot path.
    """

    before: int
    after: int
    start_ordinal: int
    end_ordinal: int
    refunded: bool = False  # a freeze spent on the day was given back
    bridged: bool = False  # the day was covered already (frozen, recovered, paused or excused)

    @property
    def start(self) -> date:
        return date.fromordinal(self.start_ordinal)

    @property
    def end(self) -> date:
        return date.fromordinal(self.end_ordinal)


@dataclass(slots=True)
class Runs:
    """Covered runs and qualified runs, as inclusive date ordinals (each list an `ordinals` array), and the
    counters over them."""

    starts: array[int] = field(default_factory=ordinals)
    ends: array[int] = field(default_factory=ordinals)
    lengths: array[int] = field(default_factory=ordinals)  # qualified days in each run
    recovered: list[int] = field(default_factory=list)
    candidates: list[int] = field(default_factory=list)  # days the recovery rule could recover
    qualified_days: int = 0
    longest_streak: int = 0
    q_starts: array[int] = field(default_factory=ordinals)  # qualified days, as runs
    q_ends: array[int] = field(default_factory=ordinals)

    def _run_index(self, ordinal: int) -> int:
        """Index of the covered run containing `ordinal`, or -1."""
        i = bisect_right(self.starts, ordinal) - 1
        return i if i >= 0 and self.ends[i] >= ordinal else -1

    def _q_index(self, ordinal: int) -> int:
        i = bisect_right(self.q_starts, ordinal) - 1
        return i if i >= 0 and self.q_ends[i] >= ordinal else -1

    def _qualified(self, o: int) -> bool:
        return self._q_index(o) >= 0

    def is_covered(self, day: date) -> bool:
        return self._run_index(day.toordinal()) >= 0

    def is_qualified(self, day: date) -> bool:
        return self._qualified(day.toordinal())

    def current_streak(self, today: date) -> int:
        """Length of the run containing `today`, else of the one containing yesterday, else 0."""
        run = self._live_run(today)
        return self.lengths[run] if run >= 0 else 0

    def _live_run(self, today: date) -> int:
        o = today.toordinal()
        i = bisect_right(self.starts, o) - 1
        return i if i >= 0 and self.ends[i] >= o - 1 else -1

    def live_run(self, today: date) -> tuple[date, date, int] | None:
        """The run holding today or yesterday (the live streak), as (start, end, qualified length)."""
        run = self._live_run(today)
        if run < 0:
            return None
        return date.fromordinal(self.starts[run]), date.fromordinal(self.ends[run]), self.lengths[run]

    def at_risk(self, today: date) -> bool:
        """True when a live streak ends yesterday: it breaks tonight unless today gets covered."""
        run = self._live_run(today)
        return run >= 0 and self.lengths[run] > 0 and self.ends[run] == today.toordinal() - 1

    def run_containing(self, day: date) -> tuple[date, date, int] | None:
        """The run covering `day`, as (start, end, qualified length), if any."""
        run = self._run_index(day.toordinal())
        if run < 0:
            return None
        return date.fromordinal(self.starts[run]), date.fromordinal(self.ends[run]), self.lengths[run]

    def run_ending_before(self, day: date) -> tuple[date, date, int] | None:
        """The run that ends on the day before `day`, as (start, end, length), if any."""
        run = self._run_index(day.toordinal() - 1)
        if run < 0 or self.ends[run] != day.toordinal() - 1:
            return None
        return (
            date.fromordinal(self.starts[run]),
            date.fromordinal(self.ends[run]),
            self.lengths[run],
        )

    def qualified_between(self, first: date, last: date) -> int:
        """Qualified days in the inclusive range [first, last]."""
        return self._qualified_count(first.toordinal(), last.toordinal())

    def _qualified_count(self, lo: int, hi: int) -> int:
        count = 0
        i = max(bisect_right(self.q_starts, lo) - 1, 0)
        while i < len(self.q_starts) and self.q_starts[i] <= hi:
            count += max(min(self.q_ends[i], hi) - max(self.q_starts[i], lo) + 1, 0)
            i += 1
        return count

    def qualified_dates(self) -> list[date]:
        """Every qualified date, ascending (O(history): for reports and tests, not hot paths)."""
        return [
            date.fromordinal(o)
            for s, e in zip(self.q_starts, self.q_ends, strict=True)
            for o in range(s, e + 1)
        ]

    def _change(self, o: int, newly_covered: set[int], new_qualified: int | None = None) -> RunChange:
        """The run now holding `o`, with `before` the longest of the runs it was joined from."""
        run = self._run_index(o)
        start, end, after = self.starts[run], self.ends[run], self.lengths[run]
        cuts = sorted(x for x in newly_covered if start <= x <= end)
        before, lo = 0, start
        for x in [*cuts, end + 1]:
            if lo <= x - 1:
                piece = self._qualified_count(lo, x - 1)
                if new_qualified is not None and lo <= new_qualified <= x - 1:
                    piece -= 1
                before = max(before, piece)
            lo = x + 1
        return RunChange(before, after, start, end)

    def _insert_qualified(self, o: int) -> None:
        i = _first_after(self.q_starts, self.q_ends, o)  # the first qualified run after o (not qualified)
        left = i > 0 and self.q_ends[i - 1] == o - 1
        right = i < len(self.q_starts) and self.q_starts[i] == o + 1
        if left and right:
            self.q_ends[i - 1] = self.q_ends[i]
            del self.q_starts[i], self.q_ends[i]
        elif left:
            self.q_ends[i - 1] = o
        elif right:
            self.q_starts[i] = o
        else:
            self.q_starts.insert(i, o)
            self.q_ends.insert(i, o)

    def _cover(self, o: int, qualified: int) -> int:
        """Cover `o` (not covered), joining the runs beside it; returns the longest of those runs."""
        i = _first_after(self.starts, self.ends, o)  # the first run after o (o is not covered)
        joins_left = i > 0 and self.ends[i - 1] == o - 1
        joins_right = i < len(self.starts) and self.starts[i] == o + 1
        before = 0
        if joins_left and joins_right:
            before = max(self.lengths[i - 1], self.lengths[i])
            self.ends[i - 1] = self.ends[i]
            self.lengths[i - 1] += self.lengths[i] + qualified
            del self.starts[i], self.ends[i], self.lengths[i]
            i -= 1
        elif joins_left:
            before = self.lengths[i - 1]
            self.ends[i - 1] = o
            self.lengths[i - 1] += qualified
            i -= 1
        elif joins_right:
            before = self.lengths[i]
            self.starts[i] = o
            self.lengths[i] += qualified
        else:
            self.starts.insert(i, o)
            self.ends.insert(i, o)
            self.lengths.insert(i, qualified)
        self._note_longest(self.lengths[i])
        return before

    def _uncover(self, o: int) -> None:
        """`o` (not qualified) is covered no more: its run splits around it. The run is cut in place, so at
        most one run is inserted or removed (each shifts the lists behind it)."""
        run = self._run_index(o)
        start, end, length = self.starts[run], self.ends[run], self.lengths[run]
        if start == end:
            del self.starts[run], self.ends[run], self.lengths[run]
        elif o == start:
            self.starts[run] = o + 1
        elif o == end:
            self.ends[run] = o - 1
        else:
            self.ends[run] = o - 1
            self.lengths[run] = self._qualified_count(start, o - 1)
            self.starts.insert(run + 1, o + 1)
            self.ends.insert(run + 1, end)
            self.lengths.insert(run + 1, length - self.lengths[run])  # `o` itself is not qualified
            # Only a split shortens a run (`o` is not qualified: a trimmed run keeps its length, a removed
            # one had none), so only then can the longest be gone.
            if length == self.longest_streak:
                self.longest_streak = max(self.lengths, default=0)

    def _note_longest(self, length: int) -> None:
        if length > self.longest_streak:
            self.longest_streak = length


def _first_after(starts: array[int], ends: array[int], o: int) -> int:
    """Index of the first run starting after `o`, a day outside every run. In-order data comes after the
    last run: no search (a bisection of an array makes an int object for every step)."""
    if not ends or o > ends[-1]:
        return len(starts)
    return bisect_left(starts, o)


def contains(sorted_values: list[int], value: int) -> bool:
    if not sorted_values or value > sorted_values[-1]:  # in-order data asks most often past the end
        return False
    i = bisect_left(sorted_values, value)
    return i < len(sorted_values) and sorted_values[i] == value


def discard(sorted_values: list[int], value: int) -> bool:
    i = bisect_left(sorted_values, value)
    if i < len(sorted_values) and sorted_values[i] == value:
        del sorted_values[i]
        return True
    return False
