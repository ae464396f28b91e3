"""Leaderboard rules: periods and their keys, scores from a streak, the ranking order, who sees whom."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from streak_core.domain.streaks import StreakState
from streak_core.domain.vocabulary import Period, Visibility
from streak_core.domain.weekly import iso_week_bounds, iso_week_key


def period_key(period: Period, day: date) -> str:
    """The board a local date counts on: `all`, `week-2026-W47` (ISO week) or `month-2026-11`."""
    if period is Period.WEEK:
        return f"week-{iso_week_key(day)}"
    if period is Period.MONTH:
        return f"month-{day:%Y-%m}"
    return "all"


def period_of_key(key: str) -> Period | None:
    """The period whose board `key` is (the inverse of `period_key`), or None for no board's key."""
    try:
        return Period(key.split("-", 1)[0])
    except ValueError:
        return None


def period_closed(key: str, today: date, grace: timedelta) -> bool:
    """Whether the board of `key` is closed on `today` (UTC): its period ended more than `grace` (the
    late-data limit) and a day (the zones behind UTC) ago, so no live session can move it any more."""
    period = period_of_key(key)
    if period is None or period is Period.ALL:
        return False
    stamp = key.split("-", 1)[1]
    if period is Period.WEEK:
        year, week = stamp.split("-W")
        first = date.fromisocalendar(int(year), int(week), 1)
    else:
        first = date.fromisoformat(f"{stamp}-01")
    return today > period_bounds(period, first)[1] + grace + timedelta(days=1)


def period_bounds(period: Period, day: date) -> tuple[date, date]:
    if period is Period.WEEK:
        return iso_week_bounds(day)
    if period is Period.MONTH:
        first = day.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return first, following - timedelta(days=1)
    return date.min, date.max


def scores_touched(state: StreakState, newly_qualified: list[date]) -> dict[str, int]:
    """The new score on every board whose period holds a newly qualified day (exact, from the runs)."""
    scores: dict[str, int] = {}
    for day in newly_qualified:
        for period in Period:
            key = period_key(period, day)
            if key not in scores:
                first, last = period_bounds(period, day)
                scores[key] = (
                    state.qualified_days if period is Period.ALL else state.qualified_between(first, last)
                )
    return scores


def last_qualified_day(state: StreakState) -> date | None:
    """The latest qualified day: its periods are the only ones that can still be current for this user."""
    if not state.ends:
        return None
    day = date.fromordinal(state.ends[-1])
    start = date.fromordinal(state.starts[-1])
    while day >= start and not state.is_qualified(day):
        day -= timedelta(days=1)
    return day if day >= start else None


@dataclass(frozen=True, slots=True)
class BoardPosition:
    """A place in board order: score desc, longest streak desc, who reached the score first, uid."""

    score: int
    longest_streak: int
    reached_at: datetime
    uid: str

    @property
    def order(self) -> tuple[int, int, datetime, str]:
        return (-self.score, -self.longest_streak, self.reached_at, self.uid)


@dataclass(frozen=True, slots=True)
class BoardEntry:
    """One user on one board."""

    uid: str
    score: int
    longest_streak: int
    reached_at: datetime
    visibility: Visibility = Visibility.FRIENDS
    display_name: str | None = None

    @property
    def position(self) -> BoardPosition:
        return BoardPosition(self.score, self.longest_streak, self.reached_at, self.uid)


def visible_to_friends(entry: BoardEntry) -> bool:
    return entry.visibility is not Visibility.HIDDEN


RankPath = tuple[int, int, int]  # (score, longest streak, the UTC day the score was reached, as an ordinal)


@dataclass(frozen=True, slots=True)
class BoardMove:
    """A user's entry on one board changing from `before` to `after` (None: no entry). A board keeps, for
    its public entries, counts along the board order: per score; per longest streak within a score; per day
    reached within both; and the entries of one such day (a tie group). A rank is then a few sums over
    small sets, never a count over the board: a move says which counts the user leaves and joins."""

    key: str
    uid: str
    before: BoardEntry | None
    after: BoardEntry | None

    @property
    def path_before(self) -> RankPath | None:
        return rank_path(self.before)

    @property
    def path_after(self) -> RankPath | None:
        return rank_path(self.after)

    def level_changes(self) -> list[tuple[int, RankPath | None, RankPath | None]]:
        """(level, left, joined) for each level 1-3 whose prefix of the path changes: the count of `left`'s
        prefix loses one and `joined`'s gains one (None: nothing on that side)."""
        was, now = self.path_before, self.path_after
        return [
            (level, was, now)
            for level in (1, 2, 3)
            if (was[:level] if was else None) != (now[:level] if now else None)
        ]


def rank_path(entry: BoardEntry | None) -> RankPath | None:
    """Where a public entry sits in board order, down to its tie group; None for no entry or a private one."""
    if entry is None or entry.visibility is not Visibility.PUBLIC:
        return None
    return position_path(entry.position)


def position_path(of: BoardPosition) -> RankPath:
    """(score, longest streak, UTC day reached): the groups a place in board order falls in."""
    return of.score, of.longest_streak, of.reached_at.astimezone(UTC).date().toordinal()


def board_keys(days: Iterable[date]) -> list[str]:
    """Every board these local dates count on."""
    return sorted({period_key(period, day) for day in days for period in Period})
