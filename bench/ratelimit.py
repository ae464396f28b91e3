"""What the shared rate limiter costs a request: the same API request with the limiter on and off.

Run: python -m bench.ratelimit [--users 100] [--requests 2000]
Starts its own Firestore and Auth emulators. `--users` app users (real Auth-emulator ID tokens) each get a
streak, then `GET /v1/me/streak` goes through the `api` entry point (`functions.api.handle`: token check,
rate limit, Firestore read, JSON) for users in turn, `--requests` times with the limiter on (the default
read limits, counters in Firestore) and as many times with it off, the two interleaved so that a drifting
machine weighs on both alike. on_off_ratio = p50 on / p50 off. Also counted: the shared-counter commits a
request waited for (`waited_commits_per_request`) and the ones the background flush made.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import flask
import requests

from bench.accept import summary
from devstack.stack import Stack
from streak_core.ports.rate_limits import WindowCounters, WindowHit

NOW = "2026-11-21T12:00:00Z"


class CountedCounters:
    """The Firestore counters, with their commits told apart by who waited for them."""

    def __init__(self, inner: WindowCounters) -> None:
        self.inner, self.commits = inner, Counter[str]()

    def incr_many(self, hits: Sequence[WindowHit]) -> list[int]:
        self.commits[threading.current_thread().name] += 1
        return self.inner.incr_many(hits)


def sign_up(auth_host: str, n: int) -> str:
    response = requests.post(
        f"http://{auth_host}/identitytoolkit.googleapis.com/v1/accounts:signUp?key=demo-key",
        json={"email": f"bench-{n}@example.com", "password": "s3cret-pass", "returnSecureToken": True},
        timeout=10,
    )
    response.raise_for_status()
    return str(response.json()["idToken"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--requests", type=int, default=2000, help="requests per mode")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work, Stack(Path(work), components=("firestore", "auth")) as stack:
        os.environ.update(stack.env())
        logging.disable(logging.INFO)  # one log line per request would measure the terminal
        from functions.api.pipeline import handle
        from streak_core.bootstrap import api_dependencies

        limited = api_dependencies()
        limiter = limited.request.rate_limiter
        assert limiter is not None
        counted = CountedCounters(limiter.counters)
        limiter.counters = counted
        unlimited = dataclasses.replace(
            limited, request=dataclasses.replace(limited.request, rate_limiter=None)
        )
        app = flask.Flask("bench")

        def request(deps: object, method: str, path: str, token: str, body: object = None) -> int:
            headers = {"Authorization": f"Bearer {token}", "X-Now": NOW}
            with app.test_request_context(path, method=method, headers=headers, json=body):
                return handle(flask.request, deps).status_code  # type: ignore[arg-type]

        tokens = [sign_up(stack.hosts["auth"], n) for n in range(args.users)]
        print(f"{args.users} users signed up; giving each a streak", flush=True)
        for n, token in enumerate(tokens):
            session = {"id": f"s{n}", "start": "2026-11-21T08:00:00Z", "end": "2026-11-21T09:00:00Z"}
            assert request(unlimited, "POST", "/v1/sessions", token, {**session, "timezone": "UTC"}) == 201
        for n in range(200):  # warm up the emulator's JIT, the clients and the limiter's thread
            request((limited, unlimited)[n % 2], "GET", "/v1/me/streak", tokens[n % len(tokens)])
        counted.commits.clear()
        times: dict[str, list[float]] = {"on": [], "off": []}
        statuses = Counter[int]()
        for n in range(args.requests * 2):
            mode = ("on", "off")[(n + n // 2) % 2]  # on/off, off/on, ...: neither always goes first
            token = tokens[(n // 2) % len(tokens)]
            began = time.perf_counter()
            statuses[request(limited if mode == "on" else unlimited, "GET", "/v1/me/streak", token)] += 1
            times[mode].append(time.perf_counter() - began)
            if n % 1000 == 999:
                print(f"{n + 1} requests", flush=True)
        time.sleep(0.5)  # let the last flush land before the commits are counted
    on, off = summary(times["on"]), summary(times["off"])
    waited = sum(count for name, count in counted.commits.items() if name != "rate-limit-flush")
    figures = {
        "bench": "ratelimit",
        "users": args.users,
        "requests_per_mode": args.requests,
        "statuses": {str(status): count for status, count in sorted(statuses.items())},
        "limiter_on": on,
        "limiter_off": off,
        "waited_commits_per_request": round(waited / args.requests, 3),
        "flush_commits": counted.commits["rate-limit-flush"],
        "on_off_ratio": round(on["p50_ms"] / off["p50_ms"], 3),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
