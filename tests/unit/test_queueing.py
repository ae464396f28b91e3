"""One user's transactions on one instance queue in memory (adapters/firestore/queueing.py)."""

from __future__ import annotations

import threading
import time

import pytest

from streak_core import context
from streak_core.adapters.firestore.queueing import KeyedQueue
from streak_core.errors import TransientStoreError

pytestmark = pytest.mark.unit


def test_one_keys_work_runs_one_at_a_time_and_other_keys_run_beside_it() -> None:
    queue, inside, most, lock = KeyedQueue(), {"u1": 0, "u2": 0}, {"u1": 0, "u2": 0}, threading.Lock()
    both = threading.Barrier(2, timeout=5)

    def work(key: str) -> None:
        with lock:
            inside[key] += 1
            most[key] = max(most[key], inside[key])
        if key == "u2":
            both.wait()  # u2 gets in while u1 is inside: other keys are not held up
        time.sleep(0.01)
        with lock:
            inside[key] -= 1

    def u1() -> None:
        queue.run("u1", lambda: work("u1"))

    threads = [threading.Thread(target=u1) for _ in range(8)]
    threads.append(threading.Thread(target=lambda: queue.run("u1", lambda: both.wait())))
    threads.append(threading.Thread(target=lambda: queue.run("u2", lambda: work("u2"))))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most["u1"] == 1
    assert len(queue) == 0  # nothing kept once nobody waits


def test_a_wait_longer_than_the_time_budget_is_a_transient_error() -> None:
    queue, holding, release = KeyedQueue(), threading.Event(), threading.Event()

    def hold() -> None:
        with queue.turn("u1"):
            holding.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(5)
    with context.time_budget(0.05), pytest.raises(TransientStoreError):
        queue.run("u1", lambda: None)
    release.set()
    holder.join()
    assert queue.run("u1", lambda: "served") == "served"
    assert len(queue) == 0


def test_an_error_inside_releases_the_turn() -> None:
    queue = KeyedQueue()
    with pytest.raises(RuntimeError), queue.turn("u1"):
        raise RuntimeError("the transaction failed")
    assert queue.run("u1", lambda: 1) == 1
