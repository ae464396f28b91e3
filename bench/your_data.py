"""A user's data on the Firestore emulator: importing 10,000 sessions of history next to plain acceptance,
and exporting them, streamed, next to a bare read of the same documents.

Run: python -m bench.your_data [--sessions 10000]
Starts its own Firestore emulator. Import: the admin import service, 500 sessions a request (transactions of
100), one session a day for 10,000 days. Acceptance: the same service path the API takes for a batch of 100
(within the late-data limit). Export: GET /v1/me/export's document written by its own code in a process of
its own, its peak RSS growth measured (VmHWM after minus before), next to a process that only streams the
same session documents. Ends with one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from devstack.stack import Stack
from streak_core.adapters.firestore.client import LazyFirestore
from streak_core.adapters.firestore.users import FirestoreUserStore
from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.sessions import SessionFields
from streak_core.services.sessions import MAX_BATCH, MAX_IMPORT, accept_sessions, import_sessions

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)


def history(n: int) -> SessionFields:
    start = datetime(1990, 1, 1, 7, tzinfo=UTC) + timedelta(days=n)
    return SessionFields(f"h{n}", start.isoformat(), (start + timedelta(minutes=40)).isoformat(), "UTC")


def recent(n: int) -> SessionFields:
    start = NOW - timedelta(days=25) + timedelta(minutes=3 * n)
    return SessionFields(f"r{n}", start.isoformat(), (start + timedelta(minutes=2)).isoformat(), "UTC")


def measure(env: dict[str, str], uid: str, mode: str) -> dict[str, float]:
    """Export (or, for the baseline, only stream the session documents) in a process of its own."""
    argv = [sys.executable, "-m", "bench.your_data", "--measure", uid, mode]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _hwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run_measure(uid: str, mode: str) -> None:
    """In the measuring process: peak RSS growth and time of one export (or of the bare read)."""
    from google.cloud import firestore

    from functions.api.presenters.data import export_json
    from streak_core.bootstrap import ops_dependencies
    from streak_core.services.export import export_user

    client = firestore.Client(project=os.environ["GOOGLE_CLOUD_PROJECT"])
    deps = ops_dependencies()
    client.collection("warm").document("x").get()  # the clients and their channels are up before measuring
    deps.export.users.snapshot(uid, (), ())
    before, began, size = _hwm_mb(), time.perf_counter(), 0
    if mode == "export":
        for chunk in export_json(export_user(deps.export, uid, datetime.now(UTC), deps.config)):
            size += len(chunk)
    else:
        for doc in client.collection("users").document(uid).collection("sessions").stream():
            size += len(json.dumps(doc.to_dict(), default=str))
    figures = {"seconds": time.perf_counter() - began, "rss_growth_mb": _hwm_mb() - before, "bytes": size}
    print(json.dumps(figures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--measure", nargs=2, metavar=("UID", "MODE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        run_measure(*args.measure)
        return
    with tempfile.TemporaryDirectory() as work, Stack(Path(work), components=("firestore",)) as stack:
        os.environ.update(stack.env())
        from google.cloud import firestore

        client = firestore.Client(project=stack.project_id)
        users = FirestoreUserStore(LazyFirestore(None, factory=lambda _: client))
        print(f"importing {args.sessions:,} sessions of history, {MAX_IMPORT} a request ...", flush=True)
        began = time.perf_counter()
        for start in range(0, args.sessions, MAX_IMPORT):
            raws = [history(n) for n in range(start, min(start + MAX_IMPORT, args.sessions))]
            import_sessions(users, "importer", raws, NOW, DEFAULT_CONFIG)
        imported = args.sessions / (time.perf_counter() - began)
        print(f"  {imported:,.0f} sessions/s", flush=True)
        accepted_count = min(args.sessions, 4000)  # recent sessions of one user: within the 30 days
        print(f"accepting {accepted_count:,} recent sessions, {MAX_BATCH} a batch ...", flush=True)
        began = time.perf_counter()
        for start in range(0, accepted_count, MAX_BATCH):
            raws = [recent(n) for n in range(start, min(start + MAX_BATCH, accepted_count))]
            accept_sessions(users, "acceptor", raws, NOW, DEFAULT_CONFIG)
        accepted = accepted_count / (time.perf_counter() - began)
        print(f"  {accepted:,.0f} sessions/s", flush=True)
        env = {**os.environ, **stack.env(), "GOOGLE_CLOUD_PROJECT": stack.project_id}
        print(
            "exporting the importer (its own process) and, as the baseline, streaming its sessions ...",
            flush=True,
        )
        export = measure(env, "importer", "export")
        raw = measure(env, "importer", "raw")
        print(f"  export {export}\n  raw    {raw}", flush=True)
    figures = {
        "bench": "your_data",
        "sessions": args.sessions,
        "import_sessions_per_second": round(imported, 1),
        "accept_sessions_per_second": round(accepted, 1),
        "import_to_accept_ratio": round(imported / accepted, 3),
        "export_seconds": round(export["seconds"], 2),
        "export_bytes": int(export["bytes"]),
        "export_peak_rss_growth_mb": round(export["rss_growth_mb"], 1),
        "raw_read_seconds": round(raw["seconds"], 2),
        "raw_read_peak_rss_growth_mb": round(raw["rss_growth_mb"], 1),
        "export_to_raw_read_ratio": round(export["seconds"] / raw["seconds"], 3),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
