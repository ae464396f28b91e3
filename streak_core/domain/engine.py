"""Applying a session to a user's days and streak: the one write-side rule of the domain."""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass, field
from datetime import date

from streak_core.domain.config import StreakConfig
from streak_core.domain.days import DayState, qualifies
from streak_core.domain.sessions import Session
from streak_core.domain.streaks import RunChange, StreakState, milestones_reached
from streak_core.domain.timeline import split_by_local_day


@dataclass(frozen=True, slots=True)
class Milestone:
    days: int
    run_start: date


@dataclass(slots=True)
class SessionOutcome:
    """What a session changed: its piece of each local day (in order), newly qualified days with how their
    runs changed, and milestones."""

    pieces: list[tuple[date, int, int]] = field(default_factory=list)
    newly_qualified: list[date] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    run_changes: list[RunChange] = field(default_factory=list)


def apply_session(
    days: MutableMapping[date, DayState],
    streak: StreakState,
    session: Session,
    config: StreakConfig,
) -> SessionOutcome:
    """Merge the session into each local day it touches and update the streak in place.

    `days` needs to hold only the days the session touches (missing ones start empty), so an adapter
    can load exactly those. Applying the same session twice changes nothing the second time.
    """
    outcome = SessionOutcome()
    for day, start_ms, end_ms in split_by_local_day(session.start_ms, session.end_ms, session.zone):
        outcome.pieces.append((day, start_ms, end_ms))
        state = days.get(day)
        if state is None:
            state = days[day] = DayState(day)
        before_ms = state.focus_ms
        if not state.add((start_ms, end_ms)):
            continue
        if qualifies(before_ms // 1000, config) or not state.qualifies(config):
            continue
        change = streak.add_qualified(day, config)
        if change is None:
            continue
        outcome.newly_qualified.append(day)
        outcome.run_changes.append(change)
        reached = milestones_reached(change, config)
        if reached:
            outcome.milestones.extend(Milestone(m, change.start) for m in reached)
    return outcome
