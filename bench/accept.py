"""Session acceptance on the Firestore emulator vs the bare round trips its transaction needs.

Run: python -m bench.accept [--sessions 300]
Starts its own Firestore emulator. "Ours" is the full service path (validation, one transaction with
one batched read, the engine, the writes); the baseline runs a transaction with the same document reads
(user, streak, session, the days that can be "today", the user's entries on those days' boards, their
league seats) and writes (session, day, month, a board entry, streak, a shard of the day's analytics
counters), with payloads prepared in advance and no logic.
Each side runs `--sessions` per client count, in two halves ordered baseline, ours, ours, baseline.
overhead_ratio = our p50 / baseline p50; the CPU each side cost per session, in this process (the client)
and in the emulator, beside it.
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
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.profiling import cpu_seconds, flame_graph
from devstack.stack import Stack
from streak_core.adapters.firestore import paths
from streak_core.adapters.firestore.client import LazyFirestore
from streak_core.adapters.firestore.users import FirestoreUserStore
from streak_core.domain.boards import board_keys
from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.leagues import league_weeks_read
from streak_core.domain.sessions import SessionFields
from streak_core.domain.vocabulary import SessionStatus
from streak_core.services.sessions import accept_sessions

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)
FIRST_DAY = NOW.date() - timedelta(days=25)


def raw_session(uid: str, n: int) -> SessionFields:
    day = FIRST_DAY + timedelta(days=n % 25)
    start = datetime(day.year, day.month, day.day, 7, tzinfo=UTC) + timedelta(minutes=50 * (n // 25))
    end = start + timedelta(minutes=40)
    return SessionFields(f"{uid}-{n}", start.isoformat(), end.isoformat(), "Europe/Paris")


def ours(store: FirestoreUserStore) -> Callable[[str, int], None]:
    def run(uid: str, n: int) -> None:
        outcome = accept_sessions(store, uid, [raw_session(uid, n)], NOW, DEFAULT_CONFIG)
        assert outcome.items[0].status is SessionStatus.CREATED

    return run


def baseline(client: Any) -> Callable[[str, int], None]:
    from google.cloud import firestore

    day_doc = {
        "date": "",
        "intervals": [1, 2],
        "focus_ms": 2_400_000,
        "seconds": 2400,
        "pieces": {"x": [1, 2]},
    }
    entry_doc = {"uid": "", "score": 1, "longest_streak": 1, "reached_at": NOW, "visibility": "friends"}
    streak_doc = {
        "run_starts": [1],
        "run_ends": [1],
        "run_lengths": [1],
        "qualified_days": 1,
        "longest_streak": 1,
    }

    def run(uid: str, n: int) -> None:
        raw = raw_session(uid, n)
        user = client.collection("users").document(uid)
        day = raw.start[:10]
        utc_today = NOW.date()
        refs = [
            user,
            client.collection("streaks").document(uid),
            user.collection("sessions").document(raw.id),
        ]
        dates = {date.fromisoformat(day)} | {
            utc_today - timedelta(days=1),
            utc_today,
            utc_today + timedelta(days=1),
        }
        refs += [user.collection("days").document(d.isoformat()) for d in dates]
        # The user's entries on the boards of the session's day (all-time, week, month), as acceptance reads.
        boards = client.collection("boards")
        touched = [date.fromisoformat(day)]
        refs += [boards.document(key).collection("entries").document(uid) for key in board_keys(touched)]
        # And the user's seats in the league weeks of that day, as acceptance reads them (none here).
        refs += [paths.league_member(client, week, uid) for week in league_weeks_read(touched)]

        @firestore.transactional
        def body(tx: Any) -> None:
            list(tx.get_all(refs))
            tx.create(refs[2], asdict(raw))
            tx.set(user.collection("days").document(day), {**day_doc, "date": day})
            tx.set(user.collection("months").document(day[:7]), {"seconds": {day[8:]: 2400}}, merge=True)
            tx.set(boards.document("all").collection("entries").document(uid), entry_doc)
            tx.set(refs[1], streak_doc)
            # The day's analytics counters, as every acceptance moves them (one shard, at random).
            shard = client.document("analytics", utc_today.isoformat(), "shards", f"s{n % 16:02d}")
            counts = {"sessions": firestore.Increment(1), "focus_seconds": firestore.Increment(2400)}
            tx.set(shard, {"c": counts}, merge=True)

        body(client.transaction(max_attempts=10))

    return run


def measure(
    run: Callable[[str, int], None], clients: int, total: int, users: list[str] | None = None, first: int = 0
) -> tuple[list[float], float]:
    """`total` sessions from `clients` threads, each its own user (new ones, or `users` going on from their
    session number `first`): (latencies in seconds, elapsed)."""
    per_client = total // clients
    uids = users or [f"bench-{uuid.uuid4().hex[:10]}" for _ in range(clients)]
    latencies: list[float] = []

    def client_loop(uid: str) -> list[float]:
        own = []
        for n in range(first, first + per_client):
            began = time.perf_counter()
            run(uid, n)
            own.append(time.perf_counter() - began)
        return own

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        for own in pool.map(client_loop, uids):
            latencies.extend(own)
    return latencies, time.perf_counter() - began


@dataclass
class Tally:
    """One side's measurements, added up over its halves (the same users going on, so the halves are the
    workload one whole run would be), with the CPU seconds they cost this process (the client) and the
    emulator."""

    clients: int
    users: list[str]
    latencies: list[float] = field(default_factory=list)
    elapsed: float = 0.0
    client_cpu: float = 0.0
    emulator_cpu: float = 0.0

    def add(self, run: Callable[[str, int], None], total: int, emulator: list[int]) -> None:
        ours_before, emulator_before = cpu_seconds([os.getpid()], False), cpu_seconds(emulator)
        first = len(self.latencies) // self.clients
        latencies, elapsed = measure(run, self.clients, total, self.users, first)
        self.client_cpu += cpu_seconds([os.getpid()], False) - ours_before
        self.emulator_cpu += cpu_seconds(emulator) - emulator_before
        self.latencies += latencies
        self.elapsed += elapsed

    def figures(self) -> dict[str, float]:
        per = 1000 / len(self.latencies)
        return {
            "per_second": round(len(self.latencies) / self.elapsed, 1),
            **summary(self.latencies),
            "client_cpu_ms": round(self.client_cpu * per, 2),
            "emulator_cpu_ms": round(self.emulator_cpu * per, 2),
        }


def summary(latencies: list[float]) -> dict[str, float]:
    """p50 and p99 in milliseconds of latencies in seconds."""
    return {
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p99_ms": round(statistics.quantiles(latencies, n=100)[98] * 1000, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=400, help="sessions per measurement")
    parser.add_argument("--profile", action="store_true", help="py-spy graphs of the halves, 8 clients")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work, Stack(Path(work), components=("firestore",)) as stack:
        os.environ.update(stack.env())
        from google.cloud import firestore

        client = firestore.Client(project=stack.project_id)
        store = FirestoreUserStore(LazyFirestore(None, factory=lambda _: client))
        measure(ours(store), 1, 40)  # warm up the emulator, the JIT and the client
        measure(baseline(client), 1, 40)
        results: dict[str, dict[str, float]] = {}
        emulator = [s.process.pid for s in stack.services if s.name == "firestore"]
        for clients in (1, 8):
            # Halves in the order baseline, ours, ours, baseline: a drift of the emulator over the run
            # (its heap, its JIT) weighs on both sides alike.
            tallies = {
                side: Tally(clients, [f"bench-{uuid.uuid4().hex[:10]}" for _ in range(clients)])
                for side in ("baseline", "ours")
            }
            runs = {"baseline": baseline(client), "ours": ours(store)}
            for half, side in enumerate(("baseline", "ours", "ours", "baseline")):
                graph = f"accept-c8-{half + 1}-{side}"
                with flame_graph(graph, [os.getpid()], args.profile and clients == 8):
                    tallies[side].add(runs[side], args.sessions // 2, emulator)
            for side, tally in tallies.items():
                results[f"{side}_c{clients}"] = tally.figures()
            print(f"{clients} client(s): ours {results[f'ours_c{clients}']}", flush=True)
            print(f"{clients} client(s): baseline {results[f'baseline_c{clients}']}", flush=True)
    figures = {
        "bench": "accept",
        "sessions_per_measurement": args.sessions,
        **results,
        "overhead_ratio": round(results["ours_c1"]["p50_ms"] / results["baseline_c1"]["p50_ms"], 3),
        "overhead_ratio_c8": round(results["ours_c8"]["p50_ms"] / results["baseline_c8"]["p50_ms"], 3),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
