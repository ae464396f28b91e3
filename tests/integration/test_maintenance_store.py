"""Maintenance against the real emulator: due paging, guarded writes, redo on conflict, idempotency."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from google.cloud.firestore_v1.base_query import FieldFilter

from streak_core.adapters.firestore.client import LazyFirestore
from streak_core.adapters.firestore.maintenance import FirestoreMaintenanceStore
from streak_core.adapters.firestore.runs import FirestoreRunStore
from streak_core.adapters.firestore.users import FirestoreUserStore
from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.sessions import SessionFields
from streak_core.domain.vocabulary import RunStatus, SessionStatus
from streak_core.models.maintenance import DueUser, MaintenanceBatch
from streak_core.models.users import UserSettings
from streak_core.ports.maintenance import MaintenanceStore
from streak_core.services.lifecycle import in_holdout
from streak_core.services.maintenance import BatchReport, BatchWorker
from streak_core.services.sessions import accept_sessions
from streak_core.services.ticks import run_batch, run_tick

pytestmark = pytest.mark.integration
TICK = datetime(2026, 11, 21, 0, 30, tzinfo=UTC)


@pytest.fixture
def stores(firestore_client: Any) -> tuple[FirestoreUserStore, FirestoreMaintenanceStore]:
    lazy = LazyFirestore(None, factory=lambda _: firestore_client)
    return FirestoreUserStore(lazy), FirestoreMaintenanceStore(lazy)


def seed(users: FirestoreUserStore, days: list[date], tz: str, accepted_at: datetime, hour: int = 9) -> str:
    uid = f"m-{uuid.uuid4().hex[:12]}"

    def local(day: date, at: int) -> str:  # a local wall time, with the zone's offset on that date
        return datetime(day.year, day.month, day.day, at, tzinfo=ZoneInfo(tz)).isoformat()

    raws = [SessionFields(f"s{d.isoformat()}", local(d, hour), local(d, hour + 1), tz) for d in days]
    outcome = accept_sessions(users, uid, raws, accepted_at, DEFAULT_CONFIG)
    assert {i.status for i in outcome.items} == {SessionStatus.CREATED}
    return uid


def maintain_batch(store: MaintenanceStore, uids: list[str], now: datetime) -> BatchReport:
    """A page maintained with no retry queue (what cannot be written is reported as failed)."""
    return BatchWorker(store, DEFAULT_CONFIG).run(uids, now)


def nov(*days: int) -> list[date]:
    return [date(2026, 11, d) for d in days]


def outbox_kinds(client: Any, uid: str) -> list[tuple[str, str]]:
    docs = client.collection("outbox").where(filter=FieldFilter("uid", "==", uid)).stream()
    return sorted((d.get("kind"), d.get("key")) for d in docs)


def test_one_tick_maintains_each_user_by_their_own_clock(stores: Any, firestore_client: Any) -> None:
    users, maintenance = stores
    day_before = datetime(2026, 11, 20, 12, tzinfo=UTC)
    freeze = seed(users, nov(13, 14, 15, 16, 17, 18, 19), "UTC", day_before)
    broken = seed(users, nov(17, 18, 19), "UTC", day_before)
    bonus = seed(users, nov(9, 10, 11, 12, 13), "UTC", datetime(2026, 11, 14, 12, tzinfo=UTC))
    plus14 = seed(users, nov(20), "Pacific/Kiritimati", datetime(2026, 11, 20, 0, tzinfo=UTC))
    minus10 = seed(users, nov(19), "Pacific/Honolulu", day_before)

    due = {uid for page in maintenance.due_pages(TICK, page_size=500) for uid in page}
    assert {freeze, broken, bonus, plus14} <= due
    assert minus10 not in due  # still the 20th in Honolulu: their day has not ended

    report = maintain_batch(maintenance, [freeze, broken, bonus, plus14], TICK)
    assert sorted(report.processed) == sorted([freeze, broken, bonus, plus14])
    assert outbox_kinds(firestore_client, freeze) == [
        ("badge_earned", "streak-7"),  # written by session acceptance, with the seventh day
        ("freeze_applied", "2026-11-20"),
        ("freeze_earned", "2026-11-19"),
        ("milestone", "7-2026-11-13"),  # written by session acceptance, with the seventh day
    ]
    assert outbox_kinds(firestore_client, broken) == [("streak_broken", "2026-11-20")]
    # Quiet since the 13th, the 14th to the 20th closed: 7 quiet days, a reactivation step (told unless the
    # user is in the holdout).
    comeback = [] if in_holdout(bonus, DEFAULT_CONFIG) else [("reactivation", "2026-11-13:7")]
    assert outbox_kinds(firestore_client, bonus) == sorted(
        [("streak_broken", "2026-11-14"), ("weekly_bonus", "2026-W46"), *comeback]
    )
    assert outbox_kinds(firestore_client, plus14) == []

    snap = users.snapshot(plus14, (), ())
    assert snap.streak.last_maintained_date == date(2026, 11, 20)
    assert snap.streak.maintenance_due_at == datetime(2026, 11, 21, 10, tzinfo=UTC)  # next midnight at +14
    assert users.snapshot(freeze, (), ()).streak.state.current_streak(date(2026, 11, 21)) == 7
    assert {uid for page in maintenance.due_pages(TICK, 500) for uid in page}.isdisjoint(
        {freeze, broken, bonus}
    )


def test_a_batch_delivered_twice_changes_nothing(stores: Any, firestore_client: Any) -> None:
    users, maintenance = stores
    uid = seed(users, nov(17, 18, 19), "UTC", datetime(2026, 11, 20, 12, tzinfo=UTC))
    maintain_batch(maintenance, [uid], TICK)
    first = firestore_client.collection("streaks").document(uid).get().to_dict()
    report = maintain_batch(maintenance, [uid], TICK)
    second = firestore_client.collection("streaks").document(uid).get().to_dict()
    assert report.processed == [uid]
    assert first == second
    assert outbox_kinds(firestore_client, uid) == [("streak_broken", "2026-11-20")]


class SessionArrivesAfterRead:
    """Wraps the store so a session lands for the user right after the batch has read them."""

    def __init__(
        self, inner: FirestoreMaintenanceStore, users: FirestoreUserStore, raw: SessionFields
    ) -> None:
        self.inner, self.users, self.raw = inner, users, raw

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def load(self, uids: list[str]) -> list[DueUser]:
        loaded = self.inner.load(uids)
        accept_sessions(self.users, uids[0], [self.raw], TICK, DEFAULT_CONFIG)
        return loaded


def test_a_session_arriving_between_read_and_write_is_kept_and_the_user_still_maintained(
    stores: Any, firestore_client: Any
) -> None:
    users, maintenance = stores
    uid = seed(users, nov(17, 18, 19), "UTC", datetime(2026, 11, 20, 12, tzinfo=UTC))
    late = SessionFields("late", "2026-11-20T10:00:00Z", "2026-11-20T11:00:00Z", "UTC")
    report = maintain_batch(SessionArrivesAfterRead(maintenance, users, late), [uid], TICK)  # type: ignore[arg-type]
    assert report.redone == [uid]
    snap = users.snapshot(uid, ("late",), (date(2026, 11, 20),))
    assert "late" in snap.sessions
    assert snap.streak.state.current_streak(date(2026, 11, 21)) == 4  # the late day counts: no break
    assert snap.streak.last_maintained_date == date(2026, 11, 20)
    assert outbox_kinds(firestore_client, uid) == []


def test_due_users_are_paged_by_cursor(stores: Any, firestore_client: Any) -> None:
    _, maintenance = stores
    tag = uuid.uuid4().hex[:6]
    base = datetime(2001, 1, 1, tzinfo=UTC)  # earlier than any other test's users, so these come first
    ids = [f"page-{tag}-{n}" for n in range(5)]
    for n, uid in enumerate(ids):
        firestore_client.collection("streaks").document(uid).set(
            {"maintenance_due_at": base + timedelta(minutes=n)}
        )
    firestore_client.collection("streaks").document(f"page-{tag}-late").set(
        {"maintenance_due_at": datetime(2030, 1, 1, tzinfo=UTC)}
    )
    pages = list(maintenance.due_pages(base + timedelta(minutes=4), page_size=2))
    assert pages == [ids[0:2], ids[2:4], ids[4:5]]


class CapturingPublisher:
    def __init__(self) -> None:
        self.messages: list[MaintenanceBatch] = []

    def publish(self, batch: MaintenanceBatch) -> None:
        self.messages.append(batch)

    def flush(self) -> None:
        return None


def test_a_run_record_is_exact_when_done_despite_a_redelivered_batch(
    stores: Any, firestore_client: Any
) -> None:
    users, maintenance = stores
    runs = FirestoreRunStore(LazyFirestore(None, factory=lambda _: firestore_client))
    # A tick far in the future sees every user created so far as due; count them by paging first.
    later = datetime(2026, 12, 24, 0, 30, tzinfo=UTC)
    seed(users, nov(18, 19), "UTC", datetime(2026, 11, 20, 12, tzinfo=UTC))
    expected = sum(len(page) for page in maintenance.due_pages(later, 500))
    publisher = CapturingPublisher()
    run_id = f"run-{uuid.uuid4().hex[:8]}"
    tick = run_tick(runs, maintenance.due_pages(later, 500), publisher, run_id, later, page_size=3)
    assert tick.users_due == expected
    assert run_tick(runs, maintenance.due_pages(later, 500), publisher, run_id, later, page_size=3).skipped
    for message in [*publisher.messages, publisher.messages[-1]]:
        run_batch(runs, BatchWorker(maintenance, DEFAULT_CONFIG), message)
    run = runs.get(run_id)
    assert run is not None
    assert (run.status, run.batches, run.users_due) == (RunStatus.DONE, tick.batches, expected)
    assert (run.users_processed, run.users_failed, run.finished_at) == (expected, 0, later)


def test_maintenance_sees_a_changed_timezone_setting_without_reading_the_user(stores: Any) -> None:
    users, maintenance = stores
    uid = seed(users, nov(19), "UTC", datetime(2026, 11, 20, 12, tzinfo=UTC))
    assert maintenance.load([uid])[0].settings.timezone is None
    users.save_settings(
        uid, UserSettings(timezone="Pacific/Kiritimati"), datetime(2026, 11, 20, 13, tzinfo=UTC)
    )
    assert maintenance.load([uid])[0].settings.timezone == "Pacific/Kiritimati"
    # A later session keeps the copy: the acceptance transaction writes what it read.
    late = SessionFields("after", "2026-11-20T09:00:00Z", "2026-11-20T10:00:00Z", "UTC")
    accept_sessions(users, uid, [late], datetime(2026, 11, 20, 12, tzinfo=UTC), DEFAULT_CONFIG)
    assert maintenance.load([uid])[0].settings.timezone == "Pacific/Kiritimati"


def test_a_night_writes_only_the_fields_that_moved(stores: Any, firestore_client: Any) -> None:
    users, maintenance = stores
    quiet = seed(users, nov(10, 11), "UTC", datetime(2026, 11, 12, 12, tzinfo=UTC))  # broken long ago
    frozen = seed(users, nov(13, 14, 15, 16, 17, 18, 19), "UTC", datetime(2026, 11, 20, 12, tzinfo=UTC))
    streaks = firestore_client.collection("streaks")
    for uid in (quiet, frozen):
        streaks.document(uid).update({"probe": uid, "updated_at": TICK})  # written by earlier releases
    maintain_batch(maintenance, [quiet], datetime(2026, 11, 19, 0, 30, tzinfo=UTC))  # closes up to the 18th
    stamped = {uid: streaks.document(uid).get() for uid in (quiet, frozen)}

    report = maintain_batch(maintenance, [quiet, frozen], TICK)

    assert sorted(report.processed) == sorted([quiet, frozen])
    after = {uid: streaks.document(uid).get() for uid in (quiet, frozen)}
    for uid in (quiet, frozen):
        assert after[uid].get("probe") == uid  # an update of fields, not a rewrite of the document
        assert after[uid].get("last_maintained_date") == "2026-11-20"
        assert "updated_at" not in (after[uid].to_dict() or {})  # retired: the write deleted it
    # Nothing but the bookkeeping moved for the quiet user; the freeze moved the streak's facts too.
    assert after[quiet].get("run_ends") == stamped[quiet].get("run_ends")
    assert after[frozen].get("frozen") == [date(2026, 11, 20).toordinal()]
    assert stamped[frozen].get("frozen") == []
