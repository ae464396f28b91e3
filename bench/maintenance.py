"""One full maintenance tick through the Pub/Sub emulator and the served functions, at scale.

Run: python -m bench.maintenance --users 10000
Seeds N due users with realistic histories (bulk writes, not timed), then measures a bare bulk write of
N documents of the same shape (the baseline), one tick from publish to a `done` run record, and the bare
bulk write again. Reports seconds, users per second, the batch worker's peak RSS (VmHWM of each process of
that function) and ratio_to_raw_writes = our users/s / the baseline's documents/s (both of its writes).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.profiling import cpu_seconds, family, flame_graph
from devstack.stack import Stack
from devstack.tick import publish
from streak_core.adapters.firestore.documents import settings_to_doc
from streak_core.adapters.firestore.streaks import stage_streak
from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.streaks import StreakState
from streak_core.models.streaks import StreakRecord
from streak_core.models.users import UserSettings
from streak_core.services.badges import award_badges

TICK_AT = datetime(2026, 11, 21, 14, 30, tzinfo=UTC)  # after midnight everywhere from UTC-10 to UTC+14
ZONES = ["UTC", "Europe/Paris", "America/New_York", "Asia/Tokyo", "Pacific/Kiritimati", "Pacific/Honolulu"]
WRITE_CHUNK = 500


def history(rnd: random.Random) -> StreakRecord:
    """~120 days with 80% of days qualified, some freezes, maintained through the day before yesterday,
    holding the badges those days earned (acceptance awards them as the days come, not the night)."""
    state = StreakState(freezes_available=rnd.randint(0, 2))
    last = date(2026, 11, 19)
    for n in range(120):
        if rnd.random() < 0.8:
            state.add_qualified(last - timedelta(days=n), DEFAULT_CONFIG)
    weeks = [f"2026-W{w}" for w in range(30, 46) if rnd.random() < 0.5]
    zone = rnd.choice(ZONES)
    record = StreakRecord(
        state,
        latest_session_timezone=zone,
        timezone_setting=zone,
        weekly_bonus_weeks=weeks,
        maintenance_due_at=datetime(2026, 11, 20, 10, tzinfo=UTC),
        last_maintained_date=last,
    )
    award_badges("seed", record, datetime(2026, 11, 19, 20, tzinfo=UTC), announce=False)
    return record


class Collected:
    """A writer that keeps what is staged in it instead of sending it, so the benchmarks seed exactly the
    documents the code writes."""

    def __init__(self) -> None:
        self.writes: list[tuple[Any, dict[str, Any]]] = []

    def set(self, ref: Any, data: dict[str, Any], merge: bool = False) -> None:
        self.writes.append((ref, data))


def streak_document(client: Any, uid: str, record: StreakRecord) -> tuple[Any, dict[str, Any]]:
    """(ref, data) of the user's streak document as the one streak writer stages it (the counters the write
    would move come after it and are left out: seeding moves none)."""
    collected = Collected()
    stage_streak(client, collected, uid, record)
    return collected.writes[0]


def bulk_write(client: Any, docs: list[tuple[Any, dict[str, Any]]], threads: int = 4) -> float:
    chunks = [docs[i : i + WRITE_CHUNK] for i in range(0, len(docs), WRITE_CHUNK)]

    def write(chunk: list[tuple[Any, dict[str, Any]]]) -> None:
        batch = client.batch()
        for ref, data in chunk:
            batch.set(ref, data)
        batch.commit()

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(write, chunks))
    return time.perf_counter() - began


def baseline(
    client: Any, seeded: list[tuple[str, dict[str, Any]]], collection: str, emulator: list[int]
) -> tuple[float, float]:
    """(seconds, emulator CPU seconds) of a bare bulk write of the users' streak documents to `collection`."""
    raw_docs = [(client.collection(collection).document(uid), doc) for uid, doc in seeded]
    emulator_cpu = cpu_seconds(emulator)
    seconds = bulk_write(client, raw_docs)
    print(f"  {seconds:.2f} s, {len(seeded) / seconds:,.0f} documents/s", flush=True)
    return seconds, cpu_seconds(emulator) - emulator_cpu


def peak_rss_mb(pids: list[int]) -> tuple[float, float]:
    """(largest VmHWM, sum of VmHWM) in MB over the processes of a service and their children."""
    peaks = []
    for pid in family(pids):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        except OSError:
            continue
    return (max(peaks, default=0.0), sum(peaks))


def tick(stack: Stack, run_ref: Any, run_id: str) -> tuple[float, dict[str, Any]]:
    """Publish the tick and wait for its run to be done: (seconds, the run record)."""
    began = time.perf_counter()
    publish(
        stack.hosts["pubsub"],
        stack.project_id,
        "maintenance-tick",
        {"run_id": run_id, "now": TICK_AT.isoformat()},
    )
    run: dict[str, Any] = {}
    while time.perf_counter() - began < 600:
        run = run_ref.get().to_dict() or {}
        if run.get("status") == "done":
            break
        time.sleep(0.2)
    return time.perf_counter() - began, run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--page-size", type=int, default=500)
    parser.add_argument("--profile", action="store_true", help="py-spy flame graph of the batch worker")
    args = parser.parse_args()
    rnd = random.Random(42)
    with tempfile.TemporaryDirectory() as work:
        stack = Stack(
            Path(work),
            components=("firestore", "pubsub", "functions"),
            extra_env={"MAINTENANCE_PAGE_SIZE": str(args.page_size)},
        )
        with stack:
            os.environ.update(stack.env())
            from google.cloud import firestore

            client = firestore.Client(project=stack.project_id)
            print(f"seeding {args.users:,} due users ...", flush=True)
            uids = [f"u{n:07d}-{uuid.uuid4().hex[:6]}" for n in range(args.users)]
            streak_docs = []
            user_docs = []
            for uid in uids:
                record = history(rnd)
                ref, doc = streak_document(client, uid, record)
                doc["updated_at"] = TICK_AT
                streak_docs.append((ref, doc))
                settings = UserSettings(timezone=record.latest_session_timezone)
                user_docs.append((client.collection("users").document(uid), settings_to_doc(settings)))
            bulk_write(client, streak_docs + user_docs)

            print("baseline: bulk write of the same number of streak documents ...", flush=True)
            emulator = [s.process.pid for s in stack.services if s.name == "firestore"]
            batch_pids = [s.process.pid for s in stack.services if s.name == "batch"]
            seeded = [(uid, doc) for (_, doc), uid in zip(streak_docs, uids, strict=True)]
            raw_before, raw_emulator_cpu = baseline(client, seeded, "raw_baseline", emulator)
            del user_docs

            run_id = f"bench-{uuid.uuid4().hex[:8]}"
            print(f"tick {run_id} at {TICK_AT.isoformat()} through Pub/Sub ...", flush=True)
            run_ref = client.collection("maintenance_runs").document(run_id)
            emulator_cpu, worker_cpu = cpu_seconds(emulator), cpu_seconds(batch_pids)
            with flame_graph(f"maintenance-{args.users}", batch_pids, args.profile) as graph:
                seconds, run = tick(stack, run_ref, run_id)
            tick_emulator_cpu = cpu_seconds(emulator) - emulator_cpu
            tick_worker_cpu = cpu_seconds(batch_pids) - worker_cpu
            tick_ms = [
                float(json.loads(line)["latency_ms"])
                for line in (Path(work) / "tick.log").read_text().splitlines()
                if '"maintenance tick fanned out"' in line
            ]
            batch_ms = [
                float(json.loads(line)["latency_ms"])
                for line in (Path(work) / "batch.log").read_text().splitlines()
                if '"maintenance batch done"' in line
            ]
            worker_peak, worker_total = peak_rss_mb(batch_pids)
            print(f"  run: {json.dumps(run, default=str)}", flush=True)
            # Again after the tick: this machine's speed moves by 20-30% within minutes, and the tick lies
            # between the two (the ratio is to both together).
            print("baseline again, after the tick ...", flush=True)
            raw_after, _ = baseline(client, seeded, "raw_baseline_after", emulator)
    raw_per_second = 2 * args.users / (raw_before + raw_after)
    users_per_second = args.users / seconds
    print(
        json.dumps(
            {
                "bench": "maintenance",
                "users": args.users,
                "page_size": args.page_size,
                "seconds": round(seconds, 2),
                "users_per_second": round(users_per_second, 1),
                "run_status": run.get("status"),
                "users_processed": run.get("users_processed"),
                "users_failed": run.get("users_failed"),
                "batches": run.get("batches"),
                "tick_fan_out_seconds": round(tick_ms[0] / 1000, 2) if tick_ms else None,
                "batch_latency_ms_p50": round(sorted(batch_ms)[len(batch_ms) // 2], 1) if batch_ms else None,
                "batch_concurrency": round(sum(batch_ms) / 1000 / seconds, 2),
                "peak_rss_mb_batch_worker": round(worker_peak, 1),
                "peak_rss_mb_batch_function_total": round(worker_total, 1),
                "cpu_seconds_emulator": round(tick_emulator_cpu, 1),
                "cpu_seconds_batch_worker": round(tick_worker_cpu, 1),
                "raw_cpu_seconds_emulator": round(raw_emulator_cpu, 1),
                "flame_graph": str(graph) if graph else None,
                "raw_write_docs_per_second": round(raw_per_second, 1),
                "raw_write_seconds_before_after": [round(raw_before, 2), round(raw_after, 2)],
                "ratio_to_raw_writes": round(users_per_second / raw_per_second, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
