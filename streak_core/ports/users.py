"""A user's own documents (settings, sessions, days, streak, devices, notifications) and what others may
read of them (names, a day's focus)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol, TypeVar

from streak_core.domain.boards import BoardEntry, BoardMove
from streak_core.domain.challenges import Membership
from streak_core.domain.vocabulary import Platform
from streak_core.models.events import WebhookEvent
from streak_core.models.leagues import LeagueMember
from streak_core.models.notifications import OutboxEntry, StoredNotification
from streak_core.models.streaks import DayRecord, StoredSession, StreakRecord
from streak_core.models.users import UserSettings

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class NotificationPosition:
    """Where a page of a user's notifications ended: the last entry's creation time and id."""

    created_at: datetime
    entry_id: str


@dataclass(slots=True)
class UserSnapshot:
    """Everything one request reads about a user, fetched in a single batched read."""

    settings: UserSettings
    streak: StreakRecord
    days: dict[date, DayRecord]
    sessions: dict[str, StoredSession]
    known: bool = True  # the user has settings or a streak stored
    # In a transaction: the user's entries on every board of the days read (key -> entry), so what a write
    # moves on a board's histogram is known without another read.
    boards: dict[str, BoardEntry] = field(default_factory=dict)
    # Ids of sessions the user deleted (tombstones): they count no more, and cannot be sent again.
    deleted: set[str] = field(default_factory=set)
    # In a transaction: the user's league weeks of the days read and the week before each (week -> member).
    leagues: dict[str, LeagueMember] = field(default_factory=dict)
    friend_streaks: tuple[str, ...] = ()  # ids of the user's friend streaks (checked after a change)


@dataclass(slots=True)
class UserWrites:
    """Everything one user's transaction writes, as one value the port applies whole. A new kind of write is
    a new part here, not a new argument.

    `boards` move the user's standing on each board whose score changed; `memberships` the user's challenges
    whose progress moved; `events` are the webhook events that are not outbox entries (the entries' own are
    written with them); `leagues` the league weeks whose score moved. Existing outbox entries are left as
    they are (their ids are deterministic)."""

    sessions: list[StoredSession]
    days: list[DayRecord]
    streak: StreakRecord
    outbox: list[OutboxEntry] = field(default_factory=list)
    boards: list[BoardMove] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)
    events: list[WebhookEvent] = field(default_factory=list)
    leagues: list[LeagueMember] = field(default_factory=list)


class UserTransaction(Protocol):
    """One user's reads and writes in a single atomic unit. All reads happen before any write."""

    def read(
        self, session_ids: Iterable[str], days: Iterable[date], boards_of: Iterable[date] = ()
    ) -> UserSnapshot:
        """The user's documents; with `boards_of`, also their entries on those dates' boards (the only
        boards an acceptance can move) and their league weeks of those dates and the weeks before."""
        ...

    def apply(self, writes: UserWrites) -> None:
        """Stage every write of `writes` in this transaction."""
        ...


class UserStore(Protocol):
    def run_in_transaction(self, uid: str, body: Callable[[UserTransaction], T]) -> T:
        """Run `body` atomically; it may be run more than once, so it must have no side effects."""
        ...

    def snapshot(self, uid: str, session_ids: Iterable[str], days: Iterable[date]) -> UserSnapshot: ...

    def days_between(self, uid: str, first: date, last: date) -> dict[date, DayRecord]: ...

    def seconds_between(self, uid: str, first: date, last: date) -> dict[date, int]:
        """Each day's focus in first..last from the calendar's month documents (days with none left out);
        complete only where the streak says `months_ready`."""
        ...

    def save_settings(self, uid: str, settings: UserSettings, now: datetime) -> None:
        """Save the settings and their copy on the streak; the streak's next reminder is due from `now`."""
        ...

    def add_device(self, uid: str, token: str, platform: Platform, now: datetime) -> bool:
        """Register an FCM token (True if it is new; a known token is refreshed)."""
        ...

    def remove_device(self, uid: str, token: str) -> None: ...

    def notifications(
        self, uid: str, limit: int, after: NotificationPosition | None
    ) -> list[StoredNotification]:
        """The user's outbox entries, newest first (ties by id, descending), after the position if given."""
        ...


class BadgeCounts(Protocol):
    def totals(self) -> dict[str, int]:
        """The rarity counters summed over their shards: holders per badge id, and ACTIVE_USERS."""
        ...


class Profiles(Protocol):
    """What other users may read of a user: their settings (names, visibility) and a day's focus."""

    def profiles(self, uids: list[str]) -> dict[str, UserSettings]:
        """The settings of those of these users who have any."""
        ...

    def focus_seconds(self, days: list[tuple[str, date]]) -> dict[tuple[str, date], int]:
        """Focus so far on each (user, local date); days with none are left out."""
        ...
