"""Board rules: period keys, exact period scores from the runs, the ranking order, request parsing."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streak_core.adapters.firestore import ranks
from streak_core.domain.boards import (
    BoardEntry,
    BoardMove,
    last_qualified_day,
    period_bounds,
    period_key,
    period_of_key,
    scores_touched,
)
from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.streaks import StreakState
from streak_core.domain.vocabulary import Period, Visibility


def test_period_keys_follow_iso_weeks_and_calendar_months() -> None:
    assert period_key(Period.WEEK, date(2026, 1, 1)) == "week-2026-W01"
    assert period_key(Period.WEEK, date(2027, 1, 1)) == "week-2026-W53"  # a Friday in 2026's 53rd ISO week
    assert period_key(Period.MONTH, date(2024, 2, 29)) == "month-2024-02"
    assert period_key(Period.ALL, date(2024, 2, 29)) == "all"
    assert period_bounds(Period.MONTH, date(2024, 2, 10)) == (date(2024, 2, 1), date(2024, 2, 29))


@pytest.mark.parametrize("period", list(Period))
def test_a_board_key_names_its_period(period: Period) -> None:
    assert period_of_key(period_key(period, date(2026, 11, 21))) is period


def test_a_key_of_no_board_has_no_period() -> None:
    assert period_of_key("year-2026") is None


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=120), min_size=1, max_size=60))
def test_period_scores_count_exactly_the_qualified_days_in_each_period(offsets: list[int]) -> None:
    start = date(2026, 1, 20)
    state = StreakState()
    days = [start + timedelta(days=o) for o in offsets]
    for day in days:
        state.add_qualified(day, DEFAULT_CONFIG)
    unique = set(days)
    for key, score in scores_touched(state, days).items():
        if key == "all":
            assert score == len(unique)
            continue
        period = period_of_key(key)
        assert period is not None
        assert score == sum(1 for d in unique if period_key(period, d) == key)


def test_the_last_qualified_day_skips_trailing_frozen_days() -> None:
    state = StreakState()
    for offset in range(7):
        state.add_qualified(date(2026, 3, 1) + timedelta(days=offset), DEFAULT_CONFIG)
    state.grant_freezes(1, DEFAULT_CONFIG)
    assert state.apply_freeze(date(2026, 3, 8), DEFAULT_CONFIG) is not None
    assert state.ends[-1] == date(2026, 3, 8).toordinal()  # the run now ends on the frozen day
    assert last_qualified_day(state) == date(2026, 3, 7)
    assert last_qualified_day(StreakState()) is None


def test_order_is_score_then_longest_then_earliest_then_id() -> None:
    t = datetime(2026, 11, 1, tzinfo=UTC)
    entries = [
        BoardEntry("d", 3, 3, t + timedelta(seconds=1)),
        BoardEntry("c", 3, 3, t),
        BoardEntry("b", 3, 3, t),
        BoardEntry("e", 3, 1, t),
        BoardEntry("a", 9, 0, t + timedelta(days=9)),
    ]
    assert [e.uid for e in sorted(entries, key=lambda e: e.position.order)] == ["a", "b", "c", "d", "e"]


VISIBILITIES = st.sampled_from([Visibility.PUBLIC, Visibility.FRIENDS, Visibility.HIDDEN])
ENTRY_STATES = st.one_of(
    st.none(),
    st.tuples(st.integers(1, 4), st.integers(0, 2), st.integers(0, 2), VISIBILITIES),
)


def as_entry(uid: str, state: tuple[int, int, int, Visibility] | None) -> BoardEntry | None:
    if state is None:
        return None
    score, longest, hour, visibility = state  # hours 0-2 of two days: ties by day and by instant
    return BoardEntry(
        uid, score, longest, datetime(2026, 11, 1, 23, tzinfo=UTC) + timedelta(hours=hour), visibility
    )


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c", "d", "e"]), ENTRY_STATES), max_size=30))
def test_rank_documents_kept_by_moves_rank_like_the_whole_board(changes: list[tuple[str, Any]]) -> None:
    """Whatever the order of changes: the rank documents each move updates (count deltas, tie fields) end
    as the whole board's totals, and a rank read from them is the rank in board order."""
    entries: dict[str, BoardEntry] = {}
    docs: dict[str, dict[str, dict[str, Any]]] = defaultdict(lambda: defaultdict(dict))
    for uid, state in changes:
        move = BoardMove("all", uid, entries.get(uid), as_entry(uid, state))
        for doc_id, fields in ranks.changes(move).items():
            for kind, values in fields.items():
                for k, v in values.items():
                    held = docs[doc_id][kind]
                    if v is ranks.REMOVED:
                        del held[k]
                    elif kind == "c":
                        held[k] = held.get(k, 0) + v
                    else:
                        held[k] = v
        if move.after is None:
            entries.pop(uid, None)
        else:
            entries[uid] = move.after
    kept = {d: {k: {f: v for f, v in m.items() if v != 0} for k, m in f.items()} for d, f in docs.items()}
    whole = ranks.totals(entries.values())
    assert {d: f for d, f in kept.items() if any(f.values())} == whole
    public = [e for e in entries.values() if e.visibility is Visibility.PUBLIC]
    outsider = BoardEntry("zz", 2, 1, datetime(2026, 11, 2, tzinfo=UTC), Visibility.FRIENDS)
    for entry in [*public, outsider]:
        read = {doc_id: whole.get(doc_id, {}) for doc_id in ranks.needed(entry.position)}
        expected = sum(1 for e in public if e.position.order < entry.position.order)
        assert ranks.ahead(read, entry.position) == expected
