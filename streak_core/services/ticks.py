"""The scheduled half: a tick fans due users out in pages; each batch maintains its page and reports."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from streak_core.domain.ids import is_document_id
from streak_core.errors import RunNotFound
from streak_core.models.maintenance import MaintenanceBatch, MaintenanceRun
from streak_core.ports.maintenance import BatchPublisher, RunStore
from streak_core.services.maintenance import BatchReport, BatchWorker

DEFAULT_PAGE_SIZE = 500  # users per batch message
# Ids read per cursor query; each query page is split into batch messages. Fewer, larger queries matter
# on the emulator, which scans the collection for every query.
DEFAULT_QUERY_PAGE_SIZE = 5000


@dataclass(frozen=True, slots=True)
class TickReport:
    run_id: str
    users_due: int
    batches: int
    skipped: bool = False


def run_tick(
    runs: RunStore,
    pages: Iterable[list[str]],
    publisher: BatchPublisher,
    run_id: str,
    now: datetime,
    page_size: int = DEFAULT_PAGE_SIZE,
    outage_id: str | None = None,
    league_week: str | None = None,
    friend_streaks: bool = False,
) -> TickReport:
    """Publish one batch message per `page_size` users of `pages` (the due users, or those an outage may
    have cost). A tick delivered again publishes nothing."""
    if not runs.start(run_id, now):
        return TickReport(run_id, 0, 0, skipped=True)
    users_due = batches = 0
    for query_page in pages:
        for start in range(0, len(query_page), page_size):
            page = tuple(query_page[start : start + page_size])
            batch = MaintenanceBatch(run_id, batches, page, now, outage_id, league_week, friend_streaks)
            publisher.publish(batch)
            users_due += len(page)
            batches += 1
    publisher.flush()  # every batch is acknowledged before the run says how many there are
    runs.fanned_out(run_id, users_due, batches, now)
    return TickReport(run_id, users_due, batches)


def run_batch(runs: RunStore, worker: BatchWorker, batch: MaintenanceBatch) -> BatchReport:
    """Maintain one page. Maintenance is idempotent per user, and the run counts each batch once:
    `users_failed` counts the users this batch could not maintain (handed to the retry queue)."""
    report = worker.run(list(batch.uids), batch.now, batch.run_id)
    runs.record_batch(batch.run_id, batch.batch, len(report.processed), report.not_maintained, batch.now)
    return report


def run_status(runs: RunStore, run_id: str) -> MaintenanceRun:
    """A run's record: RunNotFound for an unknown run, or an id no run can have."""
    run = runs.get(run_id) if is_document_id(run_id) else None
    if run is None:
        raise RunNotFound
    return run
