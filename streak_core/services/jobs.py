"""Batches of sessions accepted later: one job per request (or per idempotency key), run by a queue."""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from streak_core.domain.ids import is_document_id, keyed_id
from streak_core.domain.vocabulary import JobStatus
from streak_core.errors import IdempotencyKeyReused, JobNotFound, Unavailable
from streak_core.models.jobs import SessionJob
from streak_core.ports.jobs import JobQueue, JobStore

log = logging.getLogger(__name__)


class RetryLater(Unavailable):
    """This attempt failed and the job has attempts left: the queue runs it again after its backoff."""

    code = "retry_later"


def submit_job(
    jobs: JobStore,
    queue: JobQueue,
    uid: str,
    request_json: str,
    now: datetime,
    idempotency_key: str | None = None,
    correlation_id: str | None = None,
) -> tuple[SessionJob, bool]:
    """The job for this request, and whether it is new. With an idempotency key, the same caller sending
    the same request again gets the same job; the same key for another request is IdempotencyKeyReused."""
    digest = hashlib.sha256(request_json.encode()).hexdigest()
    job_id = keyed_id(uid, idempotency_key) if idempotency_key else uuid.uuid4().hex
    job = SessionJob(job_id, uid, JobStatus.QUEUED, now, now, 0, request_json, digest, now, correlation_id)
    stored, created = jobs.create_or_get(job)
    if stored.request_digest != digest:
        raise IdempotencyKeyReused
    if stored.status is JobStatus.QUEUED:
        # Also on a retry: the first request may have stored the job and failed before its task was queued;
        # the task's name comes from the job, so the queue keeps one.
        queue.enqueue(stored)
    return stored, created


def get_job(jobs: JobStore, uid: str, job_id: str) -> SessionJob:
    """The caller's job; another user's job is as unknown as one that never existed."""
    job = jobs.get(job_id) if is_document_id(job_id) else None
    if job is None or job.uid != uid:
        raise JobNotFound
    return job


def run_job(
    jobs: JobStore,
    job_id: str,
    now: Callable[[], datetime],
    work: Callable[[SessionJob], str],
    max_attempts: int,
) -> SessionJob | None:
    """One attempt at a job: `work` returns the result's JSON. A failed attempt with attempts left raises
    RetryLater (the queue retries after its backoff); the last one settles the job as failed and
    dead-letters it. None when the job is already settled (a redelivered task) or unknown."""
    job = jobs.start_attempt(job_id, now())
    if job is None:
        return None
    fields: dict[str, object] = {"job_id": job.id, "attempts": job.attempts}
    try:
        result = work(job)
    except Exception as exc:  # any failure of an attempt counts against the job's attempts
        error = f"{type(exc).__name__}: {exc}"
        if job.attempts >= max_attempts:
            failed = replace(job, status=JobStatus.FAILED, updated_at=now(), error=error)
            jobs.settle(failed, dead_letter=True)
            log.error("job dead-lettered", extra={**fields, "dead_letter": True, "dead_letter_kind": "job"})
            return failed
        jobs.settle(replace(job, status=JobStatus.QUEUED, updated_at=now(), error=error))
        log.warning("job attempt failed; the queue retries it", extra={**fields, "retry": True})
        raise RetryLater(f"attempt {job.attempts} of {max_attempts} failed: {error}") from exc
    done = replace(job, status=JobStatus.DONE, updated_at=now(), result_json=result, error=None)
    jobs.settle(done)
    if job.attempts > 1:
        log.info("job succeeded on a retry", extra={**fields, "retry_success": True})
    return done


def replay_failed_jobs(jobs: JobStore, queue: JobQueue, now: datetime, limit: int) -> list[SessionJob]:
    """Queue dead-lettered jobs again, each with its attempts anew (the queue runs them as it ran them
    first); the jobs requeued. A job requeued by someone else meanwhile is left alone."""
    requeued = []
    for job in jobs.failed_jobs(limit):
        again = jobs.requeue(job.id, now)
        if again is not None:
            queue.enqueue(again)
            requeued.append(again)
    return requeued
