"""Nightly maintenance: due users, the run records, the broker and queues a run fans out over, outages."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Protocol

from streak_core.models.maintenance import (
    DeadLetter,
    DueUser,
    MaintenanceBatch,
    MaintenanceRun,
    MaintenanceTick,
    Outage,
    RetryTask,
)
from streak_core.models.notifications import OutboxEntry


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
