"""What others see: friend links, board rows and snapshots, and a streak's summary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from streak_core.domain.boards import BoardEntry
from streak_core.domain.day_start import MIDNIGHT, DayStarts
from streak_core.domain.runs import ordinals
from streak_core.domain.streaks import StreakState


@dataclass(frozen=True, slots=True)
class FriendLink:
    """Another user linked to this one: a friend (`at` = since) or a pending request (`at` = sent)."""

    user_id: str
    at: datetime | None


@dataclass(frozen=True, slots=True)
class FriendLinks:
    friends: tuple[FriendLink, ...]
    incoming: tuple[FriendLink, ...]
    outgoing: tuple[FriendLink, ...]


@dataclass(frozen=True, slots=True)
class BoardRow:
    """One ranked line of a board page, as served and as kept in a board snapshot."""

    rank: int
    entry: BoardEntry
    current_streak: int
    longest_streak: int

    @property
    def user_id(self) -> str:
        return self.entry.uid

    @property
    def display_name(self) -> str | None:
        return self.entry.display_name

    @property
    def score(self) -> int:
        return self.entry.score


@dataclass(frozen=True, slots=True)
class BoardSnapshot:
    """The materialized first page of a global board and when it was built."""

    built_at: datetime
    rows: tuple[BoardRow, ...]


@dataclass(frozen=True, slots=True)
class StreakSummary:
    """What a board row or a friend shows of someone's streak."""

    timezone: str
    last_run: tuple[date, date, int] | None  # start, end, qualified days of the latest run
    longest_streak: int
    day_starts: DayStarts = MIDNIGHT  # whose "today" it is: the user's own days

    def current_streak(self, today: date) -> int:
        """The streak engine's rule, applied to the latest run (the only one that can be live)."""
        if self.last_run is None:
            return 0
        start, end, length = self.last_run
        run = StreakState(ordinals([start.toordinal()]), ordinals([end.toordinal()]), ordinals([length]))
        return run.current_streak(today)
