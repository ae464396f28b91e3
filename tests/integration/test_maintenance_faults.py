"""Maintenance under Firestore faults, injected in-process around the real emulator-backed store."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from streak_core.adapters.firestore.client import LazyFirestore
from streak_core.adapters.firestore.dead_letters import FirestoreDeadLetters
from streak_core.adapters.firestore.maintenance import FirestoreMaintenanceStore
from streak_core.adapters.firestore.users import FirestoreUserStore
from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.sessions import SessionFields
from streak_core.domain.vocabulary import RetryOutcome
from streak_core.errors import TransientStoreError
from streak_core.models.maintenance import DueUser
from streak_core.models.notifications import OutboxEntry
from streak_core.services.maintenance import BatchWorker, RetryPolicy
from streak_core.services.retries import replay_dead_letters, retry_user
from streak_core.services.sessions import accept_sessions
from tests.unit.fakes import RecordingQueue

pytestmark = pytest.mark.integration
TICK = datetime(2026, 11, 21, 0, 30, tzinfo=UTC)
NO_WAIT = RetryPolicy(attempts=3, base_delay=0.0, sleep=lambda _: None)


class FaultyStore:
    """The real store, but writes fail with a transient error: the first `transient` commits, and every
    commit touching a user in `always`."""

    def __init__(
        self, inner: FirestoreMaintenanceStore, transient: int = 0, always: set[str] | None = None
    ) -> None:
        self.inner, self.transient, self.always = inner, transient, always or set()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def _maybe_fail(self, uids: list[str]) -> None:
        if self.transient > 0:
            self.transient -= 1
            raise TransientStoreError("injected: deadline exceeded")
        if self.always & set(uids):
            raise TransientStoreError("injected: unavailable")

    def commit_all_if_unchanged(self, items: list[tuple[DueUser, list[OutboxEntry]]]) -> bool:
        self._maybe_fail([u.uid for u, _ in items])
        return self.inner.commit_all_if_unchanged(items)

    def commit_if_unchanged(self, user: DueUser, outbox: list[OutboxEntry]) -> bool:
        self._maybe_fail([user.uid])
        return self.inner.commit_if_unchanged(user, outbox)


@pytest.fixture
def lazy(firestore_client: Any) -> LazyFirestore:
    return LazyFirestore(None, factory=lambda _: firestore_client)


def due_user(lazy: LazyFirestore) -> str:
    uid = f"f-{uuid.uuid4().hex[:10]}"
    raws = [
        SessionFields(f"s{d}", f"2026-11-{d}T09:00:00Z", f"2026-11-{d}T10:00:00Z", "UTC") for d in (18, 19)
    ]
    accept_sessions(
        FirestoreUserStore(lazy), uid, raws, datetime(2026, 11, 20, 12, tzinfo=UTC), DEFAULT_CONFIG
    )
    return uid


def last_maintained(lazy: LazyFirestore, uid: str) -> object:
    return lazy().collection("streaks").document(uid).get().get("last_maintained_date")


def test_a_batch_whose_writes_fail_transiently_completes_through_retries(lazy: LazyFirestore) -> None:
    uids = [due_user(lazy) for _ in range(3)]
    store = FaultyStore(FirestoreMaintenanceStore(lazy), transient=2)
    report = BatchWorker(store, DEFAULT_CONFIG, policy=NO_WAIT).run(uids, TICK)  # type: ignore[arg-type]
    assert sorted(report.processed) == sorted(uids)
    assert (report.deferred, report.failed) == ({}, {})
    assert [last_maintained(lazy, uid) for uid in uids] == ["2026-11-20"] * 3


def test_a_user_failing_every_time_is_dead_lettered_then_replayed_once_the_fault_is_gone(
    lazy: LazyFirestore,
) -> None:
    healthy_uid, doomed = due_user(lazy), due_user(lazy)
    broken = FaultyStore(FirestoreMaintenanceStore(lazy), always={doomed})
    queue = RecordingQueue()
    report = BatchWorker(broken, DEFAULT_CONFIG, retry_queue=queue, policy=NO_WAIT).run(  # type: ignore[arg-type]
        [healthy_uid, doomed], TICK, run_id="faulty-run"
    )
    assert report.processed == [healthy_uid]
    assert list(report.deferred) == [doomed]
    task = queue.tasks[0]

    letters = FirestoreDeadLetters(lazy)
    failing_worker = BatchWorker(broken, DEFAULT_CONFIG, policy=NO_WAIT)  # type: ignore[arg-type]
    retry = retry_user(failing_worker, letters, task, attempt=0, max_attempts=3, failed_at=TICK)
    assert retry is RetryOutcome.RETRY
    last = retry_user(failing_worker, letters, task, attempt=2, max_attempts=3, failed_at=TICK)
    assert last is RetryOutcome.DEAD_LETTERED
    stored = lazy().collection("dead_letters").document(f"faulty-run:{doomed}").get().to_dict()
    assert (stored["uid"], stored["attempts"]) == (doomed, 3)
    assert "injected" in stored["error"]
    assert last_maintained(lazy, doomed) is None

    healthy_worker = BatchWorker(FirestoreMaintenanceStore(lazy), DEFAULT_CONFIG, policy=NO_WAIT)
    replay = replay_dead_letters(healthy_worker, letters, TICK, limit=500)
    assert doomed in replay.replayed
    assert last_maintained(lazy, doomed) == "2026-11-20"
    assert not lazy().collection("dead_letters").document(f"faulty-run:{doomed}").get().exists
