"""Concurrent writes of one user on the Firestore emulator: the bare lock conflict and what the API does.

Run: python -m bench.contention [--rounds 3]
Starts its own stack. Two figures for 1, 2 and 5 writers started at once:
- `bare_*`: transactions that each read one shared document (a user's streak) plus one of their own, then
  write both: the minimal repro. On the emulator the second reader waits out a lock timeout (~2 s) before
  it is aborted and retried, so N writers take about 2(N-1) s; `queued_*` runs the same transactions
  through the instance's per-user queue (streak_core/adapters/firestore/queueing.py).
- `api_*`: `POST /v1/sessions` of one user from N threads at once through the served `api`.
Each is the slowest answer of the round (seconds), the median over the rounds, and the statuses seen.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from devstack.stack import Stack
from streak_core.adapters.firestore.queueing import KeyedQueue

NOW = "2026-11-21T12:00:00Z"
WRITERS = (1, 2, 5)


def at_once(n: int, work: Callable[[int], Any]) -> tuple[float, list[Any]]:
    """Start `work(0..n-1)` on n threads at the same moment; the slowest one's seconds and the results."""
    gate, results, took = threading.Barrier(n), [None] * n, [0.0] * n

    def one(i: int) -> None:
        gate.wait()
        began = time.monotonic()
        results[i] = work(i)
        took[i] = time.monotonic() - began

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return max(took), results


def bare(client: Any, queue: KeyedQueue | None, round_: int, n: int) -> float:
    from google.cloud import firestore

    user = f"u{round_}-{n}-{'b' if queue is None else 'q'}"

    def write(i: int) -> str:
        @firestore.transactional
        def body(tx: Any) -> None:
            streak, own = client.document(f"streaks/{user}"), client.document(f"users/{user}/days/d{i}")
            list(tx.get_all([streak, own]))
            tx.set(streak, {"last": i}, merge=True)
            tx.set(own, {"i": i})

        def run() -> None:
            body(client.transaction(max_attempts=20))

        queue.run(user, run) if queue is not None else run()
        return "ok"

    return at_once(n, write)[0]


def through_api(stack: Stack, token: str, round_: int, n: int) -> tuple[float, list[int]]:
    def post(i: int) -> int:
        body = {
            "id": f"r{round_}-n{n}-{i}",
            "start": f"2026-11-{10 + i:02d}T0{round_ % 9}:00:00Z",
            "end": f"2026-11-{10 + i:02d}T0{round_ % 9}:30:00Z",
            "timezone": "UTC",
        }
        headers = {"Authorization": f"Bearer {token}", "X-Now": NOW}
        url = f"http://{stack.hosts['functions']}/v1/sessions"
        return requests.post(url, json=body, headers=headers, timeout=90).status_code

    return at_once(n, post)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    from google.cloud import firestore

    from tests.conftest import GENEROUS_LIMITS, AuthEmulator

    project = f"demo-contention-{uuid.uuid4().hex[:6]}"
    stack = Stack(Path(tempfile.mkdtemp()), project_id=project, extra_env=GENEROUS_LIMITS)
    stack.start()
    try:
        os.environ.update(stack.env())  # the client below talks to this stack's emulator
        client = firestore.Client(project=project)
        auth = AuthEmulator(stack.hosts["auth"], project)
        figures: dict[str, Any] = {"bench": "contention", "rounds": args.rounds}
        for n in WRITERS:
            plain = [bare(client, None, r, n) for r in range(args.rounds)]
            queued = [bare(client, KeyedQueue(), r, n) for r in range(args.rounds)]
            api, statuses = [], Counter[int]()
            for r in range(args.rounds):
                _, token = auth.sign_up()
                seconds, answers = through_api(stack, token, r, n)
                api.append(seconds)
                statuses.update(answers)
            figures[f"bare_{n}_writers_s"] = round(statistics.median(plain), 2)
            figures[f"queued_{n}_writers_s"] = round(statistics.median(queued), 2)
            figures[f"api_{n}_writers_s"] = round(statistics.median(api), 2)
            figures[f"api_{n}_writers_statuses"] = dict(sorted(statuses.items()))
            print(f"{n} writers: bare {plain}, queued {queued}, api {api} {dict(statuses)}", flush=True)
        print(json.dumps(figures))
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
