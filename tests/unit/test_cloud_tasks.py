"""The shape of the tasks we queue: authenticated with an OIDC token for their target's service."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from streak_core.adapters.cloud_tasks import CloudTasksDispatchQueue, CloudTasksJobQueue, CloudTasksQueue
from streak_core.domain.vocabulary import JobStatus
from streak_core.models.jobs import SessionJob

pytestmark = pytest.mark.unit
URL = "https://session-jobs-abc123-uc.a.run.app/"


class RecordingTasks:
    def __init__(self) -> None:
        self.created: list[dict[str, Any]] = []

    def create_task(self, parent: str, task: dict[str, Any], timeout: float) -> None:
        self.created.append({"parent": parent, **task})


def queue(service_account: str | None) -> tuple[CloudTasksQueue, RecordingTasks]:
    tasks = RecordingTasks()
    made = CloudTasksQueue("p1", "us-central1", "session-jobs", URL, None, service_account, lambda: tasks)
    return made, tasks


def test_a_task_carries_an_oidc_token_of_the_tasks_account_for_its_targets_service() -> None:
    made, tasks = queue("tasks-invoker@p1.iam.gserviceaccount.com")
    made.create({"job_id": "j1"}, name="job-j1")
    [task] = tasks.created
    request = task["http_request"]
    assert request["oidc_token"] == {
        "service_account_email": "tasks-invoker@p1.iam.gserviceaccount.com",
        "audience": "https://session-jobs-abc123-uc.a.run.app",
    }
    assert request["url"] == URL
    assert json.loads(request["body"]) == {"job_id": "j1"}
    assert task["name"] == "projects/p1/locations/us-central1/queues/session-jobs/tasks/job-j1"


def test_without_an_account_a_task_carries_no_token_as_the_local_emulator_needs() -> None:
    made, tasks = queue(None)
    now = datetime(2026, 11, 21, tzinfo=UTC)
    job = SessionJob(
        id="j2",
        uid="u1",
        status=JobStatus.QUEUED,
        created_at=now,
        updated_at=now,
        attempts=0,
        request_json="{}",
        request_digest="d",
        now=now,
    )
    CloudTasksJobQueue(made).enqueue(job)
    [task] = tasks.created
    assert "oidc_token" not in task["http_request"]
    assert task["name"].endswith("/tasks/job-j2")


def test_a_lanes_fan_out_is_one_task_per_lane_and_moment_run_once_the_moment_is_over() -> None:
    tasks = RecordingTasks()
    dispatch = "https://notifications-abc123-uc.a.run.app/dispatch"
    wall = [1_700_000_000_010]  # ms
    made = CloudTasksDispatchQueue(
        CloudTasksQueue("p1", "us-central1", "notifications", dispatch, None, None, lambda: tasks),
        wall_ms=lambda: wall[0],
    )
    at = datetime(2026, 11, 21, 12, tzinfo=UTC)
    made.fan_out_lane(2, at)
    wall[0] += 100
    made.fan_out_lane(2, at)  # the same moment: this instance asked already
    made.fan_out_lane(3, at)  # another lane: its own task
    wall[0] += 200
    made.fan_out_lane(2, at)  # the next moment
    names = [t["name"].rsplit("/", 1)[1] for t in tasks.created]
    assert [n.split("-", 1)[1] for n in names] == [
        "events-2-1700000000250",
        "events-3-1700000000250",
        "events-2-1700000000500",
    ]
    assert len({n.split("-", 1)[0] for n in names}) == 3  # hashed prefixes, not a sequence
    first = tasks.created[0]
    assert first["schedule_time"] == datetime.fromtimestamp(
        1_700_000_000.350, UTC
    )  # the moment's end + slack
    assert first["http_request"]["url"] == dispatch + "/events"
    assert json.loads(first["http_request"]["body"]) == {"lane": 2, "at": at.isoformat()}
