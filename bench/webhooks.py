"""Webhooks on the local stack: events delivered per second to the local receiver, and what subscribers cost
the acceptance of sessions.

Run: python -m bench.webhooks [--events 1000] [--sessions 160]
Starts its own stack (Firestore, Auth, Cloud Tasks, the receiver, the functions).
- Delivery: `--events` events are written as the acceptance writes them (`streak.extended`, 200 users) and
  announced as it does: after each write, a fan-out of the user's lane is asked for (one task per lane
  and moment on the `notifications` queue, asked once per moment by a process); from the first
  announcement to the last delivery at the receiver, through the lanes' fan-outs, the `webhooks` queue
  and signed POSTs. The baseline POSTs the same bodies,
  signed, straight to the receiver from as many threads as an endpoint has lanes.
  delivery_ratio = our events per second / the baseline's. The local queues dispatch concurrently, as
  Cloud Tasks does (devstack/tasks_emulator.py); the CPU each process of the stack spent per event is
  printed too: on two cores the Firestore emulator's share bounds the figure.
- Acceptance (after the delivery run): `POST /v1/sessions` through the API from 4 clients, each session
  qualifying a new day (so each writes events), after a warm-up round, with no endpoint and with 3
  endpoints subscribed to every event in the order none, 3, 3, none; the deliveries run on the same
  machine meanwhile. overhead_ratio_3_endpoints = p50 with 3 / p50 with none.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests
from standardwebhooks.webhooks import Webhook

from bench.profiling import cpu_seconds
from devstack.stack import TASKS_LOCATION, Stack
from devstack.token import id_token
from streak_core.domain.vocabulary import EventType
from streak_core.domain.webhooks import LANES, body
from streak_core.services.followups import announce_events

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)
COMPONENTS = ("firestore", "auth", "tasks", "smtp", "fcm", "hooks", "functions")


class Bench:
    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.api = f"http://{stack.hosts['functions']}"
        self.receiver = stack.hook_url
        email = f"ops-{uuid.uuid4().hex[:6]}@example.com"
        self.admin = id_token(stack.hosts["auth"], stack.project_id, email, "bench-pass", admin=True)

    def call(self, method: str, path: str, token: str, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
        return requests.request(method, f"{self.api}{path}", headers=headers, timeout=60, **kwargs)

    def register(self, count: int) -> list[str]:
        secrets = []
        for n in range(count):
            hook = {"url": f"{self.receiver}/in/{n}", "events": ["*"]}
            made = self.call("POST", "/v1/admin/webhooks", self.admin, json=hook)
            assert made.status_code == 201, made.text
            secrets.append(str(made.json()["webhook"]["secret"]))
        return secrets

    def clear(self) -> None:
        for hook in self.call("GET", "/v1/admin/webhooks", self.admin).json()["webhooks"]:
            self.call("DELETE", f"/v1/admin/webhooks/{hook['id']}", self.admin)
        requests.post(f"{self.receiver}/_control/reset", json={}, timeout=10)

    def received(self) -> int:
        return len(requests.get(f"{self.receiver}/_control/captured", timeout=30).json()["deliveries"])

    def wait_for(self, count: int, timeout: float = 600) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.received() >= count:
                return time.monotonic()
            time.sleep(0.2)
        raise RuntimeError(f"only {self.received()} of {count} deliveries arrived")


def deliveries(bench: Bench, events: int) -> dict[str, float]:
    """Our path: events written as acceptance writes them, then announced as it does (each its lane)."""
    from google.cloud import firestore

    from streak_core.adapters.cloud_tasks import CloudTasksDispatchQueue, CloudTasksQueue
    from streak_core.adapters.firestore.events import stage_events
    from streak_core.models.events import event

    bench.clear()
    bench.register(1)
    client = firestore.Client(project=bench.stack.project_id)
    made = [
        event(
            f"bench-u{n % 200}", EventType.STREAK_EXTENDED, f"d{n}", {"days": n}, NOW + timedelta(seconds=n)
        )
        for n in range(events)
    ]
    for start in range(0, len(made), 400):
        batch = client.batch()
        stage_events(client, batch, made[start : start + 400])
        batch.commit()
    notify = f"http://{bench.stack.hosts['notify']}/dispatch"
    queue = CloudTasksDispatchQueue(
        CloudTasksQueue(
            bench.stack.project_id, TASKS_LOCATION, "notifications", notify, bench.stack.hosts["tasks"]
        )
    )
    services = {s.name: [s.process.pid] for s in bench.stack.services}
    cpu_before = {name: cpu_seconds(pids) for name, pids in services.items()}
    began = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda e: announce_events(queue, e.lane, NOW), made))
    done = bench.wait_for(events)
    ours = events / (done - began)
    print(f"ours: {events} events delivered in {done - began:.2f} s ({ours:.1f}/s)", flush=True)
    # Where the machine's two cores went: CPU per event of each process of the stack (the Firestore
    # emulator's share is what bounds the figure locally: production Firestore is not on this machine).
    spent = {name: (cpu_seconds(pids) - cpu_before[name]) * 1000 / events for name, pids in services.items()}
    for name, ms in sorted(spent.items(), key=lambda item: -item[1]):
        if ms >= 0.5:
            print(f"  {name}: {ms:.1f} ms CPU per event", flush=True)

    requests.post(f"{bench.receiver}/_control/reset", json={}, timeout=10)
    signer = Webhook("whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    payloads = [body(e.type, e.occurred_at, e.data) for e in made]

    def post(n: int) -> None:
        sent_at = datetime.now(UTC)
        headers = {
            "content-type": "application/json",
            "webhook-id": made[n].id,
            "webhook-timestamp": str(int(sent_at.timestamp())),
            "webhook-signature": signer.sign(made[n].id, sent_at, payloads[n]),
        }
        requests.post(f"{bench.receiver}/in", data=payloads[n], headers=headers, timeout=10)

    began = time.monotonic()
    with ThreadPoolExecutor(LANES) as pool:
        list(pool.map(post, range(events)))
    raw = events / (time.monotonic() - began)
    print(f"baseline: {events} signed POSTs from {LANES} threads at {raw:.1f}/s", flush=True)
    return {
        "events_per_second": round(ours, 1),
        "raw_posts_per_second": round(raw, 1),
        "firestore_cpu_ms_per_event": round(spent.get("firestore", 0.0), 1),
        "rest_of_stack_cpu_ms_per_event": round(sum(v for k, v in spent.items() if k != "firestore"), 1),
    }


def acceptance(bench: Bench, sessions: int) -> dict[str, float]:
    """p50 of POST /v1/sessions with no endpoint and with 3 (none, 3, 3, none after a warm-up)."""
    auth, project = bench.stack.hosts["auth"], bench.stack.project_id
    latencies: dict[int, list[float]] = {0: [], 3: []}

    def one_round(endpoints: int) -> None:
        bench.clear()
        if endpoints:
            bench.register(endpoints)
        users = [
            id_token(auth, project, f"b-{uuid.uuid4().hex[:8]}@example.com", "bench-pass", False)
            for _ in range(4)
        ]

        def client_loop(token: str) -> list[float]:
            own = []
            per_client = sessions // 4
            for n in range(per_client):  # each session a new day, sent that day: each writes events
                start = NOW - timedelta(days=per_client - n)
                session = {
                    "id": f"s{n}",
                    "start": start.replace(hour=8).isoformat(),
                    "end": start.replace(hour=9).isoformat(),
                    "timezone": "UTC",
                }
                began = time.perf_counter()
                answer = bench.call(
                    "POST",
                    "/v1/sessions",
                    token,
                    json=session,
                    headers={"X-Now": start.replace(hour=12).isoformat()},
                )
                own.append(time.perf_counter() - began)
                assert answer.status_code == 201, answer.text
            return own

        with ThreadPoolExecutor(4) as pool:
            for own in pool.map(client_loop, users):
                latencies[endpoints].extend(own)

    one_round(0)  # warm-up: the emulator, the functions and the client, not counted
    latencies[0].clear()
    for endpoints in (0, 3, 3, 0):  # ABBA: a drift over the run weighs on both alike
        one_round(endpoints)
        print(
            f"{endpoints} endpoint(s): p50 so far {statistics.median(latencies[endpoints]) * 1000:.1f} ms",
            flush=True,
        )
    none, three = (statistics.median(latencies[k]) * 1000 for k in (0, 3))
    return {
        "p50_ms_no_endpoint": round(none, 2),
        "p50_ms_3_endpoints": round(three, 2),
        "overhead_ratio_3_endpoints": round(three / none, 3),
    }


def run(work: Path, measure: Callable[[Bench], dict[str, float]]) -> dict[str, float]:
    env = {"RATE_LIMIT_WRITES": "", "RATE_LIMIT_READS": "", "WEBHOOK_RETRY_BASE_SECONDS": "1"}
    with Stack(work, components=COMPONENTS, extra_env=env) as stack:
        os.environ.update(stack.env())
        return measure(Bench(stack))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--sessions", type=int, default=160, help="sessions per round (4 clients)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        figures = run(
            Path(work),
            lambda bench: {**deliveries(bench, args.events), **acceptance(bench, args.sessions)},
        )
    figures["delivery_ratio"] = round(figures["events_per_second"] / figures["raw_posts_per_second"], 3)
    print(json.dumps({"bench": "webhooks", "events": args.events, **figures}))


if __name__ == "__main__":
    main()
