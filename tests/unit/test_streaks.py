"""Streak runs, current and longest streaks, freezes with refunds, and milestones."""

from datetime import date, timedelta

from streak_core.adapters.firestore.streaks import streak_state_from_doc, streak_state_to_doc
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
    assert state.lengths.tolist() == [3, 2]
    assert state.qualified_days == 5


def test_late_day_filling_a_one_day_gap_joins_two_runs() -> None:
    state = qualified(1, 2, 3, 5, 6, 7, 8)
    assert state.longest_streak == 4
    change = state.add_qualified(day(4), CONFIG)
    assert change is not None
    assert (change.before, change.after) == (4, 8)
    assert state.lengths.tolist() == [8]
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
    assert (state.qualified_days, state.lengths.tolist()) == (2, [2])


def test_freeze_bridges_a_missed_day_without_adding_to_the_length() -> None:
    state = qualified(0, 1, 2)
    state.freezes_available = 1
    assert state.apply_freeze(day(3), CONFIG) is not None
    state.add_qualified(day(4), CONFIG)
    assert state.current_streak(day(5)) == 4
    assert state.freezes_available == 0
    assert state.is_frozen(day(3))
    assert not state.is_qualified(day(3))


def test_freeze_is_refunded_when_late_data_qualifies_the_frozen_day() -> None:
    state = qualified(0, 1, 2)
    state.freezes_available = 1
    state.apply_freeze(day(3), CONFIG)
    change = state.add_qualified(day(3), CONFIG)
    assert change is not None
    assert (change.before, change.after, change.refunded) == (3, 4, True)
    assert state.freezes_available == 1
    assert not state.is_frozen(day(3))
    assert state.is_qualified(day(3))


def test_refund_never_exceeds_the_freezes_a_user_may_hold() -> None:
    state = qualified(0)
    state.freezes_available = 1
    state.apply_freeze(day(1), CONFIG)
    state.freezes_available = 2  # earned more meanwhile, up to the cap
    state.add_qualified(day(1), CONFIG)
    assert state.freezes_available == 2


def test_no_freeze_is_spent_on_a_covered_day_or_without_freezes() -> None:
    state = qualified(0)
    state.freezes_available = 1
    assert state.apply_freeze(day(0), CONFIG) is None
    assert state.freezes_available == 1
    state.freezes_available = 0
    assert state.apply_freeze(day(1), CONFIG) is None
    assert not state.is_covered(day(1))


def test_grant_freezes_respects_the_cap() -> None:
    state = StreakState(freezes_available=1)
    assert state.grant_freezes(5, CONFIG) == 1
    assert state.freezes_available == 2


def strong(state: StreakState, n: int) -> None:
    """Day n qualified with at least twice the threshold."""
    state.add_qualified(day(n), CONFIG)
    state.add_strong(day(n), CONFIG)


def test_a_strong_day_after_a_one_day_break_recovers_it() -> None:
    state = qualified(0, 1, 2)
    strong(state, 4)
    assert state.is_recovered(day(3))
    assert not state.is_qualified(day(3))
    assert state.current_streak(day(4)) == 4  # the recovered day bridges, it does not count
    assert [o - day(0).toordinal() for o in state.recovered] == [3]


def test_a_merely_qualified_day_does_not_recover() -> None:
    state = qualified(0, 1, 2, 4)
    assert not state.is_covered(day(3))
    assert state.current_streak(day(4)) == 1


def test_a_two_day_break_cannot_be_recovered() -> None:
    state = qualified(0, 1, 2)
    strong(state, 5)
    assert state.recovered == []
    assert state.current_streak(day(5)) == 1


def test_one_recovery_per_30_days() -> None:
    state = qualified(0, 1, 2)
    strong(state, 4)  # recovers day 3
    for n in range(5, 20):
        state.add_qualified(day(n), CONFIG)
    strong(state, 21)  # day 20 is within 30 days of day 3: not recovered
    assert not state.is_recovered(day(20))
    assert not state.recoverable(day(20), CONFIG)
    assert state.next_recovery_on(day(21), CONFIG) == day(34)
    for n in range(22, 34):
        state.add_qualified(day(n), CONFIG)
    strong(state, 35)  # day 34 is 31 days after day 3: recovered
    assert state.is_recovered(day(34))


def test_an_earlier_recovery_arriving_late_takes_the_later_ones_place() -> None:
    state = qualified(0, 1, 2, 4, 5, 6, 7, 8, 9, 11)
    state.add_strong(day(11), CONFIG)  # day 10 recovered
    state.add_qualified(day(12), CONFIG)
    assert state.is_recovered(day(10))
    assert state.current_streak(day(12)) == 8  # 4-9, 11, 12; day 3 is a break
    state.add_strong(day(4), CONFIG)  # late focus makes day 4 strong: day 3 is recovered now, and day
    assert state.is_recovered(day(3))  # 10, seven days later, may be recovered no more
    assert not state.is_recovered(day(10))
    assert state.current_streak(day(12)) == 2  # 11 and 12 again
    assert state.longest_streak == 9  # 0-9, day 3 recovered


def test_a_paused_week_bridges_without_a_freeze_and_focus_on_it_counts() -> None:
    state = qualified(0, 1, 2)
    state.pause([day(n) for n in range(3, 10)], CONFIG)
    state.add_qualified(day(5), CONFIG)
    state.add_qualified(day(10), CONFIG)
    assert state.current_streak(day(10)) == 5
    assert state.is_paused(day(5))
    assert state.freezes_available == 0


def test_withdrawing_a_pause_uncovers_its_days_again() -> None:
    state = qualified(0, 1, 2)
    state.pause([day(n) for n in range(3, 6)], CONFIG)
    assert state.current_streak(day(6)) == 3
    state.unpause([day(4), day(5)], CONFIG)
    assert state.current_streak(day(6)) == 0
    assert state.is_covered(day(3))
    assert not state.is_covered(day(4))


def test_a_day_after_paused_days_alone_is_no_break_to_recover() -> None:
    state = StreakState()
    state.pause([day(0), day(1)], CONFIG)
    strong(state, 3)
    assert not state.is_recovered(day(2))


def test_an_excused_day_bridges_and_gives_its_freeze_back() -> None:
    state = qualified(0, 1, 2)
    state.freezes_available = 1
    state.apply_freeze(day(3), CONFIG)
    assert state.freezes_available == 0
    assert state.excuse(day(3), CONFIG)
    assert (state.freezes_available, state.is_frozen(day(3)), state.is_excused(day(3))) == (1, False, True)
    assert not state.excuse(day(3), CONFIG)  # once
    assert state.excuse(day(4), CONFIG)
    state.add_qualified(day(5), CONFIG)
    assert state.current_streak(day(5)) == 4


def test_a_recovery_offer_stands_until_the_next_day_is_strong() -> None:
    state = qualified(0, 1, 2)
    assert state.recovery_offer(day(4), CONFIG) == day(3)
    state.add_qualified(day(4), CONFIG)
    assert state.recovery_offer(day(4), CONFIG) == day(3)  # qualified, not yet strong
    state.add_strong(day(4), CONFIG)
    assert state.recovery_offer(day(4), CONFIG) is None
    assert state.recovery_offer(day(5), CONFIG) is None  # nothing broken yesterday


def test_state_read_from_an_older_stored_form_keeps_its_runs() -> None:
    state = qualified(0, 1, 4)
    state.freezes_available = 1
    state.apply_freeze(day(2), CONFIG)
    old = {k: v for k, v in streak_state_to_doc(state).items() if k in OLD_FIELDS}
    assert streak_state_from_doc(old) == state


OLD_FIELDS = {
    "run_starts",
    "run_ends",
    "run_lengths",
    "frozen",
    "recovered",
    "freezes_available",
    "qualified_days",
    "longest_streak",
}


def test_qualified_between_excludes_bridged_days() -> None:
    state = qualified(0, 1, 3, 4)
    state.freezes_available = 1
    state.apply_freeze(day(2), CONFIG)
    assert state.qualified_between(day(0), day(6)) == 4
    assert state.qualified_between(day(1), day(3)) == 2


def test_state_round_trips_through_its_stored_form() -> None:
    state = qualified(0, 1, 4)
    state.freezes_available = 1
    state.apply_freeze(day(2), CONFIG)
    for strong in (4, 0, 1):  # kept as a set; stored in order, so equal states store equal documents
        state.add_strong(day(strong), CONFIG)
    stored = streak_state_to_doc(state)
    assert stored["strong"] == [day(0).toordinal(), day(1).toordinal(), day(4).toordinal()]
    assert streak_state_from_doc(stored) == state
