"""The leaderboard service with fakes of its ports: live ranks on every page, cursors bound to their board,
and a snapshot cache that never serves a page built "in the future"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from streak_core.domain.boards import BoardEntry
from streak_core.domain.vocabulary import BoardStart, Period, Scope, Visibility
from streak_core.errors import InvalidCursor
from streak_core.models.social import BoardRow, BoardSnapshot
from streak_core.services.cursors import Cursors
from streak_core.services.leaderboard import BoardCache, BoardRequest, Leaderboards
from tests.unit.fakes import InMemoryFriendStore, InMemoryLeaderboardStore, InMemoryUserStore

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)


def service(scores: list[int], cache: BoardCache | None = None) -> tuple[Leaderboards, InMemoryUserStore]:
    users = InMemoryUserStore()
    board = users.boards.setdefault("all", {})
    for n, score in enumerate(scores):
        board[f"u{n}"] = BoardEntry(f"u{n}", score, score, NOW, Visibility.PUBLIC)
    boards = InMemoryLeaderboardStore(users)
    leaderboards = Leaderboards(
        users, boards, InMemoryFriendStore(users), Cursors("k"), cache or BoardCache(enabled=False)
    )
    return leaderboards, users


def all_pages(leaderboards: Leaderboards, limit: int) -> list[BoardRow]:
    rows: list[BoardRow] = []
    cursor = None
    while True:
        page = leaderboards.board("u0", BoardRequest(Period.ALL, Scope.GLOBAL, limit, cursor), NOW)
        rows += page.entries
        cursor = page.next_cursor
        if cursor is None:
            return rows


def test_pages_rank_every_entry_once_in_order() -> None:
    leaderboards, _ = service([5, 9, 1, 7, 3, 8, 2])
    rows = all_pages(leaderboards, limit=3)
    assert [r.rank for r in rows] == list(range(1, 8))
    assert [r.score for r in rows] == [9, 8, 7, 5, 3, 2, 1]


def test_a_deep_page_is_ranked_live_when_the_board_changed_since_the_cursor() -> None:
    leaderboards, users = service([9, 8, 7, 6])
    first = leaderboards.board("u0", BoardRequest(Period.ALL, Scope.GLOBAL, 2, None), NOW)
    # Someone climbs above the page already seen: the next page's ranks move down by one.
    users.boards["all"]["new"] = BoardEntry("new", 10, 10, NOW, Visibility.PUBLIC)
    second = leaderboards.board("u0", BoardRequest(Period.ALL, Scope.GLOBAL, 2, first.next_cursor), NOW)
    assert [(r.user_id, r.rank) for r in second.entries] == [("u2", 4), ("u3", 5)]


@pytest.mark.parametrize(("period", "scope"), [(Period.WEEK, Scope.GLOBAL), (Period.ALL, Scope.FRIENDS)])
def test_a_cursor_only_continues_the_board_it_was_issued_for(period: Period, scope: Scope) -> None:
    leaderboards, _ = service([3, 2, 1])
    first = leaderboards.board("u0", BoardRequest(Period.ALL, Scope.GLOBAL, 1, None), NOW)
    with pytest.raises(InvalidCursor):
        leaderboards.board("u0", BoardRequest(period, scope, 1, first.next_cursor), NOW)


def test_a_snapshot_built_later_than_now_is_not_served() -> None:
    clock = [0.0]
    cache = BoardCache(max_age=timedelta(seconds=60), memory_age=0, monotonic=lambda: clock[0])
    leaderboards, _ = service([4, 2], cache)
    stale = BoardSnapshot(NOW + timedelta(days=400), ())  # an empty page "from the future"
    leaderboards.boards.save_snapshot("all", stale)
    page = leaderboards.board("u0", BoardRequest(Period.ALL, Scope.GLOBAL, 10, None), NOW)
    assert [r.score for r in page.entries] == [4, 2]
    rebuilt = leaderboards.boards.snapshot("all")
    assert rebuilt is not None
    assert rebuilt.built_at == NOW


def test_a_fresh_snapshot_is_served_until_it_is_old() -> None:
    cache = BoardCache(max_age=timedelta(seconds=60), memory_age=0)
    leaderboards, users = service([4], cache)
    request = BoardRequest(Period.ALL, Scope.GLOBAL, 10, None)
    leaderboards.board("u0", request, NOW)
    users.boards["all"]["late"] = BoardEntry("late", 9, 9, NOW, Visibility.PUBLIC)
    assert len(leaderboards.board("u0", request, NOW + timedelta(seconds=59)).entries) == 1
    assert len(leaderboards.board("u0", request, NOW + timedelta(seconds=60)).entries) == 2


def test_a_first_page_cached_before_the_callers_entry_is_built_again_so_page_and_me_agree() -> None:
    """The dashboard showed "Your rank: #1 · score 6" above "Nobody is on this board yet": the first page was
    cached while the board was empty, and `me` is live."""
    cache = BoardCache(max_age=timedelta(seconds=60), memory_age=60)
    leaderboards, users = service([], cache)
    request = BoardRequest(Period.ALL, Scope.GLOBAL, 10, None)
    assert leaderboards.board("u0", request, NOW).entries == []  # cached empty
    users.boards["all"]["u0"] = BoardEntry("u0", 6, 6, NOW, Visibility.PUBLIC)
    page = leaderboards.board("u0", request, NOW + timedelta(seconds=5))
    assert (page.me.rank, page.me.score) == (1, 6)
    assert [(r.rank, r.user_id, r.score) for r in page.entries] == [(1, "u0", 6)]
    # Another viewer now gets the rebuilt page from the cache; a hidden caller never forces a rebuild.
    users.boards["all"]["shy"] = BoardEntry("shy", 9, 9, NOW, Visibility.HIDDEN)
    again = leaderboards.board("shy", request, NOW + timedelta(seconds=6))
    assert [r.user_id for r in again.entries] == ["u0"]
    assert again.me.rank == 1


def from_me(leaderboards: Leaderboards, uid: str, limit: int, scope: Scope = Scope.GLOBAL) -> list[BoardRow]:
    page = leaderboards.board(uid, BoardRequest(Period.ALL, scope, limit, None, BoardStart.ME), NOW)
    rows = list(page.entries)
    if page.next_cursor:  # the cursor continues the board from the page's last row
        rows += leaderboards.board(uid, BoardRequest(Period.ALL, scope, 100, page.next_cursor), NOW).entries
    return rows


def test_jump_to_me_begins_with_the_callers_row_and_pages_on_from_it() -> None:
    leaderboards, _ = service([9, 8, 7, 6, 5, 4, 3, 2, 1])
    rows = from_me(leaderboards, "u6", limit=2)
    assert [(r.user_id, r.rank) for r in rows] == [("u6", 7), ("u7", 8), ("u8", 9)]
    assert rows == all_pages(leaderboards, limit=4)[6:]


def test_jump_to_me_for_a_hidden_caller_begins_behind_them_at_their_rank() -> None:
    leaderboards, users = service([9, 8, 7, 6])
    users.boards["all"]["u1"] = BoardEntry("u1", 8, 8, NOW, Visibility.HIDDEN)
    page = leaderboards.board("u1", BoardRequest(Period.ALL, Scope.GLOBAL, 5, None, BoardStart.ME), NOW)
    assert page.me.rank == 2
    assert [(r.user_id, r.rank) for r in page.entries] == [("u2", 2), ("u3", 3)]


def test_jump_to_me_on_the_friends_board() -> None:
    leaderboards, _ = service([9, 8, 7, 6])
    friends = leaderboards.friends
    assert isinstance(friends, InMemoryFriendStore)
    for other in ("u0", "u1", "u3"):
        friends.friends.setdefault("u2", {})[other] = NOW
    rows = from_me(leaderboards, "u2", limit=1, scope=Scope.FRIENDS)
    assert [(r.user_id, r.rank) for r in rows] == [("u2", 3), ("u3", 4)]
