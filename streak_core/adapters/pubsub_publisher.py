"""Publishing maintenance ticks and batches to Pub/Sub (honours PUBSUB_EMULATOR_HOST); clients are lazy."""

from __future__ import annotations

import json
import threading
from typing import Any

from streak_core import context
from streak_core.adapters.lazy import Lazy
from streak_core.models.maintenance import MaintenanceBatch, MaintenanceTick
from streak_core.ports.maintenance import BatchPublisher, TickPublisher
from streak_core.ports.webhooks import EventStream

BATCH_TOPIC = "maintenance-batch"
TICK_TOPIC = "maintenance-tick"


def batch_message(batch: MaintenanceBatch) -> bytes:
    """The JSON the batch function reads (functions/maintenance.py parses it with BatchMessage)."""
    body = {
        "run_id": batch.run_id,
        "batch": batch.batch,
        "uids": list(batch.uids),
        "now": batch.now.isoformat(),
        "outage_id": batch.outage_id,
        "league_week": batch.league_week,
        "friend_streaks": batch.friend_streaks,
    }
    return json.dumps(body).encode()


def correlation_attributes() -> dict[str, str]:
    """The message attribute carrying the correlation id of whatever is publishing."""
    correlation = context.correlation_id()
    return {context.CORRELATION_ATTRIBUTE: correlation} if correlation else {}


class PubSubBatchPublisher(BatchPublisher):
    def __init__(self, project_id: str | None, topic: str = BATCH_TOPIC) -> None:
        self._project_id = project_id
        self._topic = topic
        self._publisher: Lazy[Any] = Lazy(_publisher_client)
        self._lock = threading.Lock()
        self._pending: list[Any] = []

    def publish(self, batch: MaintenanceBatch) -> None:
        client = self._publisher()
        topic = client.topic_path(self._project_id, self._topic)
        future = client.publish(topic, batch_message(batch), **correlation_attributes())
        with self._lock:
            self._pending.append(future)

    def flush(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, []
        for future in pending:
            future.result(timeout=60)


class PubSubTickPublisher(TickPublisher):
    """Starts runs the way Cloud Scheduler does: a message on the tick topic (TickMessage)."""

    def __init__(self, project_id: str | None, topic: str = TICK_TOPIC) -> None:
        self._project_id = project_id
        self._topic = topic
        self._publisher: Lazy[Any] = Lazy(_publisher_client)

    def publish_tick(self, tick: MaintenanceTick) -> None:
        client = self._publisher()
        body = {
            "run_id": tick.run_id,
            "now": tick.now.isoformat() if tick.now else None,
            "outage_id": tick.outage_id,
            "league_week": tick.league_week,
        }
        topic = client.topic_path(self._project_id, self._topic)
        client.publish(topic, json.dumps(body).encode(), **correlation_attributes()).result(60)


class PubSubEventStream(EventStream):
    """The `events` topic, whose BigQuery subscription writes each event to a table (deploy/plan.py)."""

    def __init__(self, project_id: str | None, topic: str) -> None:
        self._project_id = project_id
        self._topic = topic
        self._publisher: Lazy[Any] = Lazy(_publisher_client)

    def publish(self, row: str) -> None:
        client = self._publisher()
        topic = client.topic_path(self._project_id, self._topic)
        client.publish(topic, row.encode(), **correlation_attributes()).result(60)


def _publisher_client() -> Any:
    """Imported on first use: the Pub/Sub library costs a cold start ~0.2 s; few requests publish."""
    from google.cloud.pubsub_v1 import PublisherClient  # noqa: PLC0415  # see the docstring

    return PublisherClient()
