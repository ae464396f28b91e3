"""Streak runs, current and longest streaks, freezes with refunds, and milestones."""

from datetime import date, timedelta

from streak_core.adapters.firestore.documents import streak_state_from_doc, streak_state_to_doc
from streak_core.domain.config import StreakConfig
from streak_core.domain.streaks import StreakState

CONFIG = StreakConfig(max_freezes_held=2)
D0 = date(2026, 11, 1)


def day(n: int) -> date:
    return D0 + timedelta(days=n)


def qualified(*ns: int) -> StreakState:
    state = StreakState()
    for n in ns:
        state.add_qualified(day(n), CONFIG)
    return state


def test_runs_are_stored_compactly_as_date_ranges() -> None:
    state = qualified(0, 1, 2, 5, 6)
    assert [(s, e) for s, e in zip(state.starts, state.ends, strict=True)] == [
        (day(0).toordinal(), day(2).toordinal()),
        (day(5).toordinal(), day(6).toordinal()),
    ]
    assert state.lengths == [3, 2]
    assert state.qualified_days == 5


def test_late_day_filling_a_one_day_gap_joins_two_runs() -> None:
    state = qualified(1, 2, 3, 5, 6, 7, 8)
    assert state.longest_streak == 4
    change = state.add_qualified(day(4), CONFIG)
    assert change is not None
    assert (change.before, change.after) == (4, 8)
    assert state.lengths == [8]
    assert state.longest_streak == 8
    assert state.current_streak(day(9)) == 8


def test_current_streak_survives_until_the_end_of_today() -> None:
    state = qualified(0, 1, 2)
    assert state.current_streak(day(2)) == 3
    assert state.current_streak(day(3)) == 3  # today not done yet
    assert state.current_streak(day(4)) == 0  # yesterday was missed


def test_at_risk_only_when_the_live_run_ended_yesterday() -> None:
    state = qualified(0, 1, 2)
    assert state.at_risk(day(3))
    assert not state.at_risk(day(2))
    assert not state.at_risk(day(5))


def test_adding_a_qualified_day_twice_changes_nothing() -> None:
    state = qualified(0, 1)
    assert state.add_qualified(day(1), CONFIG) is None
    assert (state.qualified_days, state.lengths) == (2, [2])


def test_freeze_bridges_a_missed_day_without_adding_to_the_length() -> None:
    state = qualified(0, 1, 2)
    state.freezes_available = 1
    assert state.apply_freeze(day(3)) is not None
    state.add_qualified(day(4), CONFIG)
    assert state.current_streak(day(5)) == 4
    assert state.freezes_available == 0
    assert state.is_frozen(day(3))
    assert not state.is_qualified(day(3))


def test_freeze_is_refunded_when_late_data_qualifies_the_frozen_day() -> None:
    state = qualified(0, 1, 2)
    state.freezes_available = 1
    state.apply_freeze(day(3))
    change = state.add_qualified(day(3), CONFIG)
    assert change is not None
    assert (change.before, change.after, change.refunded) == (3, 4, True)
    assert state.freezes_available == 1
    assert not state.is_frozen(day(3))
    assert state.is_qualified(day(3))


def test_refund_never_exceeds_the_freezes_a_user_may_hold() -> None:
    state = qualified(0)
    state.freezes_available = 1
    state.apply_freeze(day(1))
    state.freezes_available = 2  # earned more meanwhile, up to the cap
    state.add_qualified(day(1), CONFIG)
    assert state.freezes_available == 2


def test_no_freeze_is_spent_on_a_covered_day_or_without_freezes() -> None:
    state = qualified(0)
    state.freezes_available = 1
    assert state.apply_freeze(day(0)) is None
    assert state.freezes_available == 1
    state.freezes_available = 0
    assert state.apply_freeze(day(1)) is None
    assert not state.is_covered(day(1))


def test_grant_freezes_respects_the_cap() -> None:
    state = StreakState(freezes_available=1)
    assert state.grant_freezes(5, CONFIG) == 1
    assert state.freezes_available == 2


def test_recovered_day_bridges_and_a_run_needs_a_qualified_day() -> None:
    state = StreakState()
    state.mark_recovered(day(0))
    assert state.current_streak(day(1)) == 0
    state.add_qualified(day(1), CONFIG)
    assert state.current_streak(day(1)) == 1
    state.add_qualified(day(-1), CONFIG)
    assert state.current_streak(day(1)) == 2
    assert state.is_recovered(day(0))


def test_qualified_between_excludes_bridged_days() -> None:
    state = qualified(0, 1, 3, 4)
    state.freezes_available = 1
    state.apply_freeze(day(2))
    assert state.qualified_between(day(0), day(6)) == 4
    assert state.qualified_between(day(1), day(3)) == 2


def test_state_round_trips_through_its_stored_form() -> None:
    state = qualified(0, 1, 4)
    state.freezes_available = 1
    state.apply_freeze(day(2))
    assert streak_state_from_doc(streak_state_to_doc(state)) == state
