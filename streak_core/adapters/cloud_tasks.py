"""Enqueuing HTTP tasks on Cloud Tasks; an emulator host points the client at the local emulator."""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from google.api_core import exceptions as gexc

from streak_core import context
from streak_core.adapters.lazy import Lazy
from streak_core.models.jobs import SessionJob
from streak_core.models.maintenance import RetryTask
from streak_core.ports.followups import DispatchQueue, FriendStreakQueue
from streak_core.ports.jobs import JobQueue
from streak_core.ports.maintenance import RetryQueue
from streak_core.ports.webhooks import WebhookQueue

FAN_OUT_MOMENT_MS = 250  # the writers asking for a lane's fan-out within this share one task
FAN_OUT_SLACK_MS = 100  # and it runs this long after the moment ends (clocks of instances differ a little)


def tasks_client(emulator_host: str | None) -> Any:
    if not emulator_host:
        from google.cloud import tasks_v2  # noqa: PLC0415  # on first use: ~0.2 s of a cold start otherwise

        return tasks_v2.CloudTasksClient()
    # The local emulator's channel, likewise on first use.
    import grpc  # noqa: PLC0415
    from google.cloud import tasks_v2  # noqa: PLC0415
    from google.cloud.tasks_v2.services.cloud_tasks.transports import CloudTasksGrpcTransport  # noqa: PLC0415

    channel = grpc.insecure_channel(emulator_host)
    return tasks_v2.CloudTasksClient(transport=CloudTasksGrpcTransport(channel=channel))


class CloudTasksQueue:
    """One queue whose tasks POST their JSON payload to `target_url`. With `service_account`, each task
    carries an OIDC token of that account for the target's service (its origin, which Cloud Run accepts as
    the audience), so a function deployed with --no-allow-unauthenticated lets it in; that account needs
    `run.invoker` on the target, and whoever creates the task `iam.serviceAccountUser` on the account."""

    def __init__(
        self,
        project_id: str | None,
        location: str,
        queue: str,
        target_url: str,
        emulator_host: str | None,
        service_account: str | None = None,
        client: Callable[[], Any] | None = None,
    ) -> None:
        self._parent = f"projects/{project_id}/locations/{location}/queues/{queue}"
        self._target_url = target_url
        self._service_account = service_account
        self._tasks: Lazy[Any] = Lazy(client or (lambda: tasks_client(emulator_host)))

    def create(
        self, payload: dict[str, Any], name: str | None = None, when: datetime | None = None, path: str = ""
    ) -> None:
        """Queue one task; a task of the same name already queued counts as done. The task carries the
        correlation id of what caused it, which the handler logs."""
        headers = {"Content-Type": "application/json"}
        correlation = context.correlation_id()
        if correlation:
            headers[context.CORRELATION_HEADER] = correlation
        request: dict[str, Any] = {
            "http_method": "POST",
            "url": self._target_url.rstrip("/") + path if path else self._target_url,
            "headers": headers,
            "body": json.dumps(payload).encode(),
        }
        if self._service_account:
            target = urlsplit(self._target_url)
            audience = f"{target.scheme}://{target.netloc}"
            request["oidc_token"] = {"service_account_email": self._service_account, "audience": audience}
        task: dict[str, Any] = {"http_request": request}
        if name is not None:
            task["name"] = f"{self._parent}/tasks/{re.sub(r'[^A-Za-z0-9_-]', '-', name)[:400]}"
        if when is not None:
            task["schedule_time"] = when
        try:
            self._tasks().create_task(parent=self._parent, task=task, timeout=30)
        except gexc.AlreadyExists:
            return


class CloudTasksRetryQueue(RetryQueue):
    """The `maintenance-retry` queue: one task per run and user; a redelivered batch queues nobody twice."""

    def __init__(self, queue: CloudTasksQueue) -> None:
        self._queue = queue

    def enqueue(self, task: RetryTask) -> None:
        payload = {"uid": task.uid, "run_id": task.run_id, "now": task.now.isoformat(), "error": task.error}
        self._queue.create(payload, name=task.letter_id if task.run_id else None)


class CloudTasksDispatchQueue(DispatchQueue):
    """The `notifications` queue: one task per entry and moment, so a repeated announcement is a no-op; and
    one fan-out task per webhook lane and moment of FAN_OUT_MOMENT_MS (named by both, so the writers of
    every instance asking within a moment share it; an instance asks once per lane and moment)."""

    def __init__(
        self, queue: CloudTasksQueue, wall_ms: Callable[[], int] = lambda: time.time_ns() // 10**6
    ) -> None:
        self._queue = queue
        self._wall_ms = wall_ms
        self._asked: dict[int, int] = {}  # lane -> the end of the last moment this instance asked for

    def dispatch_at(self, entry_id: str, when: datetime) -> None:
        payload = {"entry_id": entry_id, "at": when.isoformat()}
        self._queue.create(payload, name=f"{entry_id}-{int(when.timestamp())}", when=when)

    def fan_out_lane(self, lane: int, at: datetime) -> None:
        # The task runs once its moment is over (by the real clock, whatever `at` says), so every event
        # committed before an ask within the moment is there for it to find.
        end = -(-self._wall_ms() // FAN_OUT_MOMENT_MS) * FAN_OUT_MOMENT_MS
        if self._asked.get(lane) == end:
            return
        key = f"{lane}-{end}"
        # A hashed prefix: Cloud Tasks slows on names in sequence (timestamps) and advises against them.
        name = f"{hashlib.sha256(key.encode()).hexdigest()[:8]}-events-{key}"
        when = datetime.fromtimestamp((end + FAN_OUT_SLACK_MS) / 1000, UTC)
        self._queue.create({"lane": lane, "at": at.isoformat()}, name=name, when=when, path="/events")
        self._asked[lane] = end


class CloudTasksFriendStreakQueue(FriendStreakQueue):
    """The `notifications` queue's pair checks: one task per pair and change (a change asks once)."""

    def __init__(self, queue: CloudTasksQueue) -> None:
        self._queue = queue

    def refresh(self, streak_id: str, key: str, at: datetime) -> None:
        payload = {"friend_streak_id": streak_id, "at": at.isoformat()}
        self._queue.create(payload, name=f"{streak_id}-{key}")


class CloudTasksJobQueue(JobQueue):
    """The `session-jobs` queue: one task per job, named by the job's id (a hash: names spread evenly)."""

    def __init__(self, queue: CloudTasksQueue) -> None:
        self._queue = queue

    def enqueue(self, job: SessionJob) -> None:
        self._queue.create({"job_id": job.id}, name=f"job-{job.id}")

    def enqueue_erasure(self, uid: str, receipt: str) -> None:
        self._queue.create({"uid": uid}, name=f"erase-{receipt}", path="/erase")


class CloudTasksWebhookQueue(WebhookQueue):
    """The `webhooks` queue. A drain at once is an unnamed task (a name once used is refused for a while,
    which would lose a wake-up); a scheduled one is named by lane and moment, so retries due together are
    one task."""

    def __init__(self, queue: CloudTasksQueue) -> None:
        self._queue = queue

    def drain_at(self, endpoint_id: str, lane: int, when: datetime | None, at: datetime) -> None:
        payload = {"endpoint_id": endpoint_id, "lane": lane, "at": at.isoformat()}
        if when is None:
            self._queue.create(payload)
            return
        stamp = int(when.timestamp() * 1000)
        self._queue.create(payload, name=f"{endpoint_id}-{lane}-{stamp}", when=when)
