"""Asynchronous batches with fakes of the job store and queue: one job per key, attempts, dead letters."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from streak_core.domain.vocabulary import JobStatus
from streak_core.errors import IdempotencyKeyReused, JobNotFound, TransientStoreError
from streak_core.models.jobs import SessionJob
from streak_core.services.jobs import RetryLater, get_job, run_job, submit_job
from tests.unit.fakes import InMemoryJobStore, RecordingJobQueue

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)
BODY = '{"sessions":[]}'


def clock() -> datetime:
    return NOW


def submitted(store: InMemoryJobStore, key: str | None = "k1", uid: str = "u1") -> SessionJob:
    return submit_job(store, RecordingJobQueue(), uid, BODY, NOW, key)[0]


def test_a_new_job_is_queued_and_handed_to_the_queue() -> None:
    store, queue = InMemoryJobStore(), RecordingJobQueue()
    job, created = submit_job(store, queue, "u1", BODY, NOW, "k1", "corr-1")
    assert (created, job.status, job.attempts, job.correlation_id) == (True, JobStatus.QUEUED, 0, "corr-1")
    assert queue.enqueued == [job.id]


def test_the_same_key_and_request_from_the_same_user_is_the_same_job() -> None:
    store = InMemoryJobStore()
    first = submitted(store)
    again, created = submit_job(store, RecordingJobQueue(), "u1", BODY, NOW, "k1")
    assert (again.id, created) == (first.id, False)


def test_a_retried_submission_of_a_queued_job_hands_it_to_the_queue_again() -> None:
    """The first request may have stored the job and failed before queuing its task."""
    store, queue = InMemoryJobStore(), RecordingJobQueue()
    first = submitted(store)
    submit_job(store, queue, "u1", BODY, NOW, "k1")
    assert queue.enqueued == [first.id]


def test_a_settled_job_is_not_queued_again() -> None:
    store, queue = InMemoryJobStore(), RecordingJobQueue()
    job = submitted(store)
    run_job(store, job.id, clock, lambda _: "{}", 3)
    submit_job(store, queue, "u1", BODY, NOW, "k1")
    assert queue.enqueued == []


def test_the_same_key_for_another_request_is_refused() -> None:
    store = InMemoryJobStore()
    submitted(store)
    with pytest.raises(IdempotencyKeyReused):
        submit_job(store, RecordingJobQueue(), "u1", '{"sessions":[{}]}', NOW, "k1")


def test_the_same_key_from_another_user_is_another_job() -> None:
    store = InMemoryJobStore()
    assert submitted(store, uid="u1").id != submitted(store, uid="u2").id


def test_without_a_key_every_submission_is_a_new_job() -> None:
    store = InMemoryJobStore()
    assert submitted(store, key=None).id != submitted(store, key=None).id


def test_another_users_job_is_not_found() -> None:
    store = InMemoryJobStore()
    job = submitted(store)
    assert get_job(store, "u1", job.id) == job
    with pytest.raises(JobNotFound):
        get_job(store, "u2", job.id)


@pytest.mark.parametrize("job_id", ["nope", "..", "a/b", "__x__"])
def test_unknown_or_impossible_job_ids_are_not_found(job_id: str) -> None:
    with pytest.raises(JobNotFound):
        get_job(InMemoryJobStore(), "u1", job_id)


def test_a_job_that_runs_is_done_with_its_result() -> None:
    store = InMemoryJobStore()
    job = submitted(store)
    done = run_job(store, job.id, clock, lambda j: f'{{"for":"{j.uid}"}}', 3)
    assert done is not None
    assert (done.status, done.attempts, done.result_json) == (JobStatus.DONE, 1, '{"for":"u1"}')
    assert store.jobs[job.id] == done


class Flaky:
    def __init__(self, failures: int) -> None:
        self.failures = failures

    def __call__(self, job: SessionJob) -> str:
        if self.failures:
            self.failures -= 1
            raise TransientStoreError("contention")
        return "{}"


def test_failed_attempts_are_retried_by_the_queue_until_one_succeeds() -> None:
    store, work = InMemoryJobStore(), Flaky(failures=2)
    job = submitted(store)
    for _ in range(2):
        with pytest.raises(RetryLater):
            run_job(store, job.id, clock, work, 3)
        assert store.jobs[job.id].status is JobStatus.QUEUED
    done = run_job(store, job.id, clock, work, 3)
    assert done is not None
    assert (done.status, done.attempts, done.error) == (JobStatus.DONE, 3, None)
    assert store.dead_letters == []


def test_the_last_failed_attempt_fails_the_job_and_dead_letters_it() -> None:
    store, work = InMemoryJobStore(), Flaky(failures=10)
    job = submitted(store)
    for _ in range(2):
        with pytest.raises(RetryLater):
            run_job(store, job.id, clock, work, 3)
    failed = run_job(store, job.id, clock, work, 3)
    assert failed is not None
    assert (failed.status, failed.attempts) == (JobStatus.FAILED, 3)
    assert failed.error == "TransientStoreError: contention"
    assert [letter.id for letter in store.dead_letters] == [job.id]


def test_a_redelivered_task_of_a_settled_job_does_nothing() -> None:
    store = InMemoryJobStore()
    job = submitted(store)
    run_job(store, job.id, clock, lambda _: "{}", 3)
    assert run_job(store, job.id, clock, lambda _: pytest.fail("ran twice"), 3) is None
    assert store.jobs[job.id].attempts == 1
