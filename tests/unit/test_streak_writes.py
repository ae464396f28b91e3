"""Streak writes of only the fields that moved: applied to the stored document they give the whole one."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime, timedelta

from google.cloud import firestore
from hypothesis import given, settings
from hypothesis import strategies as st

from streak_core.adapters.firestore.streaks import moved_fields, streak_to_doc
from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.streaks import StreakState
from streak_core.models.maintenance import DueUser
from streak_core.models.streaks import StreakRecord
from streak_core.models.users import UserSettings
from streak_core.services.maintenance import maintain

FIRST = date(2026, 10, 1)


def record(offsets: set[int], freezes: int, maintained: int) -> StreakRecord:
    state = StreakState(freezes_available=freezes)
    for n in sorted(offsets):
        state.add_qualified(FIRST + timedelta(days=n), DEFAULT_CONFIG)
    closed = FIRST + timedelta(days=maintained)
    return StreakRecord(state, timezone_setting="UTC", last_maintained_date=closed)


@settings(max_examples=150, deadline=None)
@given(st.sets(st.integers(0, 40), max_size=30), st.integers(0, 2), st.integers(0, 40), st.integers(1, 6))
def test_the_moved_fields_on_the_stored_document_are_the_whole_new_one(
    offsets: set[int], freezes: int, maintained: int, nights: int
) -> None:
    streak = record(offsets, freezes, maintained)
    stored = streak_to_doc("u1", streak)
    now = datetime.combine(FIRST + timedelta(days=maintained + nights + 1), datetime.min.time(), UTC)
    maintain(DueUser("u1", UserSettings(timezone="UTC"), streak, None), now, DEFAULT_CONFIG)
    written = streak_to_doc("u1", streak)

    moved = moved_fields(stored, written)

    assert {**copy.deepcopy(stored), **moved} == written
    assert set(moved) <= {k for k in written if stored.get(k) != written[k]}  # nothing else is sent
    # The same night again moves nothing at all.
    maintain(DueUser("u1", UserSettings(timezone="UTC"), streak, None), now, DEFAULT_CONFIG)
    assert moved_fields(written, streak_to_doc("u1", streak)) == {}


def test_a_retired_field_is_deleted_by_the_next_write() -> None:
    stored = {**streak_to_doc("u1", StreakRecord()), "updated_at": datetime(2026, 1, 1, tzinfo=UTC)}
    assert moved_fields(stored, streak_to_doc("u1", StreakRecord())) == {"updated_at": firestore.DELETE_FIELD}
