"""The ports services talk to: storage with transactions, identity, and the clock."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol, TypeVar

from streak_core.domain.boards import BoardEntry, BoardMove, BoardPosition
from streak_core.domain.cards import Share
from streak_core.domain.challenges import Challenge, Membership
from streak_core.domain.streaks import StreakState
from streak_core.domain.vocabulary import ChallengeStatus, Channel, DeliveryStatus, Platform
from streak_core.models import (
    BoardSnapshot,
    DayRecord,
    DeadLetter,
    DueUser,
    FriendLinks,
    MaintenanceBatch,
    MaintenanceRun,
    MaintenanceTick,
    Outage,
    OutboxEntry,
    Pause,
    RetryTask,
    SessionJob,
    StoredNotification,
    StoredSession,
    StreakRecord,
    UserHistory,
    UserSettings,
    UserSnapshot,
)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class NotificationPosition:
    """Where a page of a user's notifications ended: the last entry's creation time and id."""

    created_at: datetime
    entry_id: str


class Clock(Protocol):
    def now(self) -> datetime: ...


class UserTransaction(Protocol):
    """One user's reads and writes in a single atomic unit. All reads happen before any write."""

    def read(
        self, session_ids: Iterable[str], days: Iterable[date], boards_of: Iterable[date] = ()
    ) -> UserSnapshot:
        """The user's documents; with `boards_of`, also their entries on those dates' boards (the only
        boards an acceptance can move)."""
        ...

    def write(
        self,
        sessions: Iterable[StoredSession],
        days: Iterable[DayRecord],
        streak: StreakRecord,
        outbox: Iterable[OutboxEntry] = (),
        boards: Iterable[BoardMove] = (),
        memberships: Iterable[Membership] = (),
    ) -> None:
        """Stage the writes; existing outbox entries are left as they are (their ids are deterministic).

        `boards` move the user's standing on each board whose score changed;
        `memberships` the user's challenges whose progress moved."""
        ...


class BadgeCounts(Protocol):
    def totals(self) -> dict[str, int]:
        """The rarity counters summed over their shards: holders per badge id, and ACTIVE_USERS."""
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


@dataclass(frozen=True, slots=True)
class Principal:
    uid: str
    admin: bool = False


class InvalidToken(Exception):
    """The bearer token is missing, malformed, expired, revoked or not issued for this project."""


class TokenVerifier(Protocol):
    def verify(self, token: str) -> Principal: ...


class MaintenanceStore(Protocol):
    def due_pages(self, now: datetime, page_size: int) -> Iterable[list[str]]:
        """Ids of users whose maintenance is due, a page at a time, by cursor."""
        ...

    def active_pages(self, since: date, page_size: int) -> Iterable[list[str]]:
        """Ids of users whose latest run ends on `since` or later, a page at a time, by cursor."""
        ...

    def load(self, uids: list[str]) -> list[DueUser]: ...

    def commit_if_unchanged(self, user: DueUser, outbox: list[OutboxEntry]) -> bool:
        """Write the streak and its outbox entries atomically if the streak is unchanged since read."""
        ...

    def commit_all_if_unchanged(self, items: list[tuple[DueUser, list[OutboxEntry]]]) -> bool:
        """Write many users in one atomic commit; False (nothing written) if any of them changed."""
        ...

    def redo_in_transaction(self, uid: str, maintain: Callable[[DueUser], list[OutboxEntry]]) -> None: ...


class BatchPublisher(Protocol):
    def publish(self, batch: MaintenanceBatch) -> None:
        """Send without waiting; `flush` waits for the broker to acknowledge everything sent."""
        ...

    def flush(self) -> None:
        """Wait until every message sent so far is acknowledged; raise if any was not."""
        ...


class TickPublisher(Protocol):
    def publish_tick(self, tick: MaintenanceTick) -> None:
        """Start a run (as Cloud Scheduler does); returns once the broker has the message."""
        ...


class OutageStore(Protocol):
    def create(self, outage: Outage) -> None: ...

    def get(self, outage_id: str) -> Outage | None: ...


class RunStore(Protocol):
    """`maintenance_runs/{run_id}`: a run's progress, with counters exact once it is done."""

    def start(self, run_id: str, now: datetime) -> bool:
        """Create the run; False if it exists and its fan-out already finished (a redelivered tick)."""
        ...

    def fanned_out(self, run_id: str, users_due: int, batches: int, now: datetime) -> None: ...

    def record_batch(self, run_id: str, index: int, processed: int, failed: int, now: datetime) -> bool:
        """Count a batch once; False if this batch was already counted (a redelivered batch)."""
        ...

    def get(self, run_id: str) -> MaintenanceRun | None: ...


class RetryQueue(Protocol):
    def enqueue(self, task: RetryTask) -> None:
        """Hand one user's maintenance to the retry queue (Cloud Tasks); raises if it cannot."""
        ...


class DeadLetterStore(Protocol):
    def add(self, letter: DeadLetter) -> None: ...

    def list(self, limit: int) -> list[DeadLetter]: ...

    def remove(self, letter_id: str) -> None: ...


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who a notification goes to, and how they want to hear from us."""

    uid: str
    settings: UserSettings
    timezone: str
    email: str | None
    device_tokens: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PushOutcome:
    delivered: int
    invalid_tokens: tuple[str, ...]  # FCM said unregistered or invalid: to be pruned


class DeliveryError(Exception):
    """A channel failed in a way worth retrying (FCM 5xx, SMTP unavailable)."""


class OutboxStore(Protocol):
    def claim(self, entry_id: str, now: datetime, lease: timedelta) -> StoredNotification | None:
        """Take the entry for one dispatch, or None if it is gone or another dispatch holds a live lease.

        The lease keeps two concurrent dispatches (a task and the sweep) from sending a channel twice.
        """
        ...

    def release(self, entry_id: str, sweep_after: datetime | None) -> None:
        """Drop the lease; `sweep_after` None means every channel is settled and the sweep may forget it."""
        ...

    def due_for_sweep(self, now: datetime, limit: int) -> list[str]:
        """Ids of entries still unsettled whose `sweep_after` has passed, oldest first."""
        ...

    def recipient(self, uid: str) -> Recipient: ...

    def record(
        self,
        entry_id: str,
        channel: Channel,
        status: DeliveryStatus,
        detail: str | None,
        attempts: int,
        now: datetime,
    ) -> None:
        """Store a channel's status, its detail (skip reason or error), attempt count and when it was set."""
        ...

    def prune_tokens(self, uid: str, tokens: tuple[str, ...]) -> None: ...


class PushSender(Protocol):
    def send(
        self, tokens: tuple[str, ...], title: str, body: str, data: Mapping[str, str]
    ) -> PushOutcome: ...


class EmailSender(Protocol):
    def send(self, address: str, subject: str, text: str, html: str) -> None: ...


class DispatchQueue(Protocol):
    def dispatch_at(self, entry_id: str, when: datetime) -> None:
        """Ask for this entry to be dispatched at `when` (a Cloud Tasks task with that schedule time)."""
        ...


@dataclass(frozen=True, slots=True)
class ReminderCandidate:
    """A user whose reminder time has come: settings and streak as read, `version` guards the write."""

    uid: str
    settings: UserSettings
    streak: StreakRecord
    version: object


class ReminderStore(Protocol):
    def due_reminders(self, now: datetime, limit: int) -> list[ReminderCandidate]:
        """Users whose `reminder_at` is not after `now`, soonest first."""
        ...

    def focus_seconds(self, days: list[tuple[str, date]]) -> dict[tuple[str, date], int]:
        """Focus so far on each (user, local date); missing days count 0."""
        ...

    def commit_reminders(
        self, plans: list[tuple[ReminderCandidate, datetime, OutboxEntry | None]]
    ) -> list[str]:
        """Move each `reminder_at` on, writing its entry in the same commit, unless the streak changed since
        it was read (it is then due again at once). Returns the ids of the entries written."""
        ...


@dataclass(frozen=True, slots=True)
class StreakSummary:
    """What a board row or a friend shows of someone's streak."""

    timezone: str
    last_run: tuple[date, date, int] | None  # start, end, qualified days of the latest run
    longest_streak: int

    def current_streak(self, today: date) -> int:
        """The streak engine's rule, applied to the latest run (the only one that can be live)."""
        if self.last_run is None:
            return 0
        start, end, length = self.last_run
        return StreakState([start.toordinal()], [end.toordinal()], [length]).current_streak(today)


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


@dataclass(frozen=True, slots=True)
class Relationship:
    """Everything a friendship change between `uid` and `other` depends on, read in one transaction."""

    other_exists: bool
    friends: bool
    they_asked: bool  # a pending request from `other` to `uid`
    we_asked: bool  # a pending request from `uid` to `other`
    my_friends: int
    their_friends: int


class FriendTransaction(Protocol):
    def read(self) -> Relationship: ...

    def befriend(self, now: datetime) -> None:
        """Both sides become friends; pending requests between them go."""
        ...

    def request(self, now: datetime) -> None: ...

    def unfriend(self, were_friends: bool) -> None:
        """Both sides stop being friends; pending requests either way go."""
        ...


class FriendStore(Protocol):
    def run_in_transaction(self, uid: str, other: str, body: Callable[[FriendTransaction], T]) -> T: ...

    def friend_ids(self, uid: str) -> list[str]: ...

    def links(self, uid: str, limit: int) -> FriendLinks:
        """The user's friends and pending requests both ways, at most `limit` of each, newest first."""
        ...

    def profiles(self, uids: list[str]) -> dict[str, UserSettings]: ...

    def today_seconds(self, days: list[tuple[str, date]]) -> dict[tuple[str, date], int]: ...


@dataclass(slots=True)
class PauseSnapshot:
    """A user's pauses with what changing them depends on, read in one transaction."""

    settings: UserSettings
    streak: StreakRecord
    pauses: list[Pause]


class PauseTransaction(Protocol):
    def read(self) -> PauseSnapshot: ...

    def write(self, streak: StreakRecord, put: Pause | None = None, remove: str | None = None) -> None:
        """Store the streak with a pause created or changed (`put`) or gone (`remove`, by id)."""
        ...


class PauseStore(Protocol):
    def run_in_transaction(self, uid: str, body: Callable[[PauseTransaction], T]) -> T: ...

    def pauses(self, uid: str) -> list[Pause]:
        """The user's pauses, by first day."""
        ...


class RebuildTransaction(Protocol):
    def history(self) -> UserHistory: ...

    def board_entries(self, keys: list[str]) -> dict[str, BoardEntry]:
        """The user's entries on these boards that exist (read before any write)."""
        ...

    def write(
        self,
        days: list[DayRecord],
        removed_days: list[date],
        streak: StreakRecord,
        boards: list[BoardMove],
        memberships: Iterable[Membership] = (),
        months: Iterable[tuple[date, int | None]] = (),
    ) -> None:
        """Store the rebuilt projections: changed days, days no session touches any more, the streak,
        board entries (None: the entry goes), challenge memberships whose progress differs, and the
        calendar's month entries (day, seconds; None: the day is gone)."""
        ...


class RebuildStore(Protocol):
    def run_in_transaction(
        self, uid: str, body: Callable[[RebuildTransaction], T], read_only: bool = False
    ) -> T:
        """`body` on one consistent view of the user; read_only: it must not write (a dry run)."""
        ...

    def user_pages(self, page_size: int) -> Iterable[list[str]]:
        """Every user with a streak, a page of ids at a time, by cursor."""
        ...

    def read_page(self, uids: list[str]) -> dict[str, RebuildTransaction]:
        """A read-only view of each of these users (that exists), read together outside any transaction:
        cheaper per user than a transaction each, but not one consistent snapshot, and it cannot write."""
        ...

    def count_users(self) -> int:
        """How many users have a streak (a count aggregation, no documents read)."""
        ...


@dataclass(frozen=True, slots=True)
class ChallengePosition:
    """Where a page of challenges ended: the instant the listing orders by, and the challenge id."""

    at: datetime
    challenge_id: str


@dataclass(frozen=True, slots=True)
class ChallengePage:
    challenges: list[Challenge]
    next_position: ChallengePosition | None


@dataclass(slots=True)
class MembershipSnapshot:
    """What joining or leaving a challenge reads in one transaction."""

    challenge: Challenge | None
    settings: UserSettings
    streak: StreakRecord
    membership: Membership | None


class MembershipTransaction(Protocol):
    def read(self, challenge_id: str) -> MembershipSnapshot: ...

    def days(self, first: date, last: date) -> dict[date, DayRecord]:
        """The user's day records in first..last (read before any write)."""
        ...

    def join(
        self,
        challenge: Challenge,
        streak: StreakRecord,
        membership: Membership,
        outbox: Iterable[OutboxEntry] = (),
    ) -> None:
        """Store a new membership with the streak, counted among the challenge's participants."""
        ...

    def leave(self, challenge: Challenge, streak: StreakRecord) -> None:
        """Remove the user's membership and their count among the participants."""
        ...


@dataclass(frozen=True, slots=True)
class Standing:
    """A participant's line in a challenge's standings."""

    uid: str
    membership: Membership


class ChallengeStore(Protocol):
    def create(self, challenge: Challenge) -> None: ...

    def get(self, challenge_id: str) -> Challenge | None:
        """The challenge with its participant count, or None."""
        ...

    def page(
        self, uid: str, status: ChallengeStatus, now: datetime, after: ChallengePosition | None, limit: int
    ) -> ChallengePage:
        """Public challenges and the private ones `uid` created or joined, in `status` at `now`: upcoming by
        opening, active by closing (soonest first), ended by closing (latest first)."""
        ...

    def top(self, challenge_id: str, limit: int) -> list[Standing]:
        """The first participants in ranking order (more progress, then earlier completion)."""
        ...

    def ahead_of(self, challenge_id: str, membership: Membership) -> int:
        """How many participants rank strictly before this membership."""
        ...

    def membership(self, uid: str, challenge_id: str) -> Membership | None: ...

    def settings_of(self, uids: list[str]) -> dict[str, UserSettings]:
        """The settings of those of these users who have any (for names shown in standings)."""
        ...

    def run_in_transaction(self, uid: str, body: Callable[[MembershipTransaction], T]) -> T: ...


class Rasterizer(Protocol):
    def png(self, svg: str) -> bytes:
        """The SVG drawn as a PNG at its own size, with the fonts the project ships."""
        ...


class ShareStore(Protocol):
    def create(self, share: Share) -> None: ...

    def get(self, share_id: str) -> Share | None:
        """The share with its opens counted, or None (unknown or revoked)."""
        ...

    def of_user(self, uid: str, limit: int) -> list[Share]:
        """The user's shares, newest first."""
        ...

    def delete(self, share_id: str) -> None: ...

    def count_open(self, share_id: str) -> None:
        """One more view of the public page (sharded: a viral share is no write hot spot)."""
        ...


@dataclass(frozen=True, slots=True)
class WindowHit:
    """`amount` more requests in the window of `expiry` seconds starting at `start` (epoch seconds) of the
    `limits` key `key`."""

    key: str
    expiry: int
    amount: int
    start: int


def window_start(now: float, expiry: int) -> int:
    """Windows are aligned on the epoch, so every instance agrees on them without reading anything."""
    return int(now // expiry) * expiry


class WindowCounters(Protocol):
    """Request counters every instance sees (the `limits` library's fixed windows, one commit per call)."""

    def incr_many(self, hits: Sequence[WindowHit]) -> list[int]:
        """Add to the windows' counters in one commit; their new totals, in order."""
        ...


class JobStore(Protocol):
    def create_or_get(self, job: SessionJob) -> tuple[SessionJob, bool]:
        """Store a new job, or return the one already stored under its id; whether it is new."""
        ...

    def get(self, job_id: str) -> SessionJob | None: ...

    def start_attempt(self, job_id: str, now: datetime) -> SessionJob | None:
        """Mark the job running with one more attempt, atomically; None when it is already settled (done or
        failed) or unknown: a redelivered task then does nothing."""
        ...

    def settle(self, job: SessionJob, dead_letter: bool = False) -> None:
        """Store the job's outcome (done, failed, or queued again for a retry); a failed job also lands in
        the dead letters when `dead_letter`."""
        ...


class JobQueue(Protocol):
    def enqueue(self, job: SessionJob) -> None:
        """Hand the job to the queue that runs it; the same job twice is one task."""
        ...
