"""Enqueuing HTTP tasks on Cloud Tasks; CLOUD_TASKS_EMULATOR_HOST points the client at the emulator."""

from __future__ import annotations

import json
import os
import re
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
        task: dict[str, Any] = {
            "http_request": {
                "http_method": tasks_v2.HttpMethod.POST,
                "url": self._target_url,
                "headers": {"Content-Type": "application/json"},
                "body": json.dumps(payload).encode(),
            }
        }
        if payload.get("run_id") and payload.get("uid"):
            # A deterministic name: a redelivered batch cannot queue the same user twice for one run.
            name = re.sub(r"[^A-Za-z0-9_-]", "-", f"{payload['run_id']}-{payload['uid']}")[:400]
            task["name"] = f"{self._parent}/tasks/{name}"
        try:
            self._tasks().create_task(parent=self._parent, task=task, timeout=30)
        except gexc.AlreadyExists:
            return
