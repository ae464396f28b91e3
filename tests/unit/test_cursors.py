"""Page cursors: they round-trip, and anything the server did not issue for that list is refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from streak_core.domain.boards import BoardPosition
from streak_core.domain.vocabulary import Scope
from streak_core.errors import InvalidCursor
from streak_core.ports.users import NotificationPosition
from streak_core.services.cursors import Cursors

POSITION = BoardPosition(5, 4, datetime(2026, 11, 1, 8, tzinfo=UTC), "u1")


def test_a_board_cursor_round_trips_with_its_scope_and_board() -> None:
    cursors = Cursors("k")
    assert cursors.board_position(cursors.board(Scope.FRIENDS, "week-2026-W47", POSITION)) == (
        Scope.FRIENDS,
        "week-2026-W47",
        POSITION,
    )


def test_a_notification_cursor_round_trips() -> None:
    cursors = Cursors("k")
    position = NotificationPosition(datetime(2026, 11, 1, 8, 30, tzinfo=UTC), "u1:milestone:7-2026-11-01")
    assert cursors.notification_position(cursors.notifications(position)) == position


@pytest.mark.parametrize("garbage", ["", "%%%", "bm9wZQ", "a.b", "x" * 5000, "\ud800"])
def test_garbage_is_an_invalid_cursor(garbage: str) -> None:
    with pytest.raises(InvalidCursor):
        Cursors("k").board_position(garbage)
    with pytest.raises(InvalidCursor):
        Cursors("k").notification_position(garbage)


def test_a_cursor_with_one_changed_character_is_refused() -> None:
    cursor = Cursors("k").board(Scope.GLOBAL, "all", POSITION)
    flipped = cursor[:-1] + ("A" if cursor[-1] != "A" else "B")
    with pytest.raises(InvalidCursor):
        Cursors("k").board_position(flipped)


def test_a_cursor_signed_with_another_key_is_refused() -> None:
    with pytest.raises(InvalidCursor):
        Cursors("mine").board_position(Cursors("theirs").board(Scope.GLOBAL, "all", POSITION))


def test_a_cursor_of_one_list_is_refused_by_another() -> None:
    cursors = Cursors("k")
    position = NotificationPosition(datetime(2026, 11, 1, tzinfo=UTC), "e1")
    with pytest.raises(InvalidCursor):
        cursors.board_position(cursors.notifications(position))
