"""Applying a session to a user's days and streak: the one write-side rule of the domain."""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass
from datetime import date

from streak_core.domain.config import StreakConfig
from streak_core.domain.day_start import MIDNIGHT, DayStarts, split
from streak_core.domain.days import DayState, is_strong, qualifies
from streak_core.domain.runs import RunChange
from streak_core.domain.sessions import Session
from streak_core.domain.streaks import StreakState, milestones_reached


@dataclass(frozen=True, slots=True)
class Milestone:
    days: int
    run_start: date


@dataclass(slots=True)
class SessionOutcome:
    """What a session changed: its piece of each local day (in order), newly qualified days with how their
    runs changed, days it recovered (or whose recovery it undid), and milestones. What is mostly empty is
    an empty tuple, allocated by no one: a session allocates as little as the garbage collector can notice."""

    pieces: Sequence[tuple[date, int, int]] = ()
    newly_qualified: Sequence[date] = ()
    milestones: Sequence[Milestone] = ()
    run_changes: Sequence[RunChange] = ()
    recovered: Sequence[date] = ()
    unrecovered: Sequence[date] = ()


def apply_session(
    days: MutableMapping[date, DayState],
    streak: StreakState,
    session: Session,
    config: StreakConfig,
    starts: DayStarts = MIDNIGHT,
) -> SessionOutcome:
    """Merge the session into each local day it touches and update the streak in place.

    `days` needs to hold only the days the session touches (missing ones start empty), so an adapter
    can load exactly those. Applying the same session twice changes nothing the second time.
    """
    pieces = split(session.start_ms, session.end_ms, session.zone, starts)
    newly_qualified: tuple[date, ...] = ()
    run_changes: tuple[RunChange, ...] = ()
    for day, start_ms, end_ms in pieces:
        state = days.get(day)
        if state is None:
            state = days[day] = DayState(day)
        before = state.focus_ms // 1000
        if not state.add((start_ms, end_ms)):
            continue
        after = state.focus_ms // 1000
        if not qualifies(after, config):
            continue  # nor strong: that takes at least the threshold (the recovery factor is at least 1)
        if not qualifies(before, config):
            change = streak.add_qualified(day, config)
            if change is not None:
                newly_qualified += (day,)
                run_changes += (change,)
        if is_strong(after, config) and not is_strong(before, config):
            streak.add_strong(day, config)
    outcome = SessionOutcome(pieces, newly_qualified, (), run_changes)
    effects = streak.drain_effects()
    if effects.recovered or effects.unrecovered:
        gained, lost = set(effects.recovered), set(effects.unrecovered)
        outcome.recovered = [date.fromordinal(o) for o in sorted(gained - lost)]
        outcome.unrecovered = [date.fromordinal(o) for o in sorted(lost - gained)]
    if run_changes or effects.grown:  # most sessions change no run: nothing to look at
        outcome.milestones = _milestones([*run_changes, *effects.grown], config)
    return outcome


def _milestones(changes: list[RunChange], config: StreakConfig) -> tuple[Milestone, ...]:
    """Each milestone the changed runs reached, once (a run reaches one once, however many days did)."""
    if len(changes) == 1:  # the common case: one day, one run, no milestone (the empty tuple is shared)
        change = changes[0]
        reached = milestones_reached(change, config)
        return tuple(Milestone(m, change.start) for m in reached) if reached else ()
    return tuple(dict.fromkeys(Milestone(m, c.start) for c in changes for m in milestones_reached(c, config)))
