"""Asynchronous batches on the emulator: the `session_jobs` handler as Cloud Tasks delivers it, with
transient Firestore faults injected into the acceptance; the job's result is the synchronous batch's."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import flask
import pytest

from functions import logs
from functions.api.presenters.sessions import BatchIn, batch_answer
from functions.jobs import handle_jobs
from streak_core.adapters.firestore.client import LazyFirestore
from streak_core.adapters.firestore.jobs import FirestoreJobStore
from streak_core.adapters.firestore.users import FirestoreUserStore
from streak_core.dependencies import SessionDeps
from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.vocabulary import JobStatus
from streak_core.errors import TransientStoreError
from streak_core.function_dependencies import JobDependencies
from streak_core.models.jobs import SessionJob
from streak_core.ports.users import UserTransaction
from streak_core.services.jobs import replay_failed_jobs, submit_job
from tests.unit.fakes import FixedClock, RecordingJobQueue

pytestmark = pytest.mark.integration
T = TypeVar("T")
NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)
BATCH = {
    "sessions": [
        {"id": "a", "start": "2026-11-20T08:00:00Z", "end": "2026-11-20T09:00:00Z", "timezone": "UTC"},
        {"id": "b", "start": "2026-11-21T08:00:00Z", "end": "2026-11-21T08:30:00Z", "timezone": "UTC"},
        {"id": "bad", "start": "2026-11-21T08:00:00Z", "end": "2026-11-21T07:00:00Z", "timezone": "UTC"},
    ]
}
app = flask.Flask(__name__)


class FaultyUsers:
    """The real user store, whose first `transient` transactions fail as Firestore's do under faults."""

    def __init__(self, inner: FirestoreUserStore, transient: int) -> None:
        self.inner, self.transient = inner, transient

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def run_in_transaction(self, uid: str, body: Callable[[UserTransaction], T]) -> T:
        if self.transient > 0:
            self.transient -= 1
            raise TransientStoreError("injected: deadline exceeded")
        return self.inner.run_in_transaction(uid, body)


@pytest.fixture
def lazy(firestore_client: Any) -> LazyFirestore:
    return LazyFirestore(None, factory=lambda _: firestore_client)


def deliver(deps: JobDependencies, job_id: str, retry_count: int) -> int:
    headers = {"X-CloudTasks-TaskRetryCount": str(retry_count), "X-Correlation-ID": "job-test"}
    with app.test_request_context("/", method="POST", json={"job_id": job_id}, headers=headers):
        return handle_jobs(flask.request, deps).status_code


def faulty(lazy: LazyFirestore, transient: int) -> JobDependencies:
    users = FaultyUsers(FirestoreUserStore(lazy), transient)
    return JobDependencies(jobs=FirestoreJobStore(lazy), store=users, clock=FixedClock(NOW))  # type: ignore[arg-type]


def job_for(lazy: LazyFirestore, uid: str) -> str:
    request_json = json.dumps(BATCH, sort_keys=True)
    return submit_job(FirestoreJobStore(lazy), RecordingJobQueue(), uid, request_json, NOW, "key-1")[0].id


def three_deliveries(
    lazy: LazyFirestore, uid: str, transient: int
) -> tuple[JobDependencies, str, SessionJob]:
    """A job delivered three times to a store whose first `transient` transactions fail: the first two
    answer 503 (the queue retries), the third 200 (done, or failed for good)."""
    deps = faulty(lazy, transient=transient)
    job_id = job_for(lazy, uid)
    assert [deliver(deps, job_id, n) for n in range(3)] == [503, 503, 200]
    job = deps.jobs.get(job_id)
    assert job is not None
    return deps, job_id, job


def test_a_job_whose_first_attempts_hit_transient_faults_ends_with_the_synchronous_result(
    lazy: LazyFirestore, capsys: pytest.CaptureFixture[str]
) -> None:
    logs.configure("demo-jobs")
    uid, twin = f"job-{uuid.uuid4().hex[:8]}", f"sync-{uuid.uuid4().hex[:8]}"
    deps, job_id, job = three_deliveries(lazy, uid, transient=2)
    jobs = deps.jobs
    assert (job.status, job.attempts) == (JobStatus.DONE, 3)
    assert job.result_json is not None
    twin_deps = SessionDeps(FirestoreUserStore(lazy), None, DEFAULT_CONFIG)
    expected = batch_answer(twin_deps, twin, NOW, BatchIn.model_validate(BATCH))
    assert json.loads(job.result_json) == expected.model_dump(mode="json", by_alias=True)
    assert [r["status"] for r in json.loads(job.result_json)["results"]] == [201, 201, 422]
    assert deliver(deps, job_id, 3) == 200  # a redelivered task changes nothing
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    runs = [line for line in lines if line.get("route") == "session_jobs/"]
    assert [line["status"] for line in runs] == [503, 503, 200, 200]
    assert {(line["correlation_id"], line["user_id"]) for line in runs[:3]} == {("job-test", uid)}
    assert [line["task_retry_count"] for line in runs] == [0, 1, 2, 3]
    retried = [line for line in lines if line.get("retry") is True and line["job_id"] == job_id]
    assert len(retried) == 2
    assert any(line.get("retry_success") is True and line["job_id"] == job_id for line in lines)
    assert jobs.get(job_id) == job


def test_a_job_that_keeps_failing_is_failed_after_three_attempts_and_dead_lettered(
    lazy: LazyFirestore, firestore_client: Any
) -> None:
    uid = f"job-{uuid.uuid4().hex[:8]}"
    _, job_id, job = three_deliveries(lazy, uid, transient=100)
    assert (job.status, job.attempts) == (JobStatus.FAILED, 3)
    letter = firestore_client.collection("job_dead_letters").document(job_id).get()
    assert (letter.exists, letter.get("uid"), letter.get("attempts")) == (True, uid, 3)
    sessions = firestore_client.collection("users").document(uid).collection("sessions").stream()
    assert list(sessions) == []


def test_a_dead_lettered_job_is_listed_and_replayed_with_its_attempts_anew(
    lazy: LazyFirestore, firestore_client: Any
) -> None:
    uid = f"job-{uuid.uuid4().hex[:8]}"
    deps = faulty(lazy, transient=100)
    job_id = job_for(lazy, uid)
    assert [deliver(deps, job_id, n) for n in range(3)] == [503, 503, 200]
    store = FirestoreJobStore(lazy)
    assert job_id in [job.id for job in store.failed_jobs(500)]
    queue = RecordingJobQueue()
    later = NOW + timedelta(hours=1)
    replayed = [job for job in replay_failed_jobs(store, queue, later, 500) if job.uid == uid]
    assert [(job.id, job.status, job.attempts) for job in replayed] == [(job_id, JobStatus.QUEUED, 0)]
    assert queue.enqueued.count(job_id) == 1
    assert not firestore_client.collection("job_dead_letters").document(job_id).get().exists
    assert store.requeue(job_id, later) is None  # queued already: a second replay changes nothing
    healthy = faulty(lazy, transient=0)  # the store works again: the replayed task runs the batch
    assert deliver(healthy, job_id, 0) == 200
    done = store.get(job_id)
    assert done is not None
    assert (done.status, done.attempts) == (JobStatus.DONE, 1)
