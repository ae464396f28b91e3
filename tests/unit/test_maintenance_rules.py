"""Closing finished days: freeze vs break, catch-up, earned freezes, the weekly bonus, idempotency."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from streak_core.domain.config import StreakConfig
from streak_core.domain.maintenance import MaintenanceEvent, close_days
from streak_core.domain.streaks import StreakState
from streak_core.services.views import end_of_today

CONFIG = StreakConfig(max_freezes_held=2, freeze_every_days=7)
MONDAY = date(2026, 11, 2)


def day(n: int) -> date:
    return MONDAY + timedelta(days=n)


def history(*ns: int, freezes: int = 0) -> StreakState:
    state = StreakState(freezes_available=freezes)
    for n in ns:
        state.add_qualified(day(n), CONFIG)
    return state


def kinds(events: list) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [(e.kind, e.key) for e in events]


def test_a_missed_day_takes_a_freeze_when_one_is_held() -> None:
    state = history(0, 1, 2, freezes=1)
    closing = close_days(state, [], day(2), day(3), "UTC", CONFIG)
    assert kinds(closing.events) == [("freeze_applied", day(3).isoformat())]
    assert closing.events[0].data == {"streak": 3, "freezes_left": 0}
    assert state.current_streak(day(4)) == 3


def test_a_missed_day_without_a_freeze_breaks_the_streak() -> None:
    state = history(0, 1, 2)
    closing = close_days(state, [], day(2), day(3), "UTC", CONFIG)
    assert kinds(closing.events) == [("streak_broken", day(3).isoformat())]
    # Still recoverable: a strong day tomorrow (the end of day 4, UTC) recovers it.
    assert closing.events[0].data == {
        "length_lost": 3,
        "recoverable_until": datetime.combine(day(5), datetime.min.time(), UTC).isoformat(),
        "minutes": 60,
    }
    assert state.current_streak(day(4)) == 0


def test_catching_up_three_missed_days_freezes_once_then_breaks_once() -> None:
    state = history(0, 1, 2, freezes=1)
    closing = close_days(state, [], day(2), day(5), "UTC", CONFIG)
    assert closing.closed == [day(3), day(4), day(5)]
    assert kinds(closing.events) == [
        ("freeze_applied", day(3).isoformat()),
        ("streak_broken", day(4).isoformat()),
    ]
    assert closing.last_closed == day(5)


def test_closing_the_same_days_again_changes_nothing() -> None:
    state = history(0, 1, 2, 3, 4, 5, 6)
    weeks: list[str] = []
    first = close_days(state, weeks, None, day(6), "UTC", CONFIG)
    snapshot = (copy.deepcopy(state), list(weeks))
    again = close_days(state, weeks, first.last_closed, day(6), "UTC", CONFIG)
    assert (again.events, again.closed) == ([], [])
    assert (state, weeks) == snapshot


def test_the_weekly_bonus_is_granted_once_at_the_end_of_the_week() -> None:
    weeks: list[str] = []
    closing = close_days(history(0, 1, 2, 4, 6), weeks, None, day(6), "UTC", CONFIG)
    assert ("weekly_bonus", "2026-W45") in kinds(closing.events)
    assert weeks == ["2026-W45"]
    assert (
        close_days(history(0, 1, 2, 4, 6), weeks, None, day(6), "UTC", CONFIG).events[-1].kind
        != "weekly_bonus"
    )


def test_four_days_of_seven_earn_no_bonus() -> None:
    weeks: list[str] = []
    closing = close_days(history(0, 1, 2, 4), weeks, None, day(6), "UTC", CONFIG)
    assert "weekly_bonus" not in [e.kind for e in closing.events]


def test_a_freeze_is_earned_every_seven_qualified_days_up_to_the_cap() -> None:
    state = history(*range(28))
    closing = close_days(state, [], None, day(27), "UTC", CONFIG)
    earned = [e.key for e in closing.events if e.kind == "freeze_earned"]
    assert earned == [day(6).isoformat(), day(13).isoformat()]  # the cap of 2 stops the third
    assert state.freezes_available == 2


def test_a_user_never_maintained_starts_at_their_first_covered_day() -> None:
    closing = close_days(history(3, 4), [], None, day(6), "UTC", CONFIG)
    assert closing.closed[0] == day(3)


def test_nothing_to_close_for_a_user_without_history() -> None:
    closing = close_days(StreakState(), [], None, day(6), "UTC", CONFIG)
    assert (closing.closed, closing.last_closed) == ([], None)


def test_next_due_instant_is_the_next_local_midnight_across_dst() -> None:
    spring = datetime(2026, 3, 8, 1, 30, tzinfo=UTC)  # 20:30 on the 7th in New York (EST)
    assert end_of_today(spring, "America/New_York") == datetime(2026, 3, 8, 5, tzinfo=UTC)
    gap_day = datetime(2026, 3, 8, 12, tzinfo=UTC)  # the 23-hour day; it ends at midnight EDT
    assert end_of_today(gap_day, "America/New_York") == datetime(2026, 3, 9, 4, tzinfo=UTC)
    kiritimati = datetime(2026, 11, 21, 9, 59, tzinfo=UTC)
    assert end_of_today(kiritimati, "Pacific/Kiritimati") == datetime(2026, 11, 21, 10, tzinfo=UTC)


@settings(max_examples=200, deadline=None)
@given(
    st.sets(st.integers(0, 59), max_size=50),
    st.integers(0, 2),
    st.lists(st.integers(1, 10), min_size=1, max_size=20),
)
def test_catching_up_at_once_equals_closing_day_by_day(
    qualified: set[int], freezes: int, steps: list[int]
) -> None:
    last_day = day(59)
    at_once = history(*qualified, freezes=freezes)
    weeks_once: list[str] = []
    all_events = close_days(at_once, weeks_once, day(-1), last_day, "UTC", CONFIG).events

    stepwise = history(*qualified, freezes=freezes)
    weeks_steps: list[str] = []
    events = []
    closed_through = day(-1)
    for step in [*steps, 60]:
        target = min(closed_through + timedelta(days=step), last_day)
        closing = close_days(stepwise, weeks_steps, closed_through, target, "UTC", CONFIG)
        events.extend(closing.events)
        closed_through = closing.last_closed or closed_through
    # The one difference: a break is offered for recovery only while its next day is still to come, so
    # closing day by day offers breaks that a late catch-up closes for good.
    assert [without_offer(e) for e in events] == [without_offer(e) for e in all_events]
    assert (stepwise, weeks_steps) == (at_once, weeks_once)
    assert all("recoverable_until" not in e.data for e in all_events[:-1] if e.day < last_day)


def without_offer(event: MaintenanceEvent) -> MaintenanceEvent:
    data = {k: v for k, v in event.data.items() if k not in ("recoverable_until", "minutes")}
    return replace(event, data=data)
