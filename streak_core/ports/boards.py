"""Leaderboards: entries by period, their rank documents, and the first-page snapshots."""

from __future__ import annotations

from typing import Protocol

from streak_core.domain.boards import BoardEntry, BoardPosition
from streak_core.models.social import BoardSnapshot, StreakSummary


class LeaderboardStore(Protocol):
    """`boards/{period key}/entries/{uid}`, written with the sessions that change them."""

    def page(self, key: str, limit: int, after: BoardPosition | None) -> list[BoardEntry]:
        """Public entries in board order, from just after `after` if given."""
        ...

    def entry(self, key: str, uid: str) -> BoardEntry | None: ...

    def entries(self, key: str, uids: list[str]) -> list[BoardEntry]:
        """The entries of these users (any visibility) that exist, by id: no query, no 30-value limit."""
        ...

    def count_public_ahead(self, key: str, of: BoardPosition) -> int:
        """Public entries ranked before `of`: count aggregations, no entries read."""
        ...

    def summaries(self, uids: list[str]) -> dict[str, StreakSummary]: ...

    def snapshot(self, key: str) -> BoardSnapshot | None: ...

    def save_snapshot(self, key: str, snapshot: BoardSnapshot) -> None: ...

    def recount(self, key: str) -> int:
        """Rebuild the board's rank histogram from its entries; the number of public entries."""
        ...
