"""The streak state: covered days kept as sorted date runs, with freezes, recoveries and counters.

A day is *covered* when it is qualified, frozen or recovered. Covered days are stored as maximal runs of
consecutive date ordinals, each with the number of qualified days inside it. Because sessions only ever
add time, coverage only grows and runs only merge; so `longest_streak` is maintained incrementally and
every update is a binary search plus a constant number of list edits: a late day in a history of any
length costs about the same.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from streak_core.domain.config import StreakConfig


class RunChange(NamedTuple):
    """How the run holding a day changed: its qualified length before and after, and where it now lies.

    A NamedTuple, and dates only on demand: one is made for every qualified day, on the hot path.
    """

    before: int
    after: int
    start_ordinal: int
    end_ordinal: int
    refunded: bool = False  # a freeze spent on the day was given back

    @property
    def start(self) -> date:
        return date.fromordinal(self.start_ordinal)

    @property
    def end(self) -> date:
        return date.fromordinal(self.end_ordinal)


@dataclass(slots=True)
class StreakState:
    """Covered date runs (inclusive ordinals) and the counters derived from them. Mutated in place."""

    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    lengths: list[int] = field(default_factory=list)  # qualified days in each run
    frozen: list[int] = field(default_factory=list)  # sorted ordinals of frozen, not qualified days
    recovered: list[int] = field(default_factory=list)
    freezes_available: int = 0
    qualified_days: int = 0
    longest_streak: int = 0

    # --- queries -----------------------------------------------------------------------------
    def _run_index(self, ordinal: int) -> int:
        """Index of the run containing `ordinal`, or -1."""
        i = bisect_right(self.starts, ordinal) - 1
        return i if i >= 0 and self.ends[i] >= ordinal else -1

    def is_covered(self, day: date) -> bool:
        return self._run_index(day.toordinal()) >= 0

    def is_frozen(self, day: date) -> bool:
        return _contains(self.frozen, day.toordinal())

    def is_recovered(self, day: date) -> bool:
        return _contains(self.recovered, day.toordinal())

    def is_qualified(self, day: date) -> bool:
        o = day.toordinal()
        return self._run_index(o) >= 0 and not _contains(self.frozen, o) and not _contains(self.recovered, o)

    def current_streak(self, today: date) -> int:
        """Length of the run containing `today`, else of the one containing yesterday, else 0."""
        run = self._live_run(today)
        return self.lengths[run] if run >= 0 else 0

    def _live_run(self, today: date) -> int:
        o = today.toordinal()
        i = bisect_right(self.starts, o) - 1
        return i if i >= 0 and self.ends[i] >= o - 1 else -1

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
        lo, hi = first.toordinal(), last.toordinal()
        covered = 0
        i = max(bisect_right(self.starts, lo) - 1, 0)
        while i < len(self.starts) and self.starts[i] <= hi:
            overlap = min(self.ends[i], hi) - max(self.starts[i], lo) + 1
            covered += max(overlap, 0)
            i += 1
        bridged = _count_between(self.frozen, lo, hi) + _count_between(self.recovered, lo, hi)
        return covered - bridged

    def qualified_dates(self) -> list[date]:
        """Every qualified date, ascending (O(history): for reports and tests, not hot paths)."""
        bridged = set(self.frozen) | set(self.recovered)
        return [
            date.fromordinal(o)
            for s, e in zip(self.starts, self.ends, strict=True)
            for o in range(s, e + 1)
            if o not in bridged
        ]

    # --- updates -----------------------------------------------------------------------------
    def add_qualified(self, day: date, config: StreakConfig) -> RunChange | None:
        """Record that `day` qualified. Refunds a freeze spent on it. None if it already qualified."""
        o = day.toordinal()
        run = self._run_index(o)
        if run >= 0:
            refunded = _discard(self.frozen, o)
            if refunded:
                self.freezes_available = min(self.freezes_available + 1, config.max_freezes_held)
            elif not _discard(self.recovered, o):
                return None  # already qualified: nothing changes
            before = self.lengths[run]
            self.lengths[run] += 1
            self.qualified_days += 1
            return self._changed(run, before)._replace(refunded=refunded)
        self.qualified_days += 1
        return self._cover(o, qualified=1)

    def apply_freeze(self, day: date) -> RunChange | None:
        """Spend a freeze to bridge `day`. None (nothing spent) if it is covered or none is left."""
        o = day.toordinal()
        if self.freezes_available <= 0 or self._run_index(o) >= 0:
            return None
        self.freezes_available -= 1
        insort(self.frozen, o)
        return self._cover(o, qualified=0)

    def mark_recovered(self, day: date) -> RunChange | None:
        """Bridge `day` by the recovery rule. None if it is already covered."""
        o = day.toordinal()
        if self._run_index(o) >= 0:
            return None
        insort(self.recovered, o)
        return self._cover(o, qualified=0)

    def grant_freezes(self, count: int, config: StreakConfig) -> int:
        """Add up to `count` freezes without exceeding the cap; return how many were granted."""
        granted = max(0, min(count, config.max_freezes_held - self.freezes_available))
        self.freezes_available += granted
        return granted

    def _cover(self, o: int, qualified: int) -> RunChange:
        i = bisect_left(self.starts, o)  # first run starting after o (o is not covered)
        joins_left = i > 0 and self.ends[i - 1] == o - 1
        joins_right = i < len(self.starts) and self.starts[i] == o + 1
        if joins_left and joins_right:
            before = max(self.lengths[i - 1], self.lengths[i])
            self.ends[i - 1] = self.ends[i]
            self.lengths[i - 1] += self.lengths[i] + qualified
            del self.starts[i], self.ends[i], self.lengths[i]
            return self._changed(i - 1, before)
        if joins_left:
            before = self.lengths[i - 1]
            self.ends[i - 1] = o
            self.lengths[i - 1] += qualified
            return self._changed(i - 1, before)
        if joins_right:
            before = self.lengths[i]
            self.starts[i] = o
            self.lengths[i] += qualified
            return self._changed(i, before)
        self.starts.insert(i, o)
        self.ends.insert(i, o)
        self.lengths.insert(i, qualified)
        return self._changed(i, 0)

    def _changed(self, run: int, before: int) -> RunChange:
        after = self.lengths[run]
        if after > self.longest_streak:
            self.longest_streak = after
        return RunChange(before, after, self.starts[run], self.ends[run])


def milestones_reached(change: RunChange, config: StreakConfig) -> tuple[int, ...]:
    """Milestones the run crossed in this change; each fires once per run, when first reached."""
    milestones = config.milestones  # sorted, as the configuration guarantees
    return milestones[bisect_right(milestones, change.before) : bisect_right(milestones, change.after)]


def _contains(sorted_values: list[int], value: int) -> bool:
    i = bisect_left(sorted_values, value)
    return i < len(sorted_values) and sorted_values[i] == value


def _discard(sorted_values: list[int], value: int) -> bool:
    i = bisect_left(sorted_values, value)
    if i < len(sorted_values) and sorted_values[i] == value:
        del sorted_values[i]
        return True
    return False


def _count_between(sorted_values: list[int], lo: int, hi: int) -> int:
    return bisect_right(sorted_values, hi) - bisect_left(sorted_values, lo)
