"""The tick's fan-out and the run record, with fakes of the stores and the publisher."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.vocabulary import RunStatus
from streak_core.models.maintenance import MaintenanceRun
from streak_core.services.maintenance import BatchWorker
from streak_core.services.ticks import run_batch, run_tick
from tests.unit.fakes import FakeMaintenanceStore, InMemoryRunStore, RecordingPublisher

NOW = datetime(2026, 11, 21, 0, 30, tzinfo=UTC)


def five_due_and_one_not() -> FakeMaintenanceStore:
    due = {f"u{n}": NOW - timedelta(minutes=30) for n in range(5)}
    due["later"] = NOW + timedelta(hours=3)
    return FakeMaintenanceStore(due)


def test_a_tick_publishes_one_message_per_page_of_due_users() -> None:
    runs, publisher = InMemoryRunStore(), RecordingPublisher()
    pages = five_due_and_one_not().due_pages(NOW, 3)  # query pages of 3, split into batches of 2
    report = run_tick(runs, pages, publisher, "run-1", NOW, page_size=2)
    assert (report.users_due, report.batches) == (5, 3)
    assert [m.uids for m in publisher.messages] == [("u0", "u1"), ("u2",), ("u3", "u4")]
    assert [m.batch for m in publisher.messages] == [0, 1, 2]
    assert {(m.run_id, m.now) for m in publisher.messages} == {("run-1", NOW)}
    assert run_of(runs, "run-1").status is RunStatus.RUNNING


def test_a_tick_delivered_twice_fans_out_once() -> None:
    runs, publisher, store = InMemoryRunStore(), RecordingPublisher(), five_due_and_one_not()
    run_tick(runs, store.due_pages(NOW, 500), publisher, "run-1", NOW, page_size=2)
    again = run_tick(runs, store.due_pages(NOW, 500), publisher, "run-1", NOW, page_size=2)
    assert again.skipped
    assert len(publisher.messages) == 3


def test_counters_are_exact_when_the_run_is_done_even_with_a_redelivered_batch() -> None:
    runs, publisher, store = InMemoryRunStore(), RecordingPublisher(), five_due_and_one_not()
    run_tick(runs, store.due_pages(NOW, 500), publisher, "run-1", NOW, page_size=2)
    messages = list(publisher.messages)
    for message in [*messages, messages[0]]:  # Pub/Sub delivers at least once
        run_batch(runs, BatchWorker(store, DEFAULT_CONFIG), message)
    run = run_of(runs, "run-1")
    assert (run.status, run.users_due, run.users_processed, run.users_failed) == (RunStatus.DONE, 5, 5, 0)
    assert run.finished_at == NOW


def test_a_tick_with_nobody_due_is_done_at_once() -> None:
    runs = InMemoryRunStore()
    report = run_tick(runs, FakeMaintenanceStore({}).due_pages(NOW, 500), RecordingPublisher(), "quiet", NOW)
    assert report.batches == 0
    assert run_of(runs, "quiet").status is RunStatus.DONE


def run_of(runs: InMemoryRunStore, run_id: str) -> MaintenanceRun:
    run = runs.get(run_id)
    assert run is not None
    return run


def test_a_run_whose_batches_all_reported_with_failed_users_is_failed() -> None:
    run = MaintenanceRun.started("r", NOW).fanned_out(users_due=3, batches=2, now=NOW)
    run = run.with_batch(processed=2, failed=0, now=NOW)
    assert run.status is RunStatus.RUNNING
    later = NOW + timedelta(minutes=1)
    run = run.with_batch(processed=0, failed=1, now=later)
    assert (run.status, run.users_failed, run.finished_at) == (RunStatus.FAILED, 1, later)
