"""Publishing JSON messages to Pub/Sub (honours PUBSUB_EMULATOR_HOST); the client is built lazily."""

from __future__ import annotations

import json
import threading
from typing import Any

from google.cloud.pubsub_v1 import PublisherClient

from streak_core.adapters.lazy import Lazy


class PubSubPublisher:
    def __init__(self, project_id: str | None) -> None:
        self._project_id = project_id
        self._publisher: Lazy[Any] = Lazy(PublisherClient)
        self._lock = threading.Lock()
        self._pending: list[Any] = []

    def publish(self, topic: str, message: dict[str, object]) -> None:
        client = self._publisher()
        future = client.publish(client.topic_path(self._project_id, topic), json.dumps(message).encode())
        with self._lock:
            self._pending.append(future)

    def flush(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, []
        for future in pending:
            future.result(timeout=60)
