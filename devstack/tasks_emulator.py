"""The local Cloud Tasks emulator: gcloud-tasks-emulator's API and queues, with each queue's tasks dispatched
concurrently, as Cloud Tasks does (up to `max_concurrent_dispatches`, 1000 by default, at once).

The emulator's own processor sends one task of a queue at a time and waits for its answer, so locally every
queue was a single worker: the `webhooks` queue drained one lane at a time where production drains them all
at once, and a slow task held up every other one. Run by `.venv-tasks/bin/python` (the emulator's own
environment: nothing of ours is imported); devstack/stack.py starts it.
  python -P devstack/tasks_emulator.py --port P --max-retries R [--concurrency N]
"""

from __future__ import annotations

import argparse
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib import error

from gcloud_tasks_emulator import server
from google.cloud.tasks_v2 import Queue

POLL_SECONDS = 0.01  # how often due tasks are looked for (the emulator's own loop: 0.1 s)
RETRY_AFTER = timedelta(seconds=0.1)  # a failed task is sent again no sooner (the emulator: its next pass)


class ConcurrentProcessor(threading.Thread):
    """Sends each queue's due tasks, up to `concurrency` of a queue at once; a task that fails goes back in
    its queue for another attempt (until the emulator's `max_retries`), as the emulator's processor does."""

    def __init__(self, state: server.QueueState, concurrency: int) -> None:
        super().__init__(daemon=True)
        self._state = state
        self._concurrency = concurrency
        self._pool = ThreadPoolExecutor(max_workers=concurrency * 4)
        self._lock = threading.Lock()
        self._in_flight: dict[str, set[str]] = {}
        self._not_before: dict[str, datetime] = {}
        self._running = threading.Event()

    def run(self) -> None:
        self._running.set()
        while self._running.is_set():
            now = datetime.now(UTC)
            for queue in self._state.queue_names():
                if (
                    queue in self._state._queue_tasks
                    and self._state.queue(queue).state == Queue.State.RUNNING
                ):
                    self._start_due(queue, now)
            time.sleep(POLL_SECONDS)

    def _start_due(self, queue: str, now: datetime) -> None:
        flying = self._in_flight.setdefault(queue, set())
        for task in list(self._state._queue_tasks[queue]):  # in the order they were made
            if len(flying) >= self._concurrency:
                return
            scheduled = task.schedule_time
            if task.name in flying or (scheduled and scheduled > now):
                continue
            if self._not_before.get(task.name, now) > now:
                continue
            with self._lock:
                flying.add(task.name)
            self._pool.submit(self._send, queue, task)

    def _send(self, queue: str, task: Any) -> None:
        try:
            try:
                self._state._queue_tasks[queue].remove(task)
            except (KeyError, ValueError):  # deleted (or its queue purged) meanwhile
                return
            task.dispatch_count += 1
            try:
                status = server._make_task_request(
                    queue, task, self._state._target_host, self._state._target_port
                ).status
            except error.HTTPError as failed:
                status = failed.code
            except Exception:  # refused, reset, timed out: a failed attempt, as Cloud Tasks counts it
                logging.getLogger(__name__).exception("task %s not delivered", task.name)
                status = 500
            retries = self._state._max_retries
            if 400 <= status < 600 and (retries < 0 or task.dispatch_count <= retries):
                self._not_before[task.name] = datetime.now(UTC) + RETRY_AFTER
                self._state._queue_tasks[queue].append(task)
            else:
                self._not_before.pop(task.name, None)
        finally:
            with self._lock:
                self._in_flight[queue].discard(task.name)

    def join(self, timeout: float | None = None) -> None:
        self._running.clear()
        self._pool.shutdown(wait=False, cancel_futures=True)
        super().join(timeout)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--max-retries", type=int, default=-1, help="attempts after the first (-1: no end)")
    parser.add_argument("--concurrency", type=int, default=16, help="tasks of one queue sent at once")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)  # the emulator's -q: a line per task otherwise
    emulator = server.create_server("localhost", args.port, max_retries=args.max_retries)
    emulator._processor = ConcurrentProcessor(emulator._state, args.concurrency)
    emulator.run()


if __name__ == "__main__":
    main()
