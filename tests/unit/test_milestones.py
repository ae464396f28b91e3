"""Milestones fire once per run, when the run first reaches 7, 30, 100 or 365 qualified days."""

from datetime import date, timedelta

from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.streaks import StreakState, milestones_reached

D0 = date(2026, 1, 1)


def add(state: StreakState, n: int) -> list[int]:
    change = state.add_qualified(D0 + timedelta(days=n), DEFAULT_CONFIG)
    return list(milestones_reached(change, DEFAULT_CONFIG)) if change else []


def test_seventh_consecutive_day_reports_the_7_day_milestone_once() -> None:
    state = StreakState()
    fired = [m for n in range(10) for m in add(state, n)]
    assert fired == [7]


def test_each_milestone_up_to_365_fires_exactly_once_in_a_long_run() -> None:
    state = StreakState()
    fired = [m for n in range(400) for m in add(state, n)]
    assert fired == [7, 30, 100, 365]


def test_late_day_joining_runs_reports_the_milestone_the_merge_reaches() -> None:
    state = StreakState()
    for n in [*range(4), *range(5, 7)]:
        add(state, n)
    assert add(state, 4) == [7]


def test_merging_runs_that_each_passed_a_milestone_does_not_repeat_it() -> None:
    state = StreakState()
    for n in [*range(8), *range(9, 17)]:
        add(state, n)
    assert add(state, 8) == []
