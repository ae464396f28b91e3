"""Enqueuing HTTP tasks on Cloud Tasks; CLOUD_TASKS_EMULATOR_HOST points the client at the emulator."""

from __future__ import annotations

import json
import os
import re
from datetime import datetime
from typing import Any

from google.api_core import exceptions as gexc
from google.cloud import tasks_v2

from streak_core.adapters.lazy import Lazy


def tasks_client() -> Any:
    host = os.environ.get("CLOUD_TASKS_EMULATOR_HOST")
    if not host:
        return tasks_v2.CloudTasksClient()
    import grpc
    from google.cloud.tasks_v2.services.cloud_tasks.transports import CloudTasksGrpcTransport

    return tasks_v2.CloudTasksClient(transport=CloudTasksGrpcTransport(channel=grpc.insecure_channel(host)))


class CloudTasksQueue:
    """One queue whose tasks POST their JSON payload to `target_url`."""

    def __init__(self, project_id: str | None, location: str, queue: str, target_url: str) -> None:
        self._parent = f"projects/{project_id}/locations/{location}/queues/{queue}"
        self._target_url = target_url
        self._tasks: Lazy[Any] = Lazy(tasks_client)

    def enqueue(self, payload: dict[str, object]) -> None:
        name = None
        if payload.get("run_id") and payload.get("uid"):
            # A deterministic name: a redelivered batch cannot queue the same user twice for one run.
            name = f"{payload['run_id']}-{payload['uid']}"
        self.create(payload, name)

    def create(
        self, payload: dict[str, object], name: str | None = None, when: datetime | None = None
    ) -> None:
        """Queue one task; a task of the same name already queued counts as done."""
        task: dict[str, Any] = {
            "http_request": {
                "http_method": tasks_v2.HttpMethod.POST,
                "url": self._target_url,
                "headers": {"Content-Type": "application/json"},
                "body": json.dumps(payload).encode(),
            }
        }
        if name is not None:
            task["name"] = f"{self._parent}/tasks/{re.sub(r'[^A-Za-z0-9_-]', '-', name)[:400]}"
        if when is not None:
            task["schedule_time"] = when
        try:
            self._tasks().create_task(parent=self._parent, task=task, timeout=30)
        except gexc.AlreadyExists:
            return


class CloudTasksDispatchQueue:
    """The `notifications` queue: one task per entry and moment, so a repeated announcement is a no-op."""

    def __init__(self, queue: CloudTasksQueue) -> None:
        self._queue = queue

    def dispatch_at(self, entry_id: str, when: datetime) -> None:
        payload: dict[str, object] = {"entry_id": entry_id, "at": when.isoformat()}
        self._queue.create(payload, name=f"{entry_id}-{int(when.timestamp())}", when=when)
