"""The friend streak rule: two friends' days, each in their own local days, judged together (DESIGN.md
"Friend streaks (precise)").

A date counts for the pair when both friends qualified it; it is covered when each of them has it covered
(qualified, frozen, recovered, paused or excused). A pair run is a maximal sequence of consecutive covered
dates from the acceptance date on, holding at least one counting date; its length is the number of counting
dates. The current length is the run holding E or E-1, E being the earlier of the two local todays: nobody
is judged before their own day is over.

Each friend's covered days are their streak's runs (a covered block of one friend without a qualified day of
theirs holds no counting date, so leaving it out changes no pair run), and their qualified days its qualified
runs: a pure function of the two streak states and the acceptance date, in time linear in the runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from streak_core.domain.runs import Runs

Span = tuple[int, int]  # inclusive date ordinals


@dataclass(frozen=True, slots=True)
class Side:
    """One friend's days as the pair sees them: covered runs and qualified runs (inclusive ordinals)."""

    covered: tuple[Span, ...]
    qualified: tuple[Span, ...]

    @classmethod
    def of(cls, runs: Runs) -> Side:
        covered = tuple(zip(runs.starts, runs.ends, strict=True))
        return cls(covered, tuple(zip(runs.q_starts, runs.q_ends, strict=True)))


@dataclass(frozen=True, slots=True)
class PairRun:
    start: date
    end: date
    length: int  # counting dates in it
    last: date  # its latest counting date


@dataclass(frozen=True, slots=True)
class PairStanding:
    """Where a friend streak stands on the pair's date `today` (the earlier of the two local todays)."""

    today: date
    length: int  # the current length: the run holding today or yesterday, else 0
    longest: int
    live: PairRun | None  # that run, when there is one
    latest: PairRun | None  # the last run of all (what a break ended)

    @property
    def at_risk(self) -> bool:
        """A live friend streak that ends yesterday: it breaks unless today gets covered for both."""
        return self.live is not None and self.live.end.toordinal() == self.today.toordinal() - 1


def pair_today(today_a: date, today_b: date) -> date:
    """The pair's date: the earlier of the two friends' local todays."""
    return min(today_a, today_b)


def _intersect(a: tuple[Span, ...], b: tuple[Span, ...], first: int) -> list[Span]:
    """The spans both lists cover, from `first` on (both lists sorted and disjoint)."""
    out: list[Span] = []
    i = j = 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0], first), min(a[i][1], b[j][1])
        if lo <= hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def pair_runs(a: Side, b: Side, started_on: date) -> list[PairRun]:
    """Every run of the pair from `started_on` on, oldest first."""
    first = started_on.toordinal()
    covered = _merged(_intersect(a.covered, b.covered, first))
    counting = _intersect(a.qualified, b.qualified, first)
    runs: list[PairRun] = []
    k = 0
    for lo, hi in covered:
        length = last = 0
        while k < len(counting) and counting[k][1] < lo:
            k += 1
        m = k
        while m < len(counting) and counting[m][0] <= hi:
            length += min(hi, counting[m][1]) - max(lo, counting[m][0]) + 1
            last = min(hi, counting[m][1])
            m += 1
        if length:
            runs.append(PairRun(date.fromordinal(lo), date.fromordinal(hi), length, date.fromordinal(last)))
    return runs


def _merged(spans: list[Span]) -> list[Span]:
    """Adjacent spans joined (two friends' runs can meet end to start only through each other's gaps, but
    clipping makes no promise)."""
    out: list[Span] = []
    for lo, hi in spans:
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(hi, out[-1][1]))
        else:
            out.append((lo, hi))
    return out


def standing(a: Side, b: Side, started_on: date, today: date) -> PairStanding:
    """The friend streak of `a` and `b` since `started_on`, judged on the pair's date `today`."""
    runs = pair_runs(a, b, started_on)
    o = today.toordinal()
    live = next((r for r in reversed(runs) if r.start.toordinal() <= o and r.end.toordinal() >= o - 1), None)
    return PairStanding(
        today=today,
        length=live.length if live else 0,
        longest=max((r.length for r in runs), default=0),
        live=live,
        latest=runs[-1] if runs else None,
    )
