"""The batch worker: backoff on transient errors, the circuit breaker, and the retry queue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.vocabulary import NotificationKind
from streak_core.models.notifications import OutboxEntry
from streak_core.services.maintenance import BatchWorker, LoadSizing, RetryPolicy, commit_chunks
from tests.unit.fakes import FakeMaintenanceStore, RecordingQueue

NOW = datetime(2026, 11, 21, 0, 30, tzinfo=UTC)


def store_of(n: int, broken: set[str] | None = None) -> FakeMaintenanceStore:
    return FakeMaintenanceStore({f"u{i:02d}": NOW - timedelta(hours=1) for i in range(n)}, broken)


def worker(store: FakeMaintenanceStore, queue: RecordingQueue | None, sleeps: list[float]) -> BatchWorker:
    policy = RetryPolicy(attempts=3, base_delay=0.1, sleep=sleeps.append)
    return BatchWorker(store, DEFAULT_CONFIG, retry_queue=queue, policy=policy, parallelism=1, max_writes=4)


def test_a_user_failing_every_time_is_tried_three_times_with_backoff_then_queued() -> None:
    store, queue, sleeps = store_of(4, broken={"u02"}), RecordingQueue(), []
    report = worker(store, queue, sleeps).run(list(store.due), NOW, run_id="r1")
    assert sorted(report.processed) == ["u00", "u01", "u03"]
    assert list(report.deferred) == ["u02"]
    assert [t.uid for t in queue.tasks] == ["u02"]
    assert queue.tasks[0].run_id == "r1"
    assert store.attempts["u02"] == 3 + 3  # the chunk commit (3 tries), then alone (3 tries)
    assert len(sleeps) == 4  # two waits per three tries, doubling, with jitter
    assert all(0.05 <= s <= 0.1 for s in sleeps[0::2])
    assert all(0.1 <= s <= 0.2 for s in sleeps[1::2])


def test_five_consecutive_failures_open_the_breaker_and_the_rest_is_queued_untried() -> None:
    everyone = {f"u{i:02d}" for i in range(12)}
    store, queue, sleeps = store_of(12, broken=everyone), RecordingQueue(), []
    report = worker(store, queue, sleeps).run(sorted(everyone), NOW, run_id="r1")
    assert report.breaker_opened
    assert report.processed == []
    assert sorted(report.deferred) == sorted(everyone)
    tried_alone = [uid for uid, n in store.attempts.items() if n > 3]
    assert len(tried_alone) == 5  # then the breaker stopped hammering the store


def test_when_the_queue_is_down_too_the_user_is_reported_and_stays_due() -> None:
    store = store_of(2, broken={"u01"})
    report = worker(store, RecordingQueue(down=True), []).run(list(store.due), NOW)
    assert report.processed == ["u00"]
    assert "enqueue failed" in report.failed["u01"]
    assert "u01" not in store.commits


def test_a_healthy_batch_commits_in_chunks_without_retries() -> None:
    store, sleeps = store_of(10), []
    report = worker(store, RecordingQueue(), sleeps).run(list(store.due), NOW)
    assert sorted(report.processed) == sorted(store.due)
    assert sleeps == []
    assert set(store.attempts.values()) == {1}


def test_commits_are_grouped_by_their_number_of_writes() -> None:
    users = FakeMaintenanceStore({}).load(["a", "b", "c", "d"])
    entry = OutboxEntry("a", NotificationKind.WEEKLY_BONUS, "2026-W47", {}, NOW)
    work = [(users[0], [entry, entry]), (users[1], []), (users[2], [entry]), (users[3], [])]
    sizes = [[u.uid for u, _ in chunk] for chunk in commit_chunks(work, max_writes=4)]
    assert sizes == [["a", "b"], ["c", "d"]]


def test_committed_entries_are_announced_after_their_commit_and_failed_ones_never() -> None:
    store = store_of(4, broken={"u02"})
    announced: list[tuple[str, bool]] = []

    class Queue:
        def dispatch_at(self, entry_id: str, when: datetime) -> None:
            uid = entry_id.split(":")[0]
            announced.append((entry_id, uid in store.commits))

    policy = RetryPolicy(attempts=1, base_delay=0, sleep=lambda _: None)
    BatchWorker(store, DEFAULT_CONFIG, RecordingQueue(), Queue(), policy, parallelism=1, max_writes=4).run(
        list(store.due), NOW
    )
    assert sorted(announced) == [(f"u{i:02d}:streak_broken:2026-11-20", True) for i in (0, 1, 3)]


def test_commits_are_grouped_by_what_the_users_documents_weigh_too() -> None:
    users = FakeMaintenanceStore({}, weight=3_000).load(["a", "b", "c", "d", "e"])
    sizes = [[u.uid for u, _ in chunk] for chunk in commit_chunks([(u, []) for u in users], 100, 7_000)]
    assert sizes == [["a", "b"], ["c", "d"], ["e"]]


def test_a_page_of_heavy_users_is_read_in_loads_sized_by_what_the_first_weighed() -> None:
    store = FakeMaintenanceStore({f"u{i:02d}": NOW for i in range(30)}, weight=1_000_000)
    sizing = LoadSizing(budget=4_000_000, first=10, least=1)
    policy = RetryPolicy(attempts=1, base_delay=0, sleep=lambda _: None)
    report = BatchWorker(store, DEFAULT_CONFIG, policy=policy, parallelism=1, sizing=sizing).run(
        sorted(store.due), NOW
    )
    assert [len(load) for load in store.loads] == [10, 4, 4, 4, 4, 4]
    assert sorted(report.processed) == sorted(store.due)  # each user once, none lost between loads


def test_light_users_are_read_a_page_at_a_time() -> None:
    store = FakeMaintenanceStore({f"u{i:03d}": NOW for i in range(120)}, weight=2_000)
    policy = RetryPolicy(attempts=1, base_delay=0, sleep=lambda _: None)
    worker = BatchWorker(store, DEFAULT_CONFIG, policy=policy, parallelism=1, sizing=LoadSizing(first=50))
    worker.run(sorted(store.due), NOW)
    worker.run(sorted(store.due), NOW)  # the worker's second page, sized from the first
    assert [len(load) for load in store.loads] == [50, 70, 120]  # light: more than the first at once
