"""Leaderboards: global boards from the public entries, friends boards from the friends' entries, `me` live,
the first page of each global board served from a snapshot and a per-instance cache."""

from __future__ import annotations

import base64
import binascii
import json
import threading
import time
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from streak_core.domain.boards import PERIODS, SCOPES, BoardEntry, period_key, visible_to_friends
from streak_core.domain.sessions import FieldIssue
from streak_core.models import user_timezone
from streak_core.ports import BoardCursor, FriendStore, LeaderboardStore, StreakSummary, UserStore
from streak_core.services.queries import InvalidRequest
from streak_core.services.views import local_today

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
    _pages: dict[str, tuple[float, list[dict[str, object]]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def first_page(
        self, boards: LeaderboardStore, key: str, now: datetime, build: Callable[[], list[dict[str, object]]]
    ) -> list[dict[str, object]]:
        if not self.enabled:
            return build()
        with self._lock:
            held = self._pages.get(key)
        if held is not None and self.monotonic() - held[0] < self.memory_age:
            return held[1]
        stored = boards.snapshot(key)
        if stored is not None and now - stored[0] < self.max_age:
            rows = stored[1]
        else:
            rows = build()
            boards.save_snapshot(key, now, rows)
        with self._lock:
            self._pages[key] = (self.monotonic(), rows)
        return rows


@dataclass(frozen=True, slots=True)
class BoardRequest:
    period: str
    scope: str
    limit: int
    cursor: BoardCursor | None


def parse_request(
    period: str | None, scope: str | None, limit: str | None, cursor: str | None
) -> BoardRequest:
    """Every invalid parameter is reported at once."""
    issues: list[FieldIssue] = []
    period, scope = period or "all", scope or "global"
    if period not in PERIODS:
        issues.append(FieldIssue("period", "invalid_choice", f"must be one of {', '.join(PERIODS)}"))
    if scope not in SCOPES:
        issues.append(FieldIssue("scope", "invalid_choice", f"must be one of {', '.join(SCOPES)}"))
    size = 20
    if limit is not None:
        if not limit.isdigit() or not 1 <= int(limit) <= MAX_LIMIT:
            issues.append(
                FieldIssue("limit", "out_of_range", f"must be a whole number from 1 to {MAX_LIMIT}")
            )
        else:
            size = int(limit)
    after = None
    if cursor is not None:
        after = decode_cursor(cursor)
        if after is None:
            issues.append(FieldIssue("cursor", "invalid_cursor", "is not a cursor this API returned"))
    if issues:
        raise InvalidRequest(issues)
    return BoardRequest(period, scope, size, after)


def encode_cursor(entry: BoardEntry, rank: int) -> str:
    raw = [entry.score, entry.longest_streak, entry.reached_at.isoformat(), entry.uid, rank]
    return base64.urlsafe_b64encode(json.dumps(raw, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> BoardCursor | None:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        score, longest, reached, uid, rank = raw
        return BoardCursor(int(score), int(longest), datetime.fromisoformat(reached), str(uid), int(rank))
    except (ValueError, TypeError, binascii.Error):
        return None


@dataclass
class Leaderboards:
    users: UserStore
    boards: LeaderboardStore
    friends: FriendStore
    cache: BoardCache = field(default_factory=BoardCache)

    def board(self, uid: str, request: BoardRequest, now: datetime) -> dict[str, object]:
        viewer = self.users.snapshot(uid, (), ())
        today = local_today(now, user_timezone(viewer.settings, viewer.streak))
        key = period_key(request.period, today)
        if request.scope == "friends":
            return self._friends_board(uid, key, request, now)
        return {**self.global_page(key, request.limit, request.cursor, now), "me": self.me(key, uid)}

    def global_page(
        self, key: str, limit: int, cursor: BoardCursor | None, now: datetime
    ) -> dict[str, object]:
        """Public entries; the first page comes through the cache, deeper pages straight from the board."""
        if cursor is None:
            rows = self.cache.first_page(
                self.boards, key, now, lambda: self._rows(key, SNAPSHOT_SIZE, None, now)
            )
            page = rows[:limit]
            more = len(rows) > limit
        else:
            page = self._rows(key, limit + 1, cursor, now)
            more = len(page) > limit
            page = page[:limit]
        return {
            "entries": [_public(row) for row in page],
            "next_cursor": str(page[-1]["_cursor"]) if more and page else None,
        }

    def me(self, key: str, uid: str) -> dict[str, int]:
        """Always live: the caller's own entry and a count of the public entries ahead of it."""
        mine = self.boards.entry(key, uid)
        return {
            "rank": self.boards.count_public_ahead(key, mine or _unranked(uid)) + 1,
            "score": mine.score if mine else 0,
        }

    def _rows(
        self, key: str, limit: int, after: BoardCursor | None, now: datetime
    ) -> list[dict[str, object]]:
        entries = self.boards.page(key, limit, after)
        first_rank = after.rank + 1 if after else 1
        return self._describe(entries, first_rank, now)

    def _describe(self, entries: list[BoardEntry], first_rank: int, now: datetime) -> list[dict[str, object]]:
        summaries = self.boards.summaries([e.uid for e in entries])
        rows = []
        for rank, entry in enumerate(entries, start=first_rank):
            summary = summaries.get(entry.uid) or StreakSummary("UTC", None, entry.longest_streak)
            rows.append(
                {
                    "rank": rank,
                    "user_id": entry.uid,
                    "display_name": entry.display_name,
                    "score": entry.score,
                    "current_streak": summary.current_streak(local_today(now, summary.timezone)),
                    "longest_streak": summary.longest_streak,
                    "_cursor": encode_cursor(entry, rank),
                }
            )
        return rows

    def _friends_board(self, uid: str, key: str, request: BoardRequest, now: datetime) -> dict[str, object]:
        """Friends and the caller, ranked in memory: read by id, so hundreds of friends cost one read."""
        everyone = self.boards.entries(key, [*self.friends.friend_ids(uid), uid])
        ranked = sorted((e for e in everyone if e.uid == uid or visible_to_friends(e)), key=lambda e: e.order)
        mine = next((e for e in everyone if e.uid == uid), None)
        if mine is None:
            me = {"rank": len(ranked) + 1, "score": 0}
        else:
            me = {"rank": [e.uid for e in ranked].index(uid) + 1, "score": mine.score}
        listed = [e for e in ranked if e.uid != uid or visible_to_friends(e)]
        start = 0
        if request.cursor is not None:
            c = request.cursor
            start = bisect_right(
                [e.order for e in listed], (-c.score, -c.longest_streak, c.reached_at, c.uid)
            )
        page = listed[start : start + request.limit]
        first_rank = (request.cursor.rank + 1) if request.cursor else 1
        rows = self._describe(page, first_rank, now)
        more = start + request.limit < len(listed)
        return {
            "entries": [_public(row) for row in rows],
            "next_cursor": str(rows[-1]["_cursor"]) if more and rows else None,
            "me": me,
        }


def _unranked(uid: str) -> BoardEntry:
    """Someone with no score on this board: behind every entry (no entry has a score below 1)."""
    return BoardEntry(uid, 0, 0, datetime(1970, 1, 1, tzinfo=UTC), "hidden")


def _public(row: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in row.items() if not k.startswith("_")}
