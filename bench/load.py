"""End-to-end load as phones make it: simulated app users over HTTP against the served `api` function.

Run: python -m bench.load [--users 40] [--seconds 30]
Starts its own Firestore and Auth emulators and the `api` function (functions-framework, as `make dev`
serves it, with the default rate limits). Each simulated user signs up (a real Auth-emulator ID token),
then, for `--seconds`, repeats what the app does: post a session, read the streak, the calendar and the
leaderboard, with a short think time between requests (an asyncio client, httpx). Baseline in the same run:
the same users for the same time on `GET /v1/openapi.json`, a route that does no Firestore work (and no
token check). Reports throughput, p50/p99 per route, statuses, and afterwards checks in Firestore that every
session answered 201 is stored exactly once and counted once in its day (nothing lost, nothing doubled).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from bench.accept import summary
from devstack.stack import Stack

START = datetime(2026, 11, 20, 6, tzinfo=UTC)  # each user's sessions: 10 minutes apart from here, 5 long
SESSION_MINUTES, SPACING_MINUTES = 5, 10
NOW = "2026-11-22T12:00:00Z"  # after every session (X-Now: the stack allows clock overrides)


@dataclass
class Figures:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    created: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # uid -> 201 session ids
    sent: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # uid -> every id posted

    def record(self, route: str, status: int, seconds: float) -> None:
        self.latencies[route].append(seconds)
        self.statuses[(route, status)] += 1


async def sign_up(client: httpx.AsyncClient, auth_host: str, n: int) -> tuple[str, str]:
    response = await client.post(
        f"http://{auth_host}/identitytoolkit.googleapis.com/v1/accounts:signUp?key=demo-key",
        json={"email": f"load-{n}@example.com", "password": "s3cret-pass", "returnSecureToken": True},
    )
    response.raise_for_status()
    body = response.json()
    return str(body["localId"]), str(body["idToken"])


async def app_user(
    client: httpx.AsyncClient, api: str, uid: str, token: str, until: float, figures: Figures, seed: int
) -> None:
    rng = random.Random(seed)
    headers = {"Authorization": f"Bearer {token}", "X-Now": NOW}
    n = 0
    while time.monotonic() < until:
        start = START + timedelta(minutes=SPACING_MINUTES * n)
        session_id = f"load-{n}"
        body = {
            "id": session_id,
            "start": start.isoformat(),
            "end": (start + timedelta(minutes=SESSION_MINUTES)).isoformat(),
            "timezone": "UTC",
        }
        calls: list[tuple[str, str, str, dict[str, Any] | None]] = [
            ("POST /v1/sessions", "POST", "/v1/sessions", body),
            ("GET /v1/me/streak", "GET", "/v1/me/streak", None),
            ("GET /v1/me/calendar", "GET", "/v1/me/calendar", None),
            ("GET /v1/leaderboard", "GET", "/v1/leaderboard?period=week&limit=20", None),
        ]
        for route, method, path, payload in calls:
            began = time.perf_counter()
            response = await client.request(method, f"{api}{path}", headers=headers, json=payload)
            figures.record(route, response.status_code, time.perf_counter() - began)
            if payload is not None:
                figures.sent[uid].add(session_id)
                if response.status_code == 201:
                    figures.created[uid].add(session_id)
            await asyncio.sleep(rng.uniform(0.2, 0.6))  # the user reads the screen
        n += 1


async def baseline_user(
    client: httpx.AsyncClient, api: str, until: float, figures: Figures, seed: int
) -> None:
    rng = random.Random(seed)
    while time.monotonic() < until:
        began = time.perf_counter()
        response = await client.get(f"{api}/v1/openapi.json")
        figures.record("GET /v1/openapi.json", response.status_code, time.perf_counter() - began)
        await asyncio.sleep(rng.uniform(0.2, 0.6))


def figures_of(samples: list[float]) -> dict[str, float]:
    return {"requests": len(samples), **summary(samples)}


def stored_once(firestore: Any, figures: Figures) -> tuple[int, int, int]:
    """(sessions answered 201, lost: answered 201 but not stored, doubled: stored or counted more than once).
    A day's seconds must equal its stored sessions' minutes exactly (they never overlap)."""
    lost = doubled = 0
    for uid, created in figures.created.items():
        user = firestore.collection("users").document(uid)
        stored = {doc.id for doc in user.collection("sessions").stream()}
        lost += len(created - stored)
        doubled += len(stored - figures.sent[uid])  # stored but never sent: counted twice somewhere
        per_day = Counter(
            (START + timedelta(minutes=SPACING_MINUTES * int(sid.split("-")[1]))).date().isoformat()
            for sid in stored
        )
        for day in user.collection("days").stream():
            expected = per_day[day.id] * SESSION_MINUTES * 60
            if int(day.get("seconds")) != expected:
                doubled += 1
    return sum(len(c) for c in figures.created.values()), lost, doubled


async def run(api: str, auth_host: str, users: int, seconds: float) -> tuple[Figures, Figures, float, float]:
    limits = httpx.Limits(max_connections=users * 2, max_keepalive_connections=users * 2)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        accounts = await asyncio.gather(*(sign_up(client, auth_host, n) for n in range(users)))
        print(f"{users} users signed up", flush=True)
        baseline = Figures()
        began = time.monotonic()
        until = began + seconds
        await asyncio.gather(*(baseline_user(client, api, until, baseline, n) for n in range(users)))
        baseline_elapsed = time.monotonic() - began
        print(f"baseline done: {sum(len(v) for v in baseline.latencies.values())} requests", flush=True)
        ours = Figures()
        began = time.monotonic()
        until = began + seconds
        await asyncio.gather(
            *(app_user(client, api, uid, token, until, ours, n) for n, (uid, token) in enumerate(accounts))
        )
        return baseline, ours, baseline_elapsed, time.monotonic() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    components = ("firestore", "auth", "functions")
    with tempfile.TemporaryDirectory() as work, Stack(Path(work), components=components) as stack:
        os.environ.update(stack.env())
        api = f"http://{stack.hosts['functions']}"
        baseline, ours, baseline_s, ours_s = asyncio.run(
            run(api, stack.hosts["auth"], args.users, args.seconds)
        )
        from google.cloud import firestore

        created, lost, doubled = stored_once(firestore.Client(project=stack.project_id), ours)
    total = sum(len(v) for v in ours.latencies.values())
    base_total = sum(len(v) for v in baseline.latencies.values())
    routes = {route: figures_of(samples) for route, samples in sorted(ours.latencies.items())}
    figures = {
        "bench": "load",
        "users": args.users,
        "seconds": args.seconds,
        "requests_per_second": round(total / ours_s, 1),
        "routes": routes,
        "statuses": {f"{route} {status}": n for (route, status), n in sorted(ours.statuses.items())},
        "baseline": {
            "requests_per_second": round(base_total / baseline_s, 1),
            **figures_of(baseline.latencies["GET /v1/openapi.json"]),
        },
        "sessions_created": created,
        "lost": lost,
        "doubled": doubled,
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
