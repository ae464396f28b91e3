"""In-memory fakes of our own ports, for service and HTTP tests without the network."""

from __future__ import annotations

import copy
import ipaddress
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar, get_args

from streak_core.adapters.raster import ResvgRasterizer, RobotoMetrics
from streak_core.container import Container, hints_of, imported
from streak_core.dependencies import AREAS, ApiDependencies, compose, derive_api
from streak_core.domain.analytics import Count
from streak_core.domain.badges import ACTIVE_USERS
from streak_core.domain.boards import BoardEntry, BoardPosition
from streak_core.domain.cards import Share, TextMetrics
from streak_core.domain.challenges import Challenge, Membership
from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.ids import erasure_id
from streak_core.domain.leagues import (
    Opening,
    cohort_id,
    join_series,
    league_weeks_read,
    placement_series,
    take_seats,
    week_of,
)
from streak_core.domain.streaks import StreakState
from streak_core.domain.vocabulary import (
    ChallengeStatus,
    ChallengeVisibility,
    Channel,
    DeliveryStatus,
    ErasureStep,
    EventType,
    HookDeliveryStatus,
    JobStatus,
    Platform,
    Tier,
    Visibility,
)
from streak_core.errors import TransientStoreError
from streak_core.models.events import WebhookEvent, deletion_event, events_of
from streak_core.models.friend_streaks import FriendStreak, PairSide, pair_id
from streak_core.models.jobs import SessionJob
from streak_core.models.leagues import Cohort, LeagueMember
from streak_core.models.maintenance import (
    DeadLetter,
    DueUser,
    MaintenanceBatch,
    MaintenanceRun,
    MaintenanceTick,
    Outage,
    RetryTask,
)
from streak_core.models.notifications import OutboxEntry, StoredNotification
from streak_core.models.social import BoardSnapshot, FriendLink, FriendLinks, StreakSummary
from streak_core.models.streaks import DayRecord, Pause, StoredSession, StreakRecord, user_timezone
from streak_core.models.users import UserSettings
from streak_core.models.webhooks import Delivery, Endpoint, FanOut, StoredEvent
from streak_core.ports.analytics import AnalyticsStore
from streak_core.ports.boards import LeaderboardStore
from streak_core.ports.challenges import (
    ChallengePage,
    ChallengePosition,
    ChallengeStore,
    Joining,
    MembershipSnapshot,
    MembershipTransaction,
    Standing,
)
from streak_core.ports.clock import Clock
from streak_core.ports.erasure import AccountDirectory, Eraser, ErasureReceipt
from streak_core.ports.followups import DispatchQueue, FriendStreakQueue
from streak_core.ports.friend_streaks import (
    FriendStreakStore,
    FriendStreakTransaction,
    PairCheck,
    PairReading,
)
from streak_core.ports.friends import FriendStore, FriendTransaction, Relationship
from streak_core.ports.identity import InvalidToken, Principal, TokenVerifier
from streak_core.ports.jobs import JobQueue, JobStore
from streak_core.ports.leagues import LeagueStore, Seat, WeekCount
from streak_core.ports.maintenance import (
    BatchPublisher,
    DeadLetterStore,
    MaintenanceStore,
    OutageStore,
    RetryQueue,
    RunStore,
    TickPublisher,
)
from streak_core.ports.notifications import (
    DeliveryError,
    EmailSender,
    PushOutcome,
    PushSender,
    ReminderStore,
)
from streak_core.ports.pauses import PauseSnapshot, PauseStore, PauseTransaction
from streak_core.ports.rate_limits import WindowCounters, WindowHit
from streak_core.ports.rebuild import RebuildStore, RebuildTransaction, RebuildWrites, UserHistory
from streak_core.ports.shares import Rasterizer, ShareStore
from streak_core.ports.users import (
    BadgeCounts,
    NotificationPosition,
    Profiles,
    UserSnapshot,
    UserStore,
    UserTransaction,
    UserWrites,
)
from streak_core.ports.webhooks import (
    Attempt,
    DeliveryPosition,
    Resolver,
    SecretBox,
    WebhookQueue,
    WebhookSender,
    WebhookStore,
)
from streak_core.ports.your_data import Device, SessionPosition, UserDataReader
from streak_core.services.cursors import Cursors
from streak_core.services.leaderboard import BoardCache
from streak_core.services.unsubscribe import UnsubscribeLinks
from streak_core.services.webhooks import Webhooks

T = TypeVar("T")


class _UserData:
    def __init__(self) -> None:
        self.settings = UserSettings()
        self.streak = StreakRecord()
        self.days: dict[date, DayRecord] = {}
        self.sessions: dict[str, StoredSession] = {}
        self.deleted: set[str] = set()  # tombstones of sessions the user deleted
        self.memberships: dict[str, Membership] = {}
        self.friend_streaks: list[str] = []  # on the user document in Firestore


class InMemoryUserStore(UserStore, Profiles):
    """Keeps copies, like a database would: callers never share objects with the store."""

    def __init__(self) -> None:
        self.users: dict[str, _UserData] = {}
        self.fail_next_transactions = 0
        self.commits = 0
        self.outbox: dict[str, OutboxEntry] = {}
        self.events: dict[str, WebhookEvent] = {}  # the webhook events written with the changes
        self.devices: dict[str, dict[str, Platform]] = {}
        self.boards: dict[str, dict[str, BoardEntry]] = {}
        self.leagues: dict[tuple[str, str], LeagueMember] = {}  # (week, uid): the league weeks written

    def _user(self, uid: str) -> _UserData:
        return self.users.setdefault(uid, _UserData())

    def snapshot(self, uid: str, session_ids: Iterable[str], days: Iterable[date]) -> UserSnapshot:
        known = uid in self.users
        user = self._user(uid)
        return copy.deepcopy(
            UserSnapshot(
                settings=user.settings,
                streak=user.streak,
                days={d: user.days[d] for d in days if d in user.days},
                sessions={s: user.sessions[s] for s in session_ids if s in user.sessions},
                known=known,
                deleted={s for s in session_ids if s in user.deleted},
                friend_streaks=tuple(user.friend_streaks),
            )
        )

    def run_in_transaction(self, uid: str, body: Callable[[UserTransaction], T]) -> T:
        if self.fail_next_transactions > 0:
            self.fail_next_transactions -= 1
            raise TransientStoreError("injected outage")
        tx = _Transaction(self, uid)
        result = body(tx)
        for apply in tx.pending:
            apply()
        if tx.pending:
            self.commits += 1
        return result

    def profiles(self, uids: list[str]) -> dict[str, UserSettings]:
        return {uid: self.users[uid].settings for uid in uids if uid in self.users}

    def focus_seconds(self, days: list[tuple[str, date]]) -> dict[tuple[str, date], int]:
        found = {}
        for uid, day in days:
            record = self.users[uid].days.get(day) if uid in self.users else None
            if record is not None:
                found[(uid, day)] = record.state.seconds
        return found

    def days_between(self, uid: str, first: date, last: date) -> dict[date, DayRecord]:
        return copy.deepcopy({d: r for d, r in self._user(uid).days.items() if first <= d <= last})

    def seconds_between(self, uid: str, first: date, last: date) -> dict[date, int]:
        """The days' seconds, as the month documents hold them (written with the days)."""
        return {d: r.state.seconds for d, r in self._user(uid).days.items() if first <= d <= last}

    def save_settings(self, uid: str, settings: UserSettings, now: datetime) -> None:
        self._user(uid).settings = settings
        streak = self._user(uid).streak
        streak.reminder_at, streak.timezone_setting = now, settings.timezone
        streak.day_starts_setting = settings.day_starts
        for board in self.boards.values():
            entry = board.get(uid)
            if entry is not None:
                board[uid] = BoardEntry(
                    uid=uid,
                    score=entry.score,
                    longest_streak=entry.longest_streak,
                    reached_at=entry.reached_at,
                    visibility=settings.leaderboard_visibility,
                    display_name=settings.display_name,
                )

    def add_device(self, uid: str, token: str, platform: Platform, now: datetime) -> bool:
        devices = self.devices.setdefault(uid, {})
        is_new = token not in devices
        devices[token] = platform
        return is_new

    def remove_device(self, uid: str, token: str) -> None:
        self.devices.get(uid, {}).pop(token, None)

    def notifications(
        self, uid: str, limit: int, after: NotificationPosition | None
    ) -> list[StoredNotification]:
        mine = sorted(
            (e for e in self.outbox.values() if e.uid == uid),
            key=lambda e: (e.created_at, e.id),
            reverse=True,
        )
        if after is not None:
            mine = [e for e in mine if (e.created_at, e.id) < (after.created_at, after.entry_id)]
        pending = dict.fromkeys(Channel, DeliveryStatus.PENDING)
        return [
            StoredNotification(
                id=e.id, uid=e.uid, kind=e.kind, data=e.data, created_at=e.created_at, channels=pending
            )
            for e in mine[:limit]
        ]


class _Transaction(UserTransaction):
    def __init__(self, store: InMemoryUserStore, uid: str) -> None:
        self.store, self.uid = store, uid
        self.pending: list[Callable[[], None]] = []

    def read(
        self, session_ids: Iterable[str], days: Iterable[date], boards_of: Iterable[date] = ()
    ) -> UserSnapshot:
        snap = self.store.snapshot(self.uid, session_ids, days)
        weeks = league_weeks_read(boards_of)
        found = {w: self.store.leagues[(w, self.uid)] for w in weeks if (w, self.uid) in self.store.leagues}
        snap.leagues = copy.deepcopy(found)
        return snap

    def apply(self, writes: UserWrites) -> None:
        sessions, days, streak, outbox = writes.sessions, writes.days, writes.streak, writes.outbox
        boards, memberships, events, leagues = (
            writes.boards,
            writes.memberships,
            writes.events,
            writes.leagues,
        )
        user = self.store._user(self.uid)
        staged = copy.deepcopy((list(sessions), list(days), streak, list(outbox)))
        weeks = list(leagues)
        standings, moved = list(boards), list(memberships)
        written = events_of(staged[3], events)

        def apply() -> None:
            for s in staged[0]:
                user.sessions[s.session.id] = s
            for d in staged[1]:
                user.days[d.day] = d
            user.streak = staged[2]
            for entry in staged[3]:
                self.store.outbox.setdefault(entry.id, entry)
            for move in standings:
                assert move.after is not None  # acceptance only ever raises a score
                self.store.boards.setdefault(move.key, {})[move.uid] = move.after
            for membership in moved:
                user.memberships[membership.challenge_id] = membership
            for event in written:
                self.store.events[event.id] = event
            for member in weeks:  # merged over a placement, as Firestore's merge does
                placed = self.store.leagues.get((member.week, member.uid))
                kept = placed or member
                self.store.leagues[(member.week, member.uid)] = replace(
                    kept,
                    seconds=member.seconds,
                    longest_streak=member.longest_streak,
                    reached_at=member.reached_at,
                )

        self.pending.append(apply)


class InMemoryLeaderboardStore(LeaderboardStore):
    """Reads the boards the user store's transactions write."""

    def __init__(self, users: InMemoryUserStore) -> None:
        self.users = users
        self.snapshots: dict[str, BoardSnapshot] = {}

    def _public(self, key: str) -> list[BoardEntry]:
        entries = self.users.boards.get(key, {}).values()
        return sorted(
            (e for e in entries if e.visibility is Visibility.PUBLIC), key=lambda e: e.position.order
        )

    def page(self, key: str, limit: int, after: BoardPosition | None) -> list[BoardEntry]:
        public = self._public(key)
        return [e for e in public if after is None or e.position.order > after.order][:limit]

    def entry(self, key: str, uid: str) -> BoardEntry | None:
        return self.users.boards.get(key, {}).get(uid)

    def entries(self, key: str, uids: list[str]) -> list[BoardEntry]:
        board = self.users.boards.get(key, {})
        return [board[uid] for uid in uids if uid in board]

    def count_public_ahead(self, key: str, of: BoardPosition) -> int:
        return sum(1 for e in self._public(key) if e.position.order < of.order)

    def summaries(self, uids: list[str]) -> dict[str, StreakSummary]:
        found = {}
        for uid in uids:
            if uid in self.users.users:
                user = self.users.users[uid]
                state = user.streak.state
                last = (
                    (date.fromordinal(state.starts[-1]), date.fromordinal(state.ends[-1]), state.lengths[-1])
                    if state.starts
                    else None
                )
                zone = user_timezone(user.settings, user.streak)
                found[uid] = StreakSummary(zone, last, state.longest_streak, user.settings.day_starts)
        return found

    def snapshot(self, key: str) -> BoardSnapshot | None:
        return self.snapshots.get(key)

    def save_snapshot(self, key: str, snapshot: BoardSnapshot) -> None:
        self.snapshots[key] = snapshot

    def recount(self, key: str) -> int:
        return len(self._public(key))


@dataclass
class InMemoryFriendStore(FriendStore):
    users: InMemoryUserStore
    friends: dict[str, dict[str, datetime]] = field(default_factory=dict)
    requests: dict[tuple[str, str], datetime] = field(default_factory=dict)  # (from, to)
    pairs: dict[str, FriendStreak] = field(default_factory=dict)  # the friend streaks (see below)

    def run_in_transaction(self, uid: str, other: str, body: Callable[[FriendTransaction], T]) -> T:
        return body(_FriendTransaction(self, uid, other))

    def friend_ids(self, uid: str) -> list[str]:
        return list(self.friends.get(uid, {}))

    def links(self, uid: str, limit: int) -> FriendLinks:
        def newest(links: list[FriendLink]) -> tuple[FriendLink, ...]:
            oldest = datetime.min.replace(tzinfo=UTC)
            return tuple(sorted(links, key=lambda link: link.at or oldest, reverse=True)[:limit])

        return FriendLinks(
            friends=newest([FriendLink(user_id=o, at=at) for o, at in self.friends.get(uid, {}).items()]),
            incoming=newest(
                [FriendLink(user_id=a, at=at) for (a, b), at in self.requests.items() if b == uid]
            ),
            outgoing=newest(
                [FriendLink(user_id=b, at=at) for (a, b), at in self.requests.items() if a == uid]
            ),
        )


class _FriendTransaction(FriendTransaction):
    def __init__(self, store: InMemoryFriendStore, uid: str, other: str) -> None:
        self.store, self.uid, self.other = store, uid, other

    def read(self) -> Relationship:
        s = self.store
        return Relationship(
            other_exists=self.other in s.users.users,
            friends=self.other in s.friends.get(self.uid, {}),
            they_asked=(self.other, self.uid) in s.requests,
            we_asked=(self.uid, self.other) in s.requests,
            my_friends=len(s.friends.get(self.uid, {})),
            their_friends=len(s.friends.get(self.other, {})),
        )

    def befriend(self, now: datetime) -> None:
        self.store.friends.setdefault(self.uid, {})[self.other] = now
        self.store.friends.setdefault(self.other, {})[self.uid] = now
        self._drop_requests()

    def request(self, now: datetime) -> None:
        self.store.requests[(self.uid, self.other)] = now

    def unfriend(self, were_friends: bool) -> None:
        self.store.friends.get(self.uid, {}).pop(self.other, None)
        self.store.friends.get(self.other, {}).pop(self.uid, None)
        self._drop_requests()
        streak_id = pair_id(self.uid, self.other)  # the friend streak ends with the friendship
        self.store.pairs.pop(streak_id, None)
        for uid in (self.uid, self.other):
            listed = self.store.users._user(uid).friend_streaks
            if streak_id in listed:
                listed.remove(streak_id)

    def _drop_requests(self) -> None:
        self.store.requests.pop((self.uid, self.other), None)
        self.store.requests.pop((self.other, self.uid), None)


@dataclass
class InMemoryFriendStreakStore(FriendStreakStore):
    """Friend streaks kept by the friend store (so that unfriending ends them, as in Firestore); the
    users' lists on the user store; checks and nudges recorded."""

    friends: InMemoryFriendStore
    checks: list[tuple[str, PairCheck]] = field(default_factory=list)

    @property
    def users(self) -> InMemoryUserStore:
        return self.friends.users

    def run_in_transaction(self, uid: str, other: str, body: Callable[[FriendStreakTransaction], T]) -> T:
        return body(_FriendStreakTransaction(self, uid, other))

    def get(self, streak_id: str) -> FriendStreak | None:
        return self.friends.pairs.get(streak_id)

    def of_user(self, uid: str) -> list[FriendStreak]:
        mine = self.users.users[uid].friend_streaks if uid in self.users.users else []
        return sorted((self.friends.pairs[i] for i in mine), key=lambda s: (s.created_at, s.id))

    def sides(self, uids: Iterable[str]) -> dict[str, PairSide]:
        known = self.users.users
        return {
            uid: PairSide(uid, copy.deepcopy(known[uid].settings), copy.deepcopy(known[uid].streak))
            for uid in set(uids)
            if uid in known
        }

    def record_check(self, streak: FriendStreak, check: PairCheck) -> list[str]:
        stored = self.friends.pairs.get(streak.id)
        if stored is None or (stored.users, stored.started_on) != (streak.users, streak.started_on):
            return []
        self.checks.append((streak.id, check))
        fresh = [e for e in check.entries if e.id not in self.users.outbox]
        for entry in fresh:
            self.users.outbox[entry.id] = entry
        self.friends.pairs[streak.id] = replace(
            stored, length=check.length, longest=check.longest, check_at=check.check_at
        )
        return [e.id for e in fresh]

    def nudge(self, entry: OutboxEntry) -> bool:
        if entry.id in self.users.outbox:
            return False
        self.users.outbox[entry.id] = entry
        return True

    def due_pages(self, now: datetime, page_size: int) -> Iterator[list[str]]:
        due = sorted(
            (s.check_at, s.id)
            for s in self.friends.pairs.values()
            if s.check_at is not None and s.check_at <= now
        )
        ids = [i for _, i in due]
        for start in range(0, len(ids), page_size):
            yield ids[start : start + page_size]


class _FriendStreakTransaction(FriendStreakTransaction):
    def __init__(self, store: InMemoryFriendStreakStore, uid: str, other: str) -> None:
        self.store, self.uid, self.other = store, uid, other

    def read(self) -> PairReading:
        users = self.store.users.users

        def count(uid: str) -> int:
            return len(users[uid].friend_streaks) if uid in users else 0

        return PairReading(
            streak=self.store.friends.pairs.get(pair_id(self.uid, self.other)),
            friends=self.other in self.store.friends.friends.get(self.uid, {}),
            mine=count(self.uid),
            theirs=count(self.other),
        )

    def save(self, streak: FriendStreak, entries: Iterable[OutboxEntry] = ()) -> None:
        self.store.friends.pairs[streak.id] = streak
        for uid in streak.users:
            listed = self.store.users._user(uid).friend_streaks
            if streak.id not in listed:
                listed.append(streak.id)
        for entry in entries:
            self.store.users.outbox.setdefault(entry.id, entry)

    def end(self, streak: FriendStreak) -> None:
        self.store.friends.pairs.pop(streak.id, None)
        for uid in streak.users:
            listed = self.store.users._user(uid).friend_streaks
            if streak.id in listed:
                listed.remove(streak.id)


@dataclass
class RecordingFriendStreakQueue(FriendStreakQueue):
    asked: list[tuple[str, str]] = field(default_factory=list)  # (pair, change)
    fail: bool = False

    def refresh(self, streak_id: str, key: str, at: datetime) -> None:
        if self.fail:
            raise ConnectionError("queue unavailable")
        self.asked.append((streak_id, key))


@dataclass
class InMemoryPauseStore(PauseStore):
    """Pauses beside the user store's streaks; a transaction's writes apply when its body returns."""

    users: InMemoryUserStore
    saved: dict[str, dict[str, Pause]] = field(default_factory=dict)

    def run_in_transaction(self, uid: str, body: Callable[[PauseTransaction], T]) -> T:
        tx = _PauseTransaction(self, uid)
        result = body(tx)
        for apply in tx.pending:
            apply()
        return result

    def pauses(self, uid: str) -> list[Pause]:
        return sorted(self.saved.get(uid, {}).values(), key=lambda p: p.first)


class _PauseTransaction(PauseTransaction):
    def __init__(self, store: InMemoryPauseStore, uid: str) -> None:
        self.store, self.uid = store, uid
        self.pending: list[Callable[[], None]] = []

    def read(self) -> PauseSnapshot:
        snap = self.store.users.snapshot(self.uid, (), ())
        return PauseSnapshot(settings=snap.settings, streak=snap.streak, pauses=self.store.pauses(self.uid))

    def write(self, streak: StreakRecord, put: Pause | None = None, remove: str | None = None) -> None:
        staged = copy.deepcopy(streak)

        def apply() -> None:
            mine = self.store.saved.setdefault(self.uid, {})
            if put is not None:
                mine[put.id] = put
            if remove is not None:
                mine.pop(remove, None)
            self.store.users._user(self.uid).streak = staged

        self.pending.append(apply)


@dataclass
class InMemoryRebuildStore(RebuildStore):
    users: InMemoryUserStore
    pause_store: InMemoryPauseStore
    page_reads: list[list[str]] = field(default_factory=list)

    def run_in_transaction(
        self, uid: str, body: Callable[[RebuildTransaction], T], read_only: bool = False
    ) -> T:
        tx = _RebuildTransaction(self, uid)
        result = body(tx)
        if read_only and tx.pending:
            raise AssertionError("a read-only transaction wrote")
        for apply in tx.pending:
            apply()
        return result

    def user_pages(self, page_size: int) -> Iterator[list[str]]:
        ids = sorted(self.users.users)
        for start in range(0, len(ids), page_size):
            yield ids[start : start + page_size]

    def read_page(self, uids: list[str]) -> dict[str, RebuildTransaction]:
        self.page_reads.append(list(uids))
        return {
            uid: _RebuildTransaction(self, uid, read_only=True) for uid in uids if uid in self.users.users
        }

    def count_users(self) -> int:
        return len(self.users.users)


class _RebuildTransaction(RebuildTransaction):
    def __init__(self, store: InMemoryRebuildStore, uid: str, read_only: bool = False) -> None:
        self.store, self.uid, self.read_only = store, uid, read_only
        self.pending: list[Callable[[], None]] = []

    def history(self) -> UserHistory:
        known = self.uid in self.store.users.users
        user = copy.deepcopy(self.store.users.users.get(self.uid) or _UserData())
        pauses = self.store.pause_store.pauses(self.uid)
        sessions, memberships = list(user.sessions.values()), list(user.memberships.values())
        return UserHistory(
            known=known,
            settings=user.settings,
            streak=user.streak,
            sessions=sessions,
            days=user.days,
            pauses=pauses,
            memberships=memberships,
            deleted=set(user.deleted),
        )

    def board_entries(self, keys: list[str]) -> dict[str, BoardEntry]:
        boards = self.store.users.boards
        return {k: boards[k][self.uid] for k in keys if self.uid in boards.get(k, {})}

    def league_weeks(self, weeks: list[str]) -> dict[str, LeagueMember]:
        held = self.store.users.leagues
        return {w: copy.deepcopy(held[(w, self.uid)]) for w in weeks if (w, self.uid) in held}

    def apply(self, writes: RebuildWrites) -> None:
        if self.read_only:
            raise AssertionError("a view read outside a transaction wrote")
        staged = copy.deepcopy((writes.days, writes.removed_days, writes.streak, writes.boards))
        moved, forgotten = list(writes.memberships), list(writes.tombstones)
        weeks = copy.deepcopy(list(writes.leagues))

        def apply() -> None:
            user = self.store.users._user(self.uid)
            for session_id in forgotten:
                user.sessions.pop(session_id, None)
                user.deleted.add(session_id)
            for record in staged[0]:
                user.days[record.day] = record
            for day in staged[1]:
                user.days.pop(day, None)
            user.streak = staged[2]
            for move in staged[3]:
                board = self.store.users.boards.setdefault(move.key, {})
                if move.after is None:
                    board.pop(self.uid, None)
                else:
                    board[self.uid] = move.after
            for membership in moved:
                user.memberships[membership.challenge_id] = membership
            for week in weeks:
                self.store.users.leagues[(week.week, week.uid)] = week

        self.pending.append(apply)


@dataclass
class InMemoryMaintenanceStore(MaintenanceStore):
    """Maintenance reads and guarded writes over the user store (a version per user stands for the
    document's update time)."""

    users: InMemoryUserStore
    versions: dict[str, int] = field(default_factory=dict)

    def due_pages(self, now: datetime, page_size: int) -> Iterator[list[str]]:
        due = sorted(
            uid
            for uid, u in self.users.users.items()
            if u.streak.maintenance_due_at and u.streak.maintenance_due_at <= now
        )
        for start in range(0, len(due), page_size):
            yield due[start : start + page_size]

    def active_pages(self, since: date, page_size: int) -> Iterator[list[str]]:
        active = sorted(
            uid
            for uid, u in self.users.users.items()
            if u.streak.state.ends and date.fromordinal(u.streak.state.ends[-1]) >= since
        )
        for start in range(0, len(active), page_size):
            yield active[start : start + page_size]

    def load(self, uids: list[str]) -> list[DueUser]:
        found = []
        for uid in uids:
            if uid in self.users.users:
                streak = copy.deepcopy(self.users.users[uid].streak)
                found.append(
                    DueUser(
                        uid=uid,
                        settings=UserSettings(
                            timezone=streak.timezone_setting, day_starts=streak.day_starts_setting
                        ),
                        streak=streak,
                        version=self.versions.get(uid, 0),
                    )
                )
        return found

    def commit_if_unchanged(self, user: DueUser, outbox: list[OutboxEntry]) -> bool:
        return self.commit_all_if_unchanged([(user, outbox)])

    def commit_all_if_unchanged(self, items: list[tuple[DueUser, list[OutboxEntry]]]) -> bool:
        if any(self.versions.get(u.uid, 0) != u.version for u, _ in items):
            return False
        for user, outbox in items:
            self._write(user, outbox)
        return True

    def redo_in_transaction(self, uid: str, maintain: Callable[[DueUser], list[OutboxEntry]]) -> None:
        [fresh] = self.load([uid])
        self._write(fresh, maintain(fresh))

    def _write(self, user: DueUser, outbox: list[OutboxEntry]) -> None:
        self.users.users[user.uid].streak = copy.deepcopy(user.streak)
        self.versions[user.uid] = self.versions.get(user.uid, 0) + 1
        for entry in outbox:
            self.users.outbox.setdefault(entry.id, entry)


@dataclass
class InMemoryOutageStore(OutageStore):
    outages: dict[str, Outage] = field(default_factory=dict)

    def create(self, outage: Outage) -> None:
        self.outages[outage.id] = outage

    def get(self, outage_id: str) -> Outage | None:
        return self.outages.get(outage_id)


@dataclass
class RecordingTicks(TickPublisher):
    ticks: list[MaintenanceTick] = field(default_factory=list)

    def publish_tick(self, tick: MaintenanceTick) -> None:
        self.ticks.append(tick)


class FakeVerifier(TokenVerifier):
    """Tokens look like 'token:<uid>' or 'admin:<uid>'; anything else is invalid."""

    def verify(self, token: str) -> Principal:
        kind, _, uid = token.partition(":")
        if kind not in ("token", "admin") or not uid:
            raise InvalidToken("unknown token")
        if uid in self.gone:
            raise InvalidToken("no such account")
        return Principal(uid=uid, admin=kind == "admin")

    def __init__(self) -> None:
        self.forgotten: list[str] = []
        self.gone: set[str] = set()  # accounts deleted (FakeAccounts shares it)

    def forget(self, uid: str) -> None:
        self.forgotten.append(uid)


class FixedClock(Clock):
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


class RecordingPublisher(BatchPublisher):
    def __init__(self) -> None:
        self.sent: list[MaintenanceBatch] = []  # published, not yet acknowledged
        self.messages: list[MaintenanceBatch] = []  # acknowledged by the broker

    def publish(self, batch: MaintenanceBatch) -> None:
        self.sent.append(batch)

    def flush(self) -> None:
        self.messages.extend(self.sent)
        self.sent.clear()


class InMemoryRunStore(RunStore):
    def __init__(self) -> None:
        self.runs: dict[str, MaintenanceRun] = {}
        self.counted: set[tuple[str, int]] = set()

    def start(self, run_id: str, now: datetime) -> bool:
        run = self.runs.get(run_id)
        if run is not None and run.batches is not None:
            return False
        if run is None:
            self.runs[run_id] = MaintenanceRun.started(run_id, now)
        return True

    def fanned_out(self, run_id: str, users_due: int, batches: int, now: datetime) -> None:
        self.runs[run_id] = self.runs[run_id].fanned_out(users_due, batches, now)

    def record_batch(self, run_id: str, index: int, processed: int, failed: int, now: datetime) -> bool:
        if (run_id, index) in self.counted or run_id not in self.runs:
            return False
        self.counted.add((run_id, index))
        self.runs[run_id] = self.runs[run_id].with_batch(processed, failed, now)
        return True

    def get(self, run_id: str) -> MaintenanceRun | None:
        return self.runs.get(run_id)


@dataclass
class InMemoryDeadLetters(DeadLetterStore):
    letters: dict[str, DeadLetter] = field(default_factory=dict)

    def add(self, letter: DeadLetter) -> None:
        self.letters[letter.id] = letter

    def list(self, limit: int) -> list[DeadLetter]:
        return sorted(self.letters.values(), key=lambda letter: letter.failed_at)[:limit]

    def remove(self, letter_id: str) -> None:
        self.letters.pop(letter_id, None)


class FakeMaintenanceStore(MaintenanceStore):
    """Due users with a one-day streak, each document weighing `weight` bytes; `broken` users fail every
    write with a transient error. Records each load's ids."""

    def __init__(self, due: dict[str, datetime], broken: set[str] | None = None, weight: int = 0) -> None:
        self.due = due
        self.broken = broken or set()
        self.weight = weight
        self.commits: list[str] = []
        self.attempts: dict[str, int] = {}
        self.loads: list[list[str]] = []

    def due_pages(self, now: datetime, page_size: int) -> Iterator[list[str]]:
        ids = sorted(uid for uid, at in self.due.items() if at <= now)
        for start in range(0, len(ids), page_size):
            yield ids[start : start + page_size]

    def load(self, uids: list[str]) -> list[DueUser]:
        self.loads.append(list(uids))
        state = StreakState()
        state.add_qualified(date(2026, 11, 19), DEFAULT_CONFIG)
        return [
            DueUser(
                uid=uid,
                settings=UserSettings(timezone="UTC"),
                streak=StreakRecord(state=state),
                version=None,
                stored_bytes=self.weight,
            )
            for uid in uids
        ]

    def commit_if_unchanged(self, user: DueUser, outbox: list[OutboxEntry]) -> bool:
        return self.commit_all_if_unchanged([(user, outbox)])

    def commit_all_if_unchanged(self, items: list[tuple[DueUser, list[OutboxEntry]]]) -> bool:
        for user, _ in items:
            self.attempts[user.uid] = self.attempts.get(user.uid, 0) + 1
        if any(user.uid in self.broken for user, _ in items):
            raise TransientStoreError("injected: unavailable")
        self.commits.extend(user.uid for user, _ in items)
        return True

    def redo_in_transaction(self, uid: str, maintain: Callable[[DueUser], list[OutboxEntry]]) -> None:
        raise AssertionError("no conflicts in this fake")


class RecordingQueue(RetryQueue):
    def __init__(self, down: bool = False) -> None:
        self.tasks: list[RetryTask] = []
        self.down = down

    def enqueue(self, task: RetryTask) -> None:
        if self.down:
            raise ConnectionError("queue unavailable")
        self.tasks.append(task)


@dataclass
class FakePush(PushSender):
    invalid: set[str] = field(default_factory=set)
    failures: int = 0
    sent: list[tuple[tuple[str, ...], str, str]] = field(default_factory=list)

    def send(self, tokens: tuple[str, ...], title: str, body: str, data: Mapping[str, str]) -> PushOutcome:
        if self.failures:
            self.failures -= 1
            raise DeliveryError("FCM answered 500")
        self.sent.append((tokens, title, body))
        return PushOutcome(
            delivered=len([t for t in tokens if t not in self.invalid]),
            invalid_tokens=tuple(t for t in tokens if t in self.invalid),
        )


@dataclass
class FakeEmail(EmailSender):
    sent: list[tuple[str, str, str, str]] = field(default_factory=list)

    unsubscribe_urls: list[str | None] = field(default_factory=list)

    def send(
        self, address: str, subject: str, text: str, html: str, unsubscribe_url: str | None = None
    ) -> None:
        self.sent.append((address, subject, text, html))
        self.unsubscribe_urls.append(unsubscribe_url)


@dataclass
class FakeLater(DispatchQueue):
    scheduled: list[tuple[str, datetime]] = field(default_factory=list)
    lanes: list[tuple[int, datetime]] = field(default_factory=list)

    def dispatch_at(self, entry_id: str, when: datetime) -> None:
        self.scheduled.append((entry_id, when))

    def fan_out_lane(self, lane: int, at: datetime) -> None:
        self.lanes.append((lane, at))


@dataclass
class FakeReminders(ReminderStore, Profiles):
    users: dict[str, tuple[UserSettings, StreakRecord]] = field(default_factory=dict)
    due_at: dict[str, datetime] = field(default_factory=dict)
    focus: dict[tuple[str, date], int] = field(default_factory=dict)
    outbox: dict[str, OutboxEntry] = field(default_factory=dict)
    friend_streaks: dict[str, tuple[str, ...]] = field(default_factory=dict)  # on the user documents

    def add(self, uid: str, qualified: list[date], settings: UserSettings | None = None) -> None:
        state = StreakState()
        for day in qualified:
            state.add_qualified(day, DEFAULT_CONFIG)
        self.users[uid] = (settings or UserSettings(timezone="UTC"), StreakRecord(state=state))
        self.due_at[uid] = datetime(2026, 11, 1, tzinfo=UTC)

    def due_reminders(self, now: datetime, limit: int) -> list[DueUser]:
        due = sorted((at, uid) for uid, at in self.due_at.items() if at <= now)[:limit]
        return [
            DueUser(
                uid=uid,
                settings=self.users[uid][0],
                streak=self.users[uid][1],
                version=at,
                friend_streaks=self.friend_streaks.get(uid, ()),
            )
            for at, uid in due
        ]

    def focus_seconds(self, days: list[tuple[str, date]]) -> dict[tuple[str, date], int]:
        return {key: self.focus[key] for key in days if key in self.focus}

    def profiles(self, uids: list[str]) -> dict[str, UserSettings]:
        return {uid: self.users[uid][0] for uid in uids if uid in self.users}

    def commit_reminders(self, plans: list[tuple[DueUser, datetime, OutboxEntry | None]]) -> list[str]:
        written = []
        for user, next_at, entry in plans:
            self.due_at[user.uid] = next_at
            if entry is not None and entry.id not in self.outbox:
                self.outbox[entry.id] = entry
                written.append(entry.id)
        return written


@dataclass
class InMemoryBadgeCounts(BadgeCounts):
    """Rarity counters as the users' streaks hold them (the sharded counters are the emulator tests')."""

    users: InMemoryUserStore

    def totals(self) -> dict[str, int]:
        streaks = [u.streak for u in self.users.users.values()]
        totals = Counter(badge for streak in streaks for badge in streak.badges)
        totals[ACTIVE_USERS] = sum(streak.counted_active for streak in streaks)
        return dict(totals)


@dataclass
class InMemoryChallengeStore(ChallengeStore):
    """Challenges over the user store's memberships; participants counted from them."""

    users: InMemoryUserStore
    challenges: dict[str, Challenge] = field(default_factory=dict)
    audience: dict[str, set[str]] = field(default_factory=dict)

    def create(self, challenge: Challenge) -> None:
        self.challenges[challenge.id] = challenge
        self.audience[challenge.id] = {challenge.created_by}

    def get(self, challenge_id: str) -> Challenge | None:
        found = self.challenges.get(challenge_id)
        return replace(found, participants=len(self._members(challenge_id))) if found else None

    def page(
        self, uid: str, status: ChallengeStatus, now: datetime, after: ChallengePosition | None, limit: int
    ) -> ChallengePage:
        def at(c: Challenge) -> datetime:
            return c.terms.opens_at if status is ChallengeStatus.UPCOMING else c.terms.closes_at

        seen = [
            c
            for c in self.challenges.values()
            if c.terms.status(now) is status
            and (c.visibility is ChallengeVisibility.PUBLIC or uid in self.audience[c.id])
        ]
        ordered = sorted(seen, key=lambda c: (at(c), c.id), reverse=status is ChallengeStatus.ENDED)
        if after is not None:
            mark = (after.at, after.challenge_id)
            ended = status is ChallengeStatus.ENDED
            ordered = [c for c in ordered if ((at(c), c.id) < mark if ended else (at(c), c.id) > mark)]
        page = [self.get(c.id) for c in ordered[:limit]]
        last = ordered[limit - 1] if len(ordered) > limit else None
        return ChallengePage(
            challenges=[c for c in page if c is not None],
            next_position=ChallengePosition(at=at(last), challenge_id=last.id) if last else None,
        )

    def top(self, challenge_id: str, limit: int) -> list[Standing]:
        members = sorted(self._members(challenge_id), key=lambda s: (s.membership.standing_key(), s.uid))
        return members[:limit]

    def ahead_of(self, challenge_id: str, membership: Membership) -> int:
        key = membership.standing_key()
        return sum(1 for s in self._members(challenge_id) if s.membership.standing_key() < key)

    def membership(self, uid: str, challenge_id: str) -> Membership | None:
        user = self.users.users.get(uid)
        return copy.deepcopy(user.memberships.get(challenge_id)) if user else None

    def memberships(self, uid: str, challenge_ids: Sequence[str]) -> dict[str, Membership]:
        found = {c: self.membership(uid, c) for c in challenge_ids}
        return {c: m for c, m in found.items() if m is not None}

    def run_in_transaction(self, uid: str, body: Callable[[MembershipTransaction], T]) -> T:
        tx = _MembershipTransaction(self, uid)
        result = body(tx)
        for apply in tx.pending:
            apply()
        return result

    def _members(self, challenge_id: str) -> list[Standing]:
        return [
            Standing(uid=uid, membership=user.memberships[challenge_id])
            for uid, user in self.users.users.items()
            if challenge_id in user.memberships
        ]


class _MembershipTransaction(MembershipTransaction):
    def __init__(self, store: InMemoryChallengeStore, uid: str) -> None:
        self.store, self.uid = store, uid
        self.pending: list[Callable[[], None]] = []

    def read(self, challenge_id: str) -> MembershipSnapshot:
        snap = self.store.users.snapshot(self.uid, (), ())
        found = self.store.challenges.get(challenge_id)
        return MembershipSnapshot(
            challenge=found,
            settings=snap.settings,
            streak=snap.streak,
            membership=self.store.membership(self.uid, challenge_id),
        )

    def days(self, first: date, last: date) -> dict[date, DayRecord]:
        return self.store.users.days_between(self.uid, first, last)

    def join(self, joining: Joining) -> None:
        staged = copy.deepcopy(joining)

        def apply() -> None:
            user = self.store.users._user(self.uid)
            user.streak, user.memberships[staged.challenge.id] = staged.streak, staged.membership
            for entry in staged.outbox:
                self.store.users.outbox.setdefault(entry.id, entry)
            self.store.audience[staged.challenge.id].add(self.uid)

        self.pending.append(apply)

    def leave(self, challenge: Challenge, streak: StreakRecord) -> None:
        staged = copy.deepcopy(streak)

        def apply() -> None:
            user = self.store.users._user(self.uid)
            user.streak = staged
            user.memberships.pop(challenge.id, None)
            if self.uid != challenge.created_by:
                self.store.audience[challenge.id].discard(self.uid)

        self.pending.append(apply)


@dataclass
class InMemoryShareStore(ShareStore):
    shares: dict[str, Share] = field(default_factory=dict)

    def create(self, share: Share) -> None:
        self.shares[share.id] = share

    def get(self, share_id: str) -> Share | None:
        return self.shares.get(share_id)

    def of_user(self, uid: str, limit: int) -> list[Share]:
        mine = [s for s in self.shares.values() if s.uid == uid]
        return sorted(mine, key=lambda s: s.created_at, reverse=True)[:limit]

    def delete(self, share_id: str) -> None:
        self.shares.pop(share_id, None)

    def count_open(self, share_id: str, at: datetime | None = None) -> None:
        share = self.shares[share_id]
        self.shares[share_id] = replace(share, opens=share.opens + 1)


@dataclass
class SharedWindows(WindowCounters):
    """Window counters several limiter instances share; records each commit (a round trip)."""

    counts: Counter[tuple[str, int]] = field(default_factory=Counter)
    commits: list[list[WindowHit]] = field(default_factory=list)
    fail_next: int = 0

    def incr_many(self, hits: Sequence[WindowHit]) -> list[int]:
        if self.fail_next:
            self.fail_next -= 1
            raise TransientStoreError("counters unavailable")
        self.commits.append(list(hits))
        for hit in hits:
            self.counts[(hit.key, hit.start)] += hit.amount
        return [self.counts[(hit.key, hit.start)] for hit in hits]


@dataclass
class InMemoryJobStore(JobStore):
    jobs: dict[str, SessionJob] = field(default_factory=dict)
    dead_letters: list[SessionJob] = field(default_factory=list)

    def create_or_get(self, job: SessionJob) -> tuple[SessionJob, bool]:
        if job.id in self.jobs:
            return self.jobs[job.id], False
        self.jobs[job.id] = job
        return job, True

    def get(self, job_id: str) -> SessionJob | None:
        return self.jobs.get(job_id)

    def start_attempt(self, job_id: str, now: datetime) -> SessionJob | None:
        job = self.jobs.get(job_id)
        if job is None or job.status in (JobStatus.DONE, JobStatus.FAILED):
            return None
        self.jobs[job_id] = replace(job, status=JobStatus.RUNNING, attempts=job.attempts + 1, updated_at=now)
        return self.jobs[job_id]

    def failed_jobs(self, limit: int) -> list[SessionJob]:
        return [self.jobs[job.id] for job in self.dead_letters][:limit]

    def requeue(self, job_id: str, now: datetime) -> SessionJob | None:
        job = self.jobs.get(job_id)
        if job is None or job.status is not JobStatus.FAILED:
            return None
        self.jobs[job_id] = replace(job, status=JobStatus.QUEUED, attempts=0, updated_at=now, error=None)
        self.dead_letters = [letter for letter in self.dead_letters if letter.id != job_id]
        return self.jobs[job_id]

    def settle(self, job: SessionJob, dead_letter: bool = False) -> None:
        self.jobs[job.id] = job
        if dead_letter:
            self.dead_letters.append(job)


@dataclass
class RecordingJobQueue(JobQueue):
    """Records each job handed to the queue (a real queue keeps one task per job name)."""

    enqueued: list[str] = field(default_factory=list)

    erasures: list[str] = field(default_factory=list)

    def enqueue(self, job: SessionJob) -> None:
        self.enqueued.append(job.id)

    def enqueue_erasure(self, uid: str, receipt: str) -> None:
        self.erasures.append(uid)


class InMemoryLeagueStore(LeagueStore):
    """League weeks kept beside the user store's (which acceptances score), seats taken in order."""

    def __init__(self, users: InMemoryUserStore) -> None:
        self.users = users
        self.openings_held: dict[tuple[str, Tier, str], Opening] = {}
        self.cohorts_held: dict[str, Cohort] = {}
        self.outbox: list[OutboxEntry] = []

    def members(self, uid: str, weeks: Iterable[str]) -> dict[str, LeagueMember]:
        held = self.users.leagues
        return {w: copy.deepcopy(held[(w, uid)]) for w in weeks if (w, uid) in held}

    def latest(self, uid: str) -> LeagueMember | None:
        mine = sorted((m for (_, u), m in self.users.leagues.items() if u == uid), key=lambda m: m.week)
        return copy.deepcopy(mine[-1]) if mine else None

    def history(self, uid: str, limit: int) -> list[LeagueMember]:
        mine = [m for (_, u), m in self.users.leagues.items() if u == uid and m.settled]
        return sorted(mine, key=lambda m: m.week, reverse=True)[:limit]

    def weeks(self, uid: str, limit: int) -> list[LeagueMember]:
        mine = [copy.deepcopy(m) for (_, u), m in self.users.leagues.items() if u == uid]
        return sorted(mine, key=lambda m: m.week, reverse=True)[:limit]

    def cohort_members(self, cohort_id: str) -> list[LeagueMember]:
        return [copy.deepcopy(m) for m in self.users.leagues.values() if m.cohort == cohort_id]

    def cohort_members_of(self, cohort_ids: list[str]) -> dict[str, list[LeagueMember]]:
        return {c: self.cohort_members(c) for c in cohort_ids}

    def cohorts(self, cohort_ids: list[str]) -> list[Cohort]:
        return [self.cohorts_held[c] for c in cohort_ids if c in self.cohorts_held]

    def openings(self, week: str, tier: Tier) -> dict[int, Opening]:
        return {s: self.openings_held.get((week, tier, join_series(s)), Opening()) for s in range(8)}

    def _take(self, week: str, tier: Tier, series: str, uid: str, longest: int, now: datetime) -> None:
        (number,), after = take_seats(self.openings_held.get((week, tier, series), Opening()), 1)
        self.openings_held[(week, tier, series)] = after
        cohort = cohort_id(week, tier, series, number)
        self.cohorts_held.setdefault(cohort, Cohort(cohort, week, tier))
        days = self.users.users[uid].days if uid in self.users.users else {}
        seconds = sum(r.state.seconds for d, r in days.items() if week_of(d) == week)  # as the adapter sums
        self.users.leagues[(week, uid)] = LeagueMember(week, uid, seconds, longest, now, tier, cohort, now)

    def join(
        self, uid: str, week: str, tier: Tier, shard: int, longest_streak: int, now: datetime
    ) -> LeagueMember | None:
        existing = self.users.leagues.get((week, uid))
        if existing is None or not existing.placed:
            self._take(week, tier, join_series(shard), uid, longest_streak, now)
        return copy.deepcopy(self.users.leagues[(week, uid)])

    def place(self, week: str, tier: Tier, shard: int, seats: list[Seat], now: datetime) -> int:
        waiting = [s for s in seats if not (m := self.users.leagues.get((week, s.uid))) or not m.placed]
        for seat in waiting:
            self._take(week, tier, placement_series(shard), seat.uid, seat.longest_streak, now)
        return len(waiting)

    def settle_cohort(
        self, cohort_id: str, members: list[LeagueMember], outbox: list[OutboxEntry], now: datetime
    ) -> bool:
        cohort = self.cohorts_held[cohort_id]
        if cohort.settled_at is not None:
            return False
        for member in members:
            self.users.leagues[(member.week, member.uid)] = member
        for entry in outbox:
            self.users.outbox.setdefault(entry.id, entry)
        self.cohorts_held[cohort_id] = replace(cohort, settled_at=now)
        return True

    def cohort_pages(self, week: str, page_size: int) -> Iterator[list[str]]:
        ids = sorted(c for c, cohort in self.cohorts_held.items() if cohort.week == week)
        for start in range(0, len(ids), page_size):
            yield ids[start : start + page_size]

    def week_counts(self, week: str) -> list[WeekCount]:
        found = []
        for tier in Tier:
            mine = [c for c in self.cohorts_held.values() if c.week == week and c.tier is tier]
            members = sum(len(self.cohort_members(c.id)) for c in mine)
            if mine:
                found.append(WeekCount(tier, len(mine), sum(c.settled_at is not None for c in mine), members))
        return found


@dataclass
class InMemoryAnalytics(AnalyticsStore):
    """Counters by UTC date, as the shards sum them."""

    counters: dict[date, dict[str, int]] = field(default_factory=dict)

    def days(self, first: date, last: date) -> dict[date, dict[str, int]]:
        return {d: dict(c) for d, c in self.counters.items() if first <= d <= last}

    def count(self, counts: Iterable[Count]) -> None:
        for c in counts:
            day = self.counters.setdefault(c.day, {})
            day[c.name] = day.get(c.name, 0) + c.n


def fake_container(now: datetime | None = None) -> Container:
    """The production container's shape on fakes: every port registered with a fake that shares one user
    store; services and areas composed by the same `compose` as in production."""
    c = Container()
    users = InMemoryUserStore()
    pause_store = InMemoryPauseStore(users)
    shares = InMemoryShareStore()
    verifier = FakeVerifier()
    friends = InMemoryFriendStore(users)
    for kind, fake in (
        (UserStore, users),
        (Profiles, users),
        (PauseStore, pause_store),
        (ShareStore, shares),
        (TokenVerifier, verifier),
        (AccountDirectory, FakeAccounts(verifier)),
        (Eraser, InMemoryEraser(users, shares)),
        (Clock, FixedClock(now or datetime(2026, 11, 21, 12, tzinfo=UTC))),
        (MaintenanceStore, InMemoryMaintenanceStore(users)),
        (LeaderboardStore, InMemoryLeaderboardStore(users)),
        (FriendStore, friends),
        (FriendStreakStore, InMemoryFriendStreakStore(friends)),
        (RunStore, InMemoryRunStore()),
        (DeadLetterStore, InMemoryDeadLetters()),
        (RebuildStore, InMemoryRebuildStore(users, pause_store)),
        (OutageStore, InMemoryOutageStore()),
        (TickPublisher, RecordingTicks()),
        (BadgeCounts, InMemoryBadgeCounts(users)),
        (ChallengeStore, InMemoryChallengeStore(users)),
        (Rasterizer, ResvgRasterizer()),  # in-process and offline: no fake needed
        (TextMetrics, RobotoMetrics()),
        (LeagueStore, InMemoryLeagueStore(users)),
        (UserDataReader, InMemoryUserData(users)),
        (Cursors, Cursors("test-secret")),
        (UnsubscribeLinks, UnsubscribeLinks("test-secret", "https://focus.example")),
        (BoardCache, BoardCache(enabled=False)),
        (Webhooks, fake_webhooks(users)),
        (AnalyticsStore, InMemoryAnalytics()),
    ):
        c.value(kind, fake)
    compose(c)
    return c


def api_dependencies(now: datetime | None = None, **overrides: Any) -> ApiDependencies:
    """Everything the `api` function needs, on fakes; an override, by the name an area gives a dependency
    (`store`, `jobs`, `runs`, `rate_limiter`, `allow_clock_override`...), replaces it wherever it is used:
    a port or service in the container, a setting in each area that has it."""
    c = fake_container(now)
    settings: dict[str, Any] = {}
    for name, value in overrides.items():
        kind = _kind_named(name)
        if kind is not None:
            c.value(kind, value)
        else:
            settings[name] = value
    used: set[str] = set()
    for area in map(imported, AREAS):  # a setting: each area that has a field of its name is derived with it
        names = frozenset({f.name for f in fields(area)} & set(settings))
        if names:
            given = {k: settings[k] for k in names}
            c.register(area, _derived_with(area, given))
            used |= names
    assert set(settings) <= used, f"no area uses {set(settings) - used}"
    return derive_api(c)


def _derived_with(area: type[Any], given: dict[str, Any]) -> Callable[[Container], Any]:
    return lambda c: c.derive(area, **given)


def _kind_named(name: str) -> type[Any] | None:
    """The port or service an area's field of this name asks for (None: a setting)."""
    for area in map(imported, AREAS):
        hints = hints_of(area)
        if name in hints:
            hint = hints[name]
            kinds = [k for k in get_args(hint) if k is not type(None)] or [hint]
            kind = kinds[0]
            return kind if isinstance(kind, type) and kind not in (bool, int, float, str) else None
    raise AssertionError(f"no area has a dependency named {name}")


@dataclass
class InMemoryUserData(UserDataReader):
    """The user store's documents, read as the export and the session listing read them."""

    users: InMemoryUserStore

    def sessions_page(
        self, uid: str, lo_ms: int, hi_ms: int, limit: int, after: SessionPosition | None
    ) -> list[StoredSession]:
        found = [s for s in self.users._user(uid).sessions.values() if lo_ms <= s.session.start_ms < hi_ms]
        found.sort(key=lambda s: (s.session.start_ms, s.session.id), reverse=True)
        if after is not None:
            found = [
                s for s in found if (s.session.start_ms, s.session.id) < (after.start_ms, after.session_id)
            ]
        return copy.deepcopy(found[:limit])

    def days_page(self, uid: str, after: date | None, limit: int) -> list[DayRecord]:
        days = sorted(self.users._user(uid).days.values(), key=lambda r: r.day)
        return copy.deepcopy([r for r in days if after is None or r.day > after][:limit])

    def devices(self, uid: str) -> list[Device]:
        return [
            Device(token=token, platform=platform, registered_at=None)
            for token, platform in self.users.devices.get(uid, {}).items()
        ]

    def memberships(self, uid: str) -> list[Membership]:
        return list(self.users._user(uid).memberships.values())


@dataclass
class FakeAccounts(AccountDirectory):
    """Accounts that exist until deleted; deleting one makes the verifier refuse its tokens."""

    verifier: FakeVerifier
    deleted: list[str] = field(default_factory=list)

    def delete(self, uid: str) -> None:
        self.deleted.append(uid)
        self.verifier.gone.add(uid)

    def existing(self, uids: list[str]) -> set[str]:
        return {uid for uid in uids if uid not in self.verifier.gone}


@dataclass
class InMemoryEraser(Eraser):
    """Erases what the fakes hold of a user, a step at a time (the emulator tests check the real one)."""

    users: InMemoryUserStore
    shares: InMemoryShareStore
    receipts: dict[str, ErasureReceipt] = field(default_factory=dict)
    steps: list[ErasureStep] = field(default_factory=list)

    def receipt(self, uid: str) -> ErasureReceipt | None:
        return self.receipts.get(uid)

    def begin(self, uid: str, now: datetime) -> ErasureReceipt:
        return self.receipts.setdefault(uid, ErasureReceipt(requested_at=now, finished_at=None))

    def erase(self, uid: str, step: ErasureStep, limit: int) -> int:
        count = 0
        if step is ErasureStep.SHARES:
            mine = [s for s in self.shares.shares.values() if s.uid == uid]
            for share in mine:
                del self.shares.shares[share.id]
            count = len(mine)
        elif step is ErasureStep.BOARDS:
            count = sum(1 for board in self.users.boards.values() if board.pop(uid, None) is not None)
        elif step is ErasureStep.NOTIFICATIONS:
            entries = [key for key, entry in self.users.outbox.items() if entry.uid == uid]
            for key in entries:
                del self.users.outbox[key]
            count = len(entries)
        elif step is ErasureStep.EVENTS:
            events = [
                k
                for k, e in self.users.events.items()
                if e.uid == uid and e.type is not EventType.USER_DELETED
            ]
            for key in events:
                del self.users.events[key]
            count = len(events)
        elif step is ErasureStep.USER:
            count = 1 if self.users.users.pop(uid, None) is not None else 0
            count += 1 if self.users.devices.pop(uid, None) else 0
        if count:
            self.steps.append(step)
        return count

    def finish(self, uid: str, now: datetime) -> None:
        self.receipts[uid] = replace(self.receipts[uid], finished_at=now)
        deleted = deletion_event(uid, erasure_id(uid), now)
        self.users.events[deleted.id] = deleted


# --- webhooks ---------------------------------------------------------------------------------------------
class InMemoryWebhookStore(WebhookStore):
    """Endpoints and deliveries in dicts; the events are those the user store's writes recorded."""

    def __init__(self, users: InMemoryUserStore) -> None:
        self.users = users
        self.endpoints_by_id: dict[str, Endpoint] = {}
        self.fanned: set[str] = set()
        self.delivered: dict[tuple[str, str], Delivery] = {}  # (endpoint, event) -> delivery
        self.leases: dict[tuple[str, int], datetime] = {}
        self.dirty: set[tuple[str, int]] = set()
        self.clock = 0  # orders deliveries created at the same instant
        self.saves: list[int] = []  # deliveries stored by each write
        self.fan_outs: list[int] = []  # events fanned out by each write

    def add_endpoint(self, endpoint: Endpoint, limit: int) -> bool:
        if len(self.endpoints_by_id) >= limit:
            return False
        self.endpoints_by_id[endpoint.id] = endpoint
        return True

    def endpoints(self) -> list[Endpoint]:
        return list(self.endpoints_by_id.values())

    def endpoint(self, endpoint_id: str) -> Endpoint | None:
        return self.endpoints_by_id.get(endpoint_id)

    def save_endpoint(self, endpoint: Endpoint) -> None:
        self.endpoints_by_id[endpoint.id] = endpoint

    def delete_endpoint(self, endpoint_id: str) -> bool:
        for key in [k for k in self.delivered if k[0] == endpoint_id]:
            del self.delivered[key]
        return self.endpoints_by_id.pop(endpoint_id, None) is not None

    def event(self, event_id: str) -> StoredEvent | None:
        found = self.users.events.get(event_id)
        return StoredEvent(found, event_id in self.fanned) if found is not None else None

    def events_due(self, now: datetime, limit: int) -> list[str]:
        due = [e for e in self.users.events.values() if e.id not in self.fanned and e.occurred_at <= now]
        return [e.id for e in sorted(due, key=lambda e: e.occurred_at)][:limit]

    def first_unfanned(
        self, lane: int, uids: Collection[str], until: datetime
    ) -> dict[str, tuple[datetime, int, str]]:
        first: dict[str, tuple[datetime, int, str]] = {}
        for e in self.users.events.values():
            if e.lane == lane and e.uid in uids and e.id not in self.fanned and e.occurred_at <= until:
                first[e.uid] = min(
                    first.get(e.uid, (e.occurred_at, e.seq, e.id)), (e.occurred_at, e.seq, e.id)
                )
        return first

    def unfanned(self, lane: int, limit: int) -> list[WebhookEvent]:
        found = [e for e in self.users.events.values() if e.lane == lane and e.id not in self.fanned]
        return sorted(found, key=lambda e: (e.occurred_at, e.seq, e.id))[:limit]

    def fan_out(self, items: Sequence[FanOut], now: datetime) -> None:
        self.fan_outs.append(len(items))  # events each write held
        for item in items:
            if item.event.id not in self.users.events or item.event.id in self.fanned:  # erased, or done
                continue
            for endpoint_id in item.endpoint_ids:
                self.delivered.setdefault(
                    (endpoint_id, item.event.id),
                    Delivery(
                        endpoint_id,
                        item.event.id,
                        item.event.uid,
                        item.event.type,
                        item.event.lane,
                        item.body,
                        item.event.occurred_at,
                        item.event.seq,
                        HookDeliveryStatus.PENDING,
                        0,
                        now,
                        created_at=now + timedelta(microseconds=self._tick()),
                    ),
                )
            self.fanned.add(item.event.id)

    def _tick(self) -> int:
        self.clock += 1
        return self.clock

    def claim_lane(self, endpoint_id: str, lane: int, now: datetime, lease: timedelta) -> bool:
        held = self.leases.get((endpoint_id, lane))
        if held is not None and held > now:
            self.dirty.add((endpoint_id, lane))
            return False
        self.leases[(endpoint_id, lane)] = now + lease
        return True

    def mark_held(self, endpoint_id: str, lane: int, now: datetime) -> bool:
        held = self.leases.get((endpoint_id, lane))
        if held is not None and held > now:
            self.dirty.add((endpoint_id, lane))
            return True
        return False

    def release_lane(self, endpoint_id: str, lane: int, now: datetime, lease: timedelta | None) -> bool:
        if lease is not None and (endpoint_id, lane) in self.dirty:
            self.dirty.discard((endpoint_id, lane))
            return False
        self.dirty.discard((endpoint_id, lane))
        self.leases.pop((endpoint_id, lane), None)
        return True

    def pending(self, endpoint_id: str, lane: int, limit: int) -> list[Delivery]:
        found = [
            d
            for (e, _), d in self.delivered.items()
            if e == endpoint_id and d.lane == lane and d.status is HookDeliveryStatus.PENDING
        ]
        return sorted(found, key=lambda d: (d.occurred_at, d.seq, d.event_id))[:limit]

    def save_deliveries(self, outcomes: Sequence[tuple[Delivery, datetime | None]]) -> None:
        self.saves.append(len(outcomes))  # how many each write held
        for delivery, _ in outcomes:
            self.delivered[(delivery.endpoint_id, delivery.event_id)] = delivery

    def delivery(self, endpoint_id: str, delivery_id: str) -> Delivery | None:
        return self.delivered.get((endpoint_id, delivery_id))

    def deliveries(self, endpoint_id: str, after: DeliveryPosition | None, limit: int) -> list[Delivery]:
        mine = [d for (e, _), d in self.delivered.items() if e == endpoint_id]
        mine.sort(key=lambda d: (d.created_at or datetime.min.replace(tzinfo=UTC), d.event_id), reverse=True)
        if after is not None:
            mine = [
                d
                for d in mine
                if d.created_at and (d.created_at, d.event_id) < (after.created_at, after.event_id)
            ]
        return mine[:limit]

    def lanes_due(self, before: datetime, limit: int) -> list[tuple[str, int]]:
        due = [
            (d.endpoint_id, d.lane)
            for d in self.delivered.values()
            if d.status is HookDeliveryStatus.PENDING and d.next_attempt_at and d.next_attempt_at <= before
        ]
        return list(dict.fromkeys(due))[:limit]


@dataclass
class FakeResolver(Resolver):
    """Names to addresses as a test says; an unknown name does not resolve."""

    names: dict[str, list[str]] = field(default_factory=dict)

    def addresses(self, host: str, port: int) -> list[str]:
        if host in self.names:
            return self.names[host]
        try:
            ipaddress.ip_address(host)
        except ValueError:
            raise LookupError(host) from None
        return [host]


@dataclass
class SentHook:
    url: str
    address: str
    headers: dict[str, str]
    body: str


@dataclass
class RecordingSender(WebhookSender):
    """Answers with the statuses queued in `answers` (then 200) and records every request."""

    answers: list[int | None] = field(default_factory=list)
    sent: list[SentHook] = field(default_factory=list)

    def post(self, url: str, address: str, headers: dict[str, str], body: str, timeout: float) -> Attempt:
        self.sent.append(SentHook(url, address, dict(headers), body))
        status = self.answers.pop(0) if self.answers else 200
        return Attempt(status, None if status is not None else "timed out")


class PlainBox(SecretBox):
    """Reversible and visibly so: a test can see the secret was not stored as given."""

    def seal(self, secret: str) -> str:
        return "sealed:" + secret[::-1]

    def open(self, sealed: str) -> str:
        return sealed.removeprefix("sealed:")[::-1]


@dataclass
class RecordingWebhookQueue(WebhookQueue):
    drains: list[tuple[str, int, datetime | None]] = field(default_factory=list)

    def drain_at(self, endpoint_id: str, lane: int, when: datetime | None, at: datetime) -> None:
        self.drains.append((endpoint_id, lane, when))


def fake_webhooks(users: InMemoryUserStore, **overrides: Any) -> Webhooks:
    values: dict[str, Any] = {
        "store": InMemoryWebhookStore(users),
        "box": PlainBox(),
        "resolver": FakeResolver({"hooks.example.com": ["93.184.216.34"]}),
        "sender": RecordingSender(),
        "queue": RecordingWebhookQueue(),
        **overrides,
    }
    return Webhooks(**values)
