"""A document's storage size, by Firestore's documented rules (pages and commits are sized by it)."""

from __future__ import annotations

from datetime import UTC, datetime

from streak_core.adapters.firestore.sizes import document_size


def test_the_documented_example_weighs_147_bytes() -> None:
    task = {"type": "Personal", "done": False, "priority": 1, "description": "Learn Cloud Firestore"}
    assert document_size("users/jeff/tasks/my_task_id", task) == 147


def test_lists_maps_and_instants_count_their_values() -> None:
    data = {"runs": [1, 2, 3], "badge": {"first": datetime(2026, 1, 1, tzinfo=UTC)}, "none": None}
    fields = (5 + 24) + (6 + 6 + 8) + (5 + 1)
    assert document_size("streaks/u1", data) == (8 + 3 + 16) + fields + 32
