"""Pause limits: the cheap ones first, and the yearly count by date arithmetic (never by listing days)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.errors import InvalidRequest
from streak_core.models.streaks import Pause
from streak_core.services.pauses import create_pause
from tests.unit.fakes import InMemoryPauseStore, InMemoryUserStore

pytestmark = pytest.mark.unit
NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)
TODAY = NOW.date()


def refusals(first: date, last: date, store: InMemoryPauseStore | None = None) -> list[tuple[str, str]]:
    store = store or InMemoryPauseStore(InMemoryUserStore())
    with pytest.raises(InvalidRequest) as refused:
        create_pause(store, "u1", first, last, NOW, DEFAULT_CONFIG)
    return [(issue.field, issue.code) for issue in refused.value.issues]


class CountingPause(Pause):
    """A pause whose days may not be listed: the check must work from its range alone."""

    @property
    def days(self) -> list[date]:
        raise AssertionError("a pause's days were listed while checking its limits")


def test_a_pause_spanning_centuries_is_too_long_and_nothing_else_is_computed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import streak_core.services.pauses as pauses

    monkeypatch.setattr(pauses, "Pause", CountingPause)
    assert refusals(date(2027, 1, 1), date(8999, 12, 31)) == [("to", "too_long")]


def test_a_past_start_and_a_long_pause_are_both_reported() -> None:
    assert refusals(TODAY - timedelta(days=1), TODAY + timedelta(days=20)) == [
        ("from", "in_past"),
        ("to", "too_long"),
    ]


def test_a_start_past_the_lead_limit_is_refused_and_the_last_allowed_day_is_not() -> None:
    lead = DEFAULT_CONFIG.pause_max_lead_days
    far = TODAY + timedelta(days=lead + 1)
    assert refusals(far, far) == [("from", "too_far_ahead")]
    store = InMemoryPauseStore(InMemoryUserStore())
    last_allowed = TODAY + timedelta(days=lead)
    pause, created = create_pause(store, "u1", last_allowed, last_allowed, NOW, DEFAULT_CONFIG)
    assert created
    assert store.pauses("u1") == [pause]


def test_the_yearly_limit_counts_the_days_of_other_pauses_in_that_year_only() -> None:
    store = InMemoryPauseStore(InMemoryUserStore())
    for first in (date(2026, 12, 18), date(2027, 1, 2), date(2027, 2, 1)):  # 14 + 14 + 14 days
        create_pause(store, "u1", first, first + timedelta(days=13), NOW, DEFAULT_CONFIG)
    # 2026 holds 14 (Dec 18-31), 2027 holds 28: two more days in 2027 are allowed, a third is not.
    assert refusals(date(2027, 3, 1), date(2027, 3, 3), store) == [("to", "yearly_limit")]
    create_pause(store, "u1", date(2027, 3, 1), date(2027, 3, 2), NOW, DEFAULT_CONFIG)


@given(
    first=st.dates(date(1901, 1, 1), date(8998, 12, 1)),
    length=st.integers(-3, 400),
    year=st.integers(1900, 8999),
)
def test_days_in_a_year_agree_with_listing_the_days(first: date, length: int, year: int) -> None:
    pause = Pause("p", first, first + timedelta(days=length - 1), NOW)
    listed = [first + timedelta(days=n) for n in range(max(length, 0))]
    assert pause.length == len(listed)
    assert pause.days_in_year(year) == sum(1 for d in listed if d.year == year)
