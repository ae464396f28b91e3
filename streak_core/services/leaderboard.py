"""Leaderboards: global boards from the public entries, friends boards from the friends' entries, `me` live,
the first page of each global board served from a snapshot and a per-instance cache. Ranks are always
worked out here, never read from a cursor."""

from __future__ import annotations

import threading
import time
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from streak_core.domain.boards import (
    BoardEntry,
    BoardPosition,
    period_key,
    period_of_key,
    visible_to_friends,
)
from streak_core.domain.vocabulary import BoardStart, Period, Scope, Visibility
from streak_core.errors import InvalidCursor
from streak_core.models.social import BoardRow, BoardSnapshot, StreakSummary
from streak_core.ports.boards import LeaderboardStore
from streak_core.ports.friends import FriendStore
from streak_core.ports.users import UserStore
from streak_core.services.cursors import Cursors
from streak_core.services.views import local_today, user_today

MAX_LIMIT = 100
SNAPSHOT_SIZE = MAX_LIMIT


@dataclass
class BoardCache:
    """Global first pages: a snapshot document rebuilt when older than `max_age`, and this instance's copy
    of it for `memory_age` (monotonic clock)."""

    max_age: timedelta = timedelta(seconds=60)
    memory_age: float = 10.0
    enabled: bool = True
    monotonic: Callable[[], float] = time.monotonic
    _pages: dict[str, tuple[float, tuple[BoardRow, ...]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def first_page(
        self,
        boards: LeaderboardStore,
        key: str,
        now: datetime,
        build: Callable[[], list[BoardRow]],
        rebuild: bool = False,
    ) -> tuple[BoardRow, ...]:
        """The cached first page; `rebuild` builds it anew (and stores it) whatever the cache holds."""
        if not self.enabled:
            return tuple(build())
        with self._lock:
            held = self._pages.get(key)
        if not rebuild and held is not None and self.monotonic() - held[0] < self.memory_age:
            return held[1]
        stored = None if rebuild else boards.snapshot(key)
        # A snapshot from the future (another instance's skewed clock, a replayed `now`) is not fresh.
        if stored is not None and timedelta(0) <= now - stored.built_at < self.max_age:
            rows = stored.rows
        else:
            rows = tuple(build())
            boards.save_snapshot(key, BoardSnapshot(now, rows))
        with self._lock:
            self._pages[key] = (self.monotonic(), rows)
        return rows


@dataclass(frozen=True, slots=True)
class BoardRequest:
    period: Period
    scope: Scope
    limit: int
    cursor: str | None
    start: BoardStart = BoardStart.TOP


@dataclass(frozen=True, slots=True)
class MyStanding:
    rank: int
    score: int


@dataclass(frozen=True, slots=True)
class BoardPage:
    entries: list[BoardRow]
    next_cursor: str | None
    me: MyStanding


@dataclass
class Leaderboards:
    users: UserStore
    boards: LeaderboardStore
    friends: FriendStore
    cursors: Cursors
    cache: BoardCache = field(default_factory=BoardCache)

    def board(self, uid: str, request: BoardRequest, now: datetime) -> BoardPage:
        """A page of the board the caller asked for; a cursor continues the board it was issued for."""
        after: BoardPosition | None = None
        if request.cursor is not None:
            scope, key, after = self.cursors.board_position(request.cursor)
            if scope is not request.scope or period_of_key(key) is not request.period:
                raise InvalidCursor
        else:
            viewer = self.users.snapshot(uid, (), ())
            today = user_today(viewer.settings, viewer.streak, now)
            key = period_key(request.period, today)
        if request.scope is Scope.FRIENDS:
            return self._friends_board(uid, key, request, after, now)
        mine = self.boards.entry(key, uid)
        me = self._standing(key, uid, mine)
        if request.start is BoardStart.ME and after is None:
            rows, more = self._rows_from_me(key, uid, mine, me.rank, request.limit, now)
        else:
            rows, more = self._global_rows(key, request.limit, after, now)
            if after is None and _behind_the_board(rows, mine, me, request.limit):
                rows, more = self._global_rows(key, request.limit, None, now, rebuild=True)
        return BoardPage(rows, self._next(Scope.GLOBAL, key, rows, more), me)

    def _global_rows(
        self, key: str, limit: int, after: BoardPosition | None, now: datetime, rebuild: bool = False
    ) -> tuple[list[BoardRow], bool]:
        """Public entries; the first page comes through the cache, deeper pages straight from the board,
        ranked by counting the public entries ahead of the page's first one."""
        if after is None:
            cached = self.cache.first_page(
                self.boards,
                key,
                now,
                lambda: self._ranked(self.boards.page(key, SNAPSHOT_SIZE, None), 1, now),
                rebuild,
            )
            return list(cached[:limit]), len(cached) > limit
        entries = self.boards.page(key, limit + 1, after)
        first_rank = self.boards.count_public_ahead(key, entries[0].position) + 1 if entries else 1
        return self._ranked(entries[:limit], first_rank, now), len(entries) > limit

    def _rows_from_me(
        self, key: str, uid: str, mine: BoardEntry | None, first_rank: int, limit: int, now: datetime
    ) -> tuple[list[BoardRow], bool]:
        """ "Jump to me": the page that begins with the caller's own row (or, for a caller not on the public
        board, with the first public entry behind them), however deep it is: one page read, from the entry
        and the rank the caller's standing already read and counted."""
        position = mine.position if mine else _unranked(uid)
        own = [mine] if mine is not None and mine.visibility is Visibility.PUBLIC else []
        entries = own + self.boards.page(key, limit + 1 - len(own), position)
        return self._ranked(entries[:limit], first_rank, now), len(entries) > limit

    def me(self, key: str, uid: str) -> MyStanding:
        """Always live: the caller's own entry and a count of the public entries ahead of it."""
        return self._standing(key, uid, self.boards.entry(key, uid))

    def _standing(self, key: str, uid: str, mine: BoardEntry | None) -> MyStanding:
        position = mine.position if mine else _unranked(uid)
        return MyStanding(self.boards.count_public_ahead(key, position) + 1, mine.score if mine else 0)

    def _ranked(self, entries: list[BoardEntry], first_rank: int, now: datetime) -> list[BoardRow]:
        summaries = self.boards.summaries([e.uid for e in entries])
        rows = []
        for rank, entry in enumerate(entries, start=first_rank):
            summary = summaries.get(entry.uid) or StreakSummary("UTC", None, entry.longest_streak)
            current = summary.current_streak(local_today(now, summary.timezone, summary.day_starts))
            rows.append(BoardRow(rank, entry, current, summary.longest_streak))
        return rows

    def _next(self, scope: Scope, key: str, rows: list[BoardRow], more: bool) -> str | None:
        return self.cursors.board(scope, key, rows[-1].entry.position) if more and rows else None

    def _friends_board(
        self, uid: str, key: str, request: BoardRequest, after: BoardPosition | None, now: datetime
    ) -> BoardPage:
        """Friends and the caller, ranked in memory: read by id, so hundreds of friends cost one read."""
        everyone = self.boards.entries(key, [*self.friends.friend_ids(uid), uid])
        ranked = sorted(
            (e for e in everyone if e.uid == uid or visible_to_friends(e)), key=lambda e: e.position.order
        )
        mine = next((e for e in everyone if e.uid == uid), None)
        if mine is None:
            me = MyStanding(len(ranked) + 1, 0)
        else:
            me = MyStanding([e.uid for e in ranked].index(uid) + 1, mine.score)
        listed = [e for e in ranked if e.uid != uid or visible_to_friends(e)]
        orders = [e.position.order for e in listed]
        if request.start is BoardStart.ME and after is None:
            start = bisect_left(orders, (mine.position if mine else _unranked(uid)).order)
        else:
            start = bisect_right(orders, after.order) if after else 0
        end = start + request.limit
        rows = self._ranked(listed[start:end], start + 1, now)
        return BoardPage(rows, self._next(Scope.FRIENDS, key, rows, end < len(listed)), me)


def _behind_the_board(rows: list[BoardRow], mine: BoardEntry | None, me: MyStanding, limit: int) -> bool:
    """A cached first page older than the board as the caller sees it live: they are public and ranked
    within the page, yet not on it with their score (a page cached empty above "Your rank: #1")."""
    if mine is None or mine.visibility is not Visibility.PUBLIC or me.rank > limit:
        return False
    return not any(row.entry.uid == mine.uid and row.entry.score == mine.score for row in rows)


def _unranked(uid: str) -> BoardPosition:
    """Someone with no score on this board: behind every entry (no entry has a score below 1)."""
    return BoardPosition(0, 0, datetime(1970, 1, 1, tzinfo=UTC), uid)
