"""Asynchronous batches: the job records and the queue that runs them."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from streak_core.models.jobs import SessionJob


class JobStore(Protocol):
    def create_or_get(self, job: SessionJob) -> tuple[SessionJob, bool]:
        """Store a new job, or return the one already stored under its id; whether it is new."""
        ...

    def get(self, job_id: str) -> SessionJob | None: ...

    def start_attempt(self, job_id: str, now: datetime) -> SessionJob | None:
        """Mark the job running with one more attempt, atomically; None when it is already settled (done or
        failed) or unknown: a redelivered task then does nothing."""
        ...

    def failed_jobs(self, limit: int) -> list[SessionJob]:
        """The jobs in the dead letters (every attempt failed), oldest failure first."""
        ...

    def requeue(self, job_id: str, now: datetime) -> SessionJob | None:
        """A dead-lettered job queued again with its attempts anew, out of the dead letters, atomically;
        None when it is not (or no longer) failed."""
        ...

    def settle(self, job: SessionJob, dead_letter: bool = False) -> None:
        """Store the job's outcome (done, failed, or queued again for a retry); a failed job also lands in
        the dead letters when `dead_letter`."""
        ...


class JobQueue(Protocol):
    def enqueue(self, job: SessionJob) -> None:
        """Hand the job to the queue that runs it; the same job twice is one task."""
        ...

    def enqueue_erasure(self, uid: str, receipt: str) -> None:
        """Hand a user's erasure to the queue (named by its receipt: requested twice, one task)."""
        ...
