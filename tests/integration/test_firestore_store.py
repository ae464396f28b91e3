"""The Firestore adapter against the real emulator: atomic acceptance, concurrency, transient faults."""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from google.api_core import exceptions as gexc
from google.cloud.firestore_v1.base_query import FieldFilter

from streak_core.adapters.firestore.client import LazyFirestore
from streak_core.adapters.firestore.users import FirestoreUserStore
from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.day_start import DayStarts
from streak_core.domain.sessions import SessionFields
from streak_core.domain.vocabulary import SessionStatus
from streak_core.errors import TransientStoreError
from streak_core.models.users import UserSettings
from streak_core.services.cursors import Cursors
from streak_core.services.queries import list_notifications
from streak_core.services.sessions import accept_sessions

pytestmark = pytest.mark.integration
NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)
DAY = date(2026, 11, 21)


def body(sid: str, start: str, end: str, day: int = 21) -> SessionFields:
    return SessionFields(sid, f"2026-11-{day:02d}T{start}:00Z", f"2026-11-{day:02d}T{end}:00Z", "UTC")


@pytest.fixture
def store(firestore_client: Any) -> FirestoreUserStore:
    return FirestoreUserStore(LazyFirestore(None, factory=lambda _: firestore_client))


@pytest.fixture
def uid() -> str:
    return f"user-{uuid.uuid4().hex}"


def day_seconds(store: FirestoreUserStore, uid: str) -> int:
    record = store.snapshot(uid, (), (DAY,)).days.get(DAY)
    return record.state.seconds if record else 0


def test_five_identical_submissions_in_parallel_count_the_minutes_once(
    store: FirestoreUserStore, uid: str
) -> None:
    raw = body("same", "08:00", "08:40")
    with ThreadPoolExecutor(max_workers=5) as pool:
        outcomes = list(pool.map(lambda _: accept_like_a_client(store, uid, raw), range(5)))
    statuses = sorted(o.items[0].status for o in outcomes)
    assert statuses == [SessionStatus.CREATED] + [SessionStatus.DUPLICATE] * 4
    assert day_seconds(store, uid) == 40 * 60
    snap = store.snapshot(uid, ("same",), (DAY,))
    assert snap.streak.state.qualified_days == 1
    assert list(snap.sessions) == ["same"]


def accept_like_a_client(store: FirestoreUserStore, uid: str, raw: SessionFields) -> Any:
    """Retry on 503 after a pause, as API.md tells clients to: the emulator's lock timeouts can exhaust a
    transaction's own retries when five of them contend for the same documents."""
    for attempt in range(8):
        try:
            return accept_sessions(store, uid, [raw], NOW, DEFAULT_CONFIG)
        except TransientStoreError:
            time.sleep(0.2 * (attempt + 1))
    raise AssertionError("still unavailable after 8 tries")


def test_parallel_sessions_of_one_user_on_one_day_all_count(store: FirestoreUserStore, uid: str) -> None:
    raws = [body(f"p{n}", f"{3 + n:02d}:00", f"{3 + n:02d}:10") for n in range(5)]
    with ThreadPoolExecutor(max_workers=5) as pool:
        outcomes = list(pool.map(lambda raw: accept_like_a_client(store, uid, raw), raws))
    assert [o.items[0].status for o in outcomes] == [SessionStatus.CREATED] * 5
    assert day_seconds(store, uid) == 50 * 60
    assert store.snapshot(uid, (), ()).streak.state.qualified_days == 1


def test_acceptance_writes_session_days_and_streak_together(store: FirestoreUserStore, uid: str) -> None:
    accept_sessions(store, uid, [body("a", "08:00", "09:00")], NOW, DEFAULT_CONFIG)
    snap = store.snapshot(uid, ("a",), (DAY,))
    assert snap.sessions["a"].session.timezone == "UTC"
    eight = int(datetime(2026, 11, 21, 8, tzinfo=UTC).timestamp() * 1000)
    assert snap.days[DAY].pieces == {"a": (eight, eight + 3_600_000)}
    assert snap.streak.state.qualified_days == 1
    assert snap.streak.maintenance_due_at == datetime(2026, 11, 22, tzinfo=UTC)


class FailingCommits:
    """A Firestore client whose transactions fail at commit, as when the backend is unavailable."""

    def __init__(self, real: Any, error: Exception) -> None:
        self._real, self._error = real, error

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def transaction(self, **kwargs: Any) -> Any:
        tx = self._real.transaction(**kwargs)
        error = self._error

        def failing_commit(*_args: Any, **_kwargs: Any) -> Any:
            raise error

        tx._commit = failing_commit
        return tx


@pytest.mark.parametrize(
    "failure",
    [
        gexc.ServiceUnavailable("down"),
        # The stream of a commit reset (RST_STREAM CANCEL): seen when a stopped emulator resumed.
        gexc.Cancelled("Stream removed (RST_STREAM (Received RST_STREAM with error code 8))"),
    ],
    ids=type,
)
def test_transient_failure_raises_retryable_error_and_writes_nothing(
    firestore_client: Any, uid: str, failure: Exception
) -> None:
    broken = FirestoreUserStore(
        LazyFirestore(None, factory=lambda _: FailingCommits(firestore_client, failure))
    )
    with pytest.raises(TransientStoreError):
        accept_sessions(broken, uid, [body("lost", "08:00", "09:00")], NOW, DEFAULT_CONFIG)
    healthy = FirestoreUserStore(LazyFirestore(None, factory=lambda _: firestore_client))
    snap = healthy.snapshot(uid, ("lost",), (DAY,))
    assert (snap.sessions, snap.days, snap.streak.state.qualified_days) == ({}, {}, 0)
    outcome = accept_sessions(healthy, uid, [body("lost", "08:00", "09:00")], NOW, DEFAULT_CONFIG)
    assert outcome.items[0].status is SessionStatus.CREATED


def test_calendar_range_query_returns_only_days_in_range(store: FirestoreUserStore, uid: str) -> None:
    raws = [body(f"d{n}", "08:00", "09:00", day=n) for n in (10, 15, 20)]
    accept_sessions(store, uid, raws, NOW, DEFAULT_CONFIG)
    found = store.days_between(uid, date(2026, 11, 11), date(2026, 11, 20))
    assert sorted(found) == [date(2026, 11, 15), date(2026, 11, 20)]


def test_milestone_entries_are_written_in_the_acceptance_transaction_once(
    store: FirestoreUserStore, uid: str, firestore_client: Any
) -> None:
    raws = [body(f"m{n}", "08:00", "09:00", day=n) for n in range(14, 21)]
    accept_sessions(store, uid, raws, NOW, DEFAULT_CONFIG)
    accept_sessions(store, uid, raws, NOW, DEFAULT_CONFIG)
    entry = firestore_client.collection("outbox").document(f"{uid}:milestone:7-2026-11-14").get()
    assert entry.exists
    assert (entry.get("kind"), entry.get("data"), entry.get("channels")) == (
        "milestone",
        {"days": 7},
        {"push": "pending", "email": "pending"},
    )


def test_a_transaction_that_exhausts_its_attempts_is_a_retryable_error(
    firestore_client: Any, uid: str
) -> None:
    exhausted = FirestoreUserStore(
        LazyFirestore(None, factory=lambda _: FailingCommits(firestore_client, gexc.Aborted("lock timeout"))),
        max_attempts=2,
    )
    with pytest.raises(TransientStoreError, match="contention"):
        accept_sessions(exhausted, uid, [body("busy", "08:00", "09:00")], NOW, DEFAULT_CONFIG)


def test_notifications_page_by_cursor_newest_first_with_ties_broken_by_id(
    store: FirestoreUserStore, uid: str, firestore_client: Any
) -> None:
    stamps = {"a": NOW, "b": NOW, "c": NOW + timedelta(minutes=1), "d": NOW - timedelta(days=1)}
    for key, stamp in stamps.items():
        firestore_client.collection("outbox").document(f"{uid}:milestone:{key}").set(
            {"uid": uid, "kind": "milestone", "key": key, "created_at": stamp, "data": {}, "channels": {}}
        )
    seen: list[str] = []
    cursor: str | None = None
    while True:
        page = list_notifications(store, Cursors("k"), uid, 2, cursor)
        seen += [n.id.rsplit(":", 1)[1] for n in page.notifications]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == ["c", "b", "a", "d"]


def test_a_night_owls_day_start_is_stored_copied_and_cuts_their_sessions(
    store: FirestoreUserStore, uid: str, firestore_client: Any
) -> None:
    """On the emulator: the setting round-trips, the streak carries its copy (maintenance reads only the
    streak), and acceptance (its second read, for the day before) files 00:30-01:30 under the day lived."""
    starts = DayStarts(((date(2026, 11, 1), 4 * 60),))
    evening = body("evening", "20:00", "20:30", day=19)  # the 19th holds 30 minutes before the owl's session
    accept_sessions(store, uid, [evening], NOW, DEFAULT_CONFIG)
    store.save_settings(uid, UserSettings(timezone="UTC", day_starts=starts), NOW)
    snap = store.snapshot(uid, (), ())
    assert snap.settings.day_starts == starts
    assert snap.streak.day_starts_setting == starts
    outcome = accept_sessions(store, uid, [body("owl", "00:30", "01:30", day=20)], NOW, DEFAULT_CONFIG)
    assert outcome.items[0].session is not None
    assert outcome.items[0].session.days == (date(2026, 11, 19),)
    days = store.snapshot(uid, ("owl",), (date(2026, 11, 19), date(2026, 11, 20))).days
    assert set(days) == {date(2026, 11, 19)}
    assert days[date(2026, 11, 19)].state.seconds == 3600 + 1800  # read and added to, not overwritten
    stored = firestore_client.collection("streaks").document(uid).get().to_dict()
    assert stored["day_starts_setting"] == [{"from": "2026-11-01", "minutes": 240}]


def test_an_acceptance_moves_the_days_counters_in_its_commit_each_figure_once(
    store: FirestoreUserStore, uid: str, firestore_client: Any
) -> None:
    """A first session that qualifies its day starts a streak (a `streak.started` event is written with it):
    the day's figures count one session, one active and qualifying user, and one streak started."""
    from streak_core.adapters.firestore.analytics import FirestoreAnalytics

    on = date(2031, 2, 3)  # a date of its own: the counters are shared by every test of the run
    at = datetime(2031, 2, 3, 12, tzinfo=UTC)
    raw = SessionFields("only", "2031-02-03T09:00:00Z", "2031-02-03T09:40:00Z", "UTC")
    accept_sessions(store, uid, [raw], at, DEFAULT_CONFIG)
    events = firestore_client.collection("events").where(filter=FieldFilter("uid", "==", uid)).stream()
    assert [e.to_dict()["type"] for e in events] == ["streak.started"]
    figures = FirestoreAnalytics(LazyFirestore(None, factory=lambda _: firestore_client)).days(on, on)[on]
    assert {
        k: figures.get(k) for k in ("sessions", "active_users", "qualifying_users", "streaks_started")
    } == {
        "sessions": 1,
        "active_users": 1,
        "qualifying_users": 1,
        "streaks_started": 1,
    }
    assert figures["focus_seconds"] == 40 * 60
