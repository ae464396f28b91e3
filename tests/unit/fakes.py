"""In-memory fakes of our own ports, for service and HTTP tests without the network."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypeVar

from streak_core.domain.boards import BoardEntry
from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.streaks import StreakState
from streak_core.models import (
    DayRecord,
    DueUser,
    OutboxEntry,
    StoredSession,
    StreakRecord,
    UserSettings,
    UserSnapshot,
    new_maintenance_run,
)
from streak_core.ports import (
    DeliveryError,
    InvalidToken,
    Principal,
    PushOutcome,
    TransientStoreError,
    UserTransaction,
)

T = TypeVar("T")


class _UserData:
    def __init__(self) -> None:
        self.settings = UserSettings()
        self.streak = StreakRecord()
        self.days: dict[date, DayRecord] = {}
        self.sessions: dict[str, StoredSession] = {}


class InMemoryUserStore:
    """Keeps copies, like a database would: callers never share objects with the store."""

    def __init__(self) -> None:
        self.users: dict[str, _UserData] = {}
        self.fail_next_transactions = 0
        self.commits = 0
        self.outbox: dict[str, OutboxEntry] = {}
        self.devices: dict[str, dict[str, str]] = {}
        self.boards: dict[str, dict[str, BoardEntry]] = {}

    def _user(self, uid: str) -> _UserData:
        return self.users.setdefault(uid, _UserData())

    def snapshot(self, uid: str, session_ids: Iterable[str], days: Iterable[date]) -> UserSnapshot:
        user = self._user(uid)
        return copy.deepcopy(
            UserSnapshot(
                user.settings,
                user.streak,
                {d: user.days[d] for d in days if d in user.days},
                {s: user.sessions[s] for s in session_ids if s in user.sessions},
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

    def days_between(self, uid: str, first: date, last: date) -> dict[date, DayRecord]:
        return copy.deepcopy({d: r for d, r in self._user(uid).days.items() if first <= d <= last})

    def save_settings(self, uid: str, settings: UserSettings, now: datetime) -> None:
        self._user(uid).settings = settings
        self._user(uid).streak.reminder_at = now

    def add_device(self, uid: str, token: str, platform: str, now: datetime) -> bool:
        devices = self.devices.setdefault(uid, {})
        is_new = token not in devices
        devices[token] = platform
        return is_new

    def remove_device(self, uid: str, token: str) -> None:
        self.devices.get(uid, {}).pop(token, None)

    def notifications(
        self, uid: str, limit: int, after: tuple[datetime, str] | None
    ) -> list[dict[str, object]]:
        mine = sorted(
            (e for e in self.outbox.values() if e.uid == uid),
            key=lambda e: (e.created_at, e.id),
            reverse=True,
        )
        if after is not None:
            mine = [e for e in mine if (e.created_at, e.id) < after]
        return [
            {
                "id": e.id,
                "kind": e.kind,
                "created_at": e.created_at,
                "data": e.data,
                "channels": {"push": "pending", "email": "pending"},
            }
            for e in mine[:limit]
        ]


class _Transaction:
    def __init__(self, store: InMemoryUserStore, uid: str) -> None:
        self.store, self.uid = store, uid
        self.pending: list[Callable[[], None]] = []

    def read(self, session_ids: Iterable[str], days: Iterable[date]) -> UserSnapshot:
        return self.store.snapshot(self.uid, session_ids, days)

    def write(
        self,
        sessions: Iterable[StoredSession],
        days: Iterable[DayRecord],
        streak: StreakRecord,
        outbox: Iterable[OutboxEntry] = (),
        boards: Iterable[tuple[str, BoardEntry]] = (),
    ) -> None:
        user = self.store._user(self.uid)
        staged = copy.deepcopy((list(sessions), list(days), streak, list(outbox)))
        standings = list(boards)

        def apply() -> None:
            for s in staged[0]:
                user.sessions[s.session.id] = s
            for d in staged[1]:
                user.days[d.day] = d
            user.streak = staged[2]
            for entry in staged[3]:
                self.store.outbox.setdefault(entry.id, entry)
            for key, standing in standings:
                self.store.boards.setdefault(key, {})[standing.uid] = standing

        self.pending.append(apply)


class FakeVerifier:
    """Tokens look like 'token:<uid>' or 'admin:<uid>'; anything else is invalid."""

    def verify(self, token: str) -> Principal:
        kind, _, uid = token.partition(":")
        if kind not in ("token", "admin") or not uid:
            raise InvalidToken("unknown token")
        return Principal(uid, admin=kind == "admin")


class FixedClock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


class RecordingPublisher:
    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, object]]] = []  # published, not yet acknowledged
        self.messages: list[tuple[str, dict[str, object]]] = []  # acknowledged by the broker

    def publish(self, topic: str, message: dict[str, object]) -> None:
        self.sent.append((topic, message))

    def flush(self) -> None:
        self.messages.extend(self.sent)
        self.sent.clear()


class InMemoryRunStore:
    def __init__(self) -> None:
        self.runs: dict[str, dict[str, object]] = {}
        self.counted: set[tuple[str, int]] = set()

    def start(self, run_id: str, now: datetime) -> bool:
        run = self.runs.get(run_id)
        if run is not None and run["batches"] is not None:
            return False
        self.runs[run_id] = new_maintenance_run(run_id, now)
        return True

    def fanned_out(self, run_id: str, users_due: int, batches: int, now: datetime) -> None:
        run = self.runs[run_id]
        run.update(users_due=users_due, batches=batches)
        self._finish_if_complete(run, now)

    def record_batch(self, run_id: str, index: int, processed: int, failed: int, now: datetime) -> bool:
        if (run_id, index) in self.counted:
            return False
        self.counted.add((run_id, index))
        run = self.runs[run_id]
        run["users_processed"] = int(run["users_processed"]) + processed  # type: ignore[call-overload]
        run["users_failed"] = int(run["users_failed"]) + failed  # type: ignore[call-overload]
        run["batches_done"] = int(run["batches_done"]) + 1  # type: ignore[call-overload]
        self._finish_if_complete(run, now)
        return True

    def get(self, run_id: str) -> dict[str, object] | None:
        return self.runs.get(run_id)

    @staticmethod
    def _finish_if_complete(run: dict[str, object], now: datetime) -> None:
        if run["batches"] is not None and run["batches_done"] == run["batches"]:
            run.update(status="done", finished_at=now)


class FakeMaintenanceStore:
    """Due users with a one-day streak; `broken` users fail every write with a transient error."""

    def __init__(self, due: dict[str, datetime], broken: set[str] | None = None) -> None:
        self.due = due
        self.broken = broken or set()
        self.commits: list[str] = []
        self.attempts: dict[str, int] = {}

    def due_pages(self, now: datetime, page_size: int) -> Iterator[list[str]]:
        ids = sorted(uid for uid, at in self.due.items() if at <= now)
        for start in range(0, len(ids), page_size):
            yield ids[start : start + page_size]

    def load(self, uids: list[str]) -> list[DueUser]:
        state = StreakState()
        state.add_qualified(date(2026, 11, 19), DEFAULT_CONFIG)
        return [DueUser(uid, UserSettings(timezone="UTC"), StreakRecord(state), None) for uid in uids]

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


class RecordingQueue:
    def __init__(self, down: bool = False) -> None:
        self.tasks: list[dict[str, object]] = []
        self.down = down

    def enqueue(self, payload: dict[str, object]) -> None:
        if self.down:
            raise ConnectionError("queue unavailable")
        self.tasks.append(payload)


@dataclass
class FakePush:
    invalid: set[str] = field(default_factory=set)
    failures: int = 0
    sent: list[tuple[tuple[str, ...], str, str]] = field(default_factory=list)

    def send(self, tokens: tuple[str, ...], title: str, body: str, data: dict[str, str]) -> PushOutcome:
        if self.failures:
            self.failures -= 1
            raise DeliveryError("FCM answered 500")
        self.sent.append((tokens, title, body))
        return PushOutcome(
            len([t for t in tokens if t not in self.invalid]), tuple(t for t in tokens if t in self.invalid)
        )


@dataclass
class FakeEmail:
    sent: list[tuple[str, str, str, str]] = field(default_factory=list)

    def send(self, address: str, subject: str, text: str, html: str) -> None:
        self.sent.append((address, subject, text, html))


@dataclass
class FakeLater:
    scheduled: list[tuple[str, datetime]] = field(default_factory=list)

    def dispatch_at(self, entry_id: str, when: datetime) -> None:
        self.scheduled.append((entry_id, when))
