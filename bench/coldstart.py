"""Cold start: a fresh `api` process, from its start to its first answers, next to a minimal function.

Run: python -m bench.coldstart [--rounds 15] [--warmup 1] (or make bench-coldstart)
Starts the Firestore and Auth emulators. Each round starts, in turn, fresh functions-framework processes:
- ours, `api`, from process start to the first 201 of `POST /v1/sessions` (a new user's first session: the
  token verified, the transaction, everything a first request builds);
- ours again, to the first 200 of `GET /v1/me/streak`;
- the baseline (bench/coldstart_baseline.py): functions-framework and the same Firestore write, to its 201.
Both are served from a copy of the code as the deploy plan uploads it, bytecode compiled
(deploy/package.py), by a functions-framework installed from requirements.txt alone (`.venv-functions`, made
by `make bench-coldstart`): what Cloud Functions installs, without the tools of `.venv`.
Each process is polled every 5 ms from the moment it is spawned (connection refused until it listens), and
stopped by PID after its answer. cold_start_ratio = median(ours to 201) / median(baseline to 201). With
`--importtime` it also prints the slowest imports of `main` (`python -X importtime`).

With `--instructions` (make bench-coldstart) it also counts the instructions each function's process runs
from its start to its first 201 (valgrind's cachegrind, `I refs`: the app made and the request answered in
one process by Flask's test client, so the count holds the imports and the request's own work, not the
server's sockets): the same figure on every run, where this machine's speed moves the times by 30-50%
from one minute to the next. instruction_ratio = ours / the baseline's. It counts ours once more with the
deploy plan's Cloud Tasks queues (the Cloud Tasks emulator): in production the sessions area holds the
dispatch queue, and a first session that writes a notice or a webhook event asks it once committed, inside
the answer (instruction_ratio_with_queues).
"""

from __future__ import annotations

import argparse
import json
import os
import py_compile
import re
import shutil
import statistics
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import requests

from deploy.package import stage
from devstack.node import node_env
from devstack.stack import Stack
from devstack.tools import HOST, ROOT, TASKS_LOCATION, free_port, terminate

FUNCTIONS_VENV = ROOT / ".venv-functions"
FUNCTIONS_FRAMEWORK = FUNCTIONS_VENV / "bin" / "functions-framework"
POLL_SECONDS = 0.005
GIVE_UP_SECONDS = 60.0
# The deploy plan's queue targets (never called here: the process ends before a task is due).
QUEUE_URLS = {
    "NOTIFICATIONS_DISPATCH_URL": f"http://{HOST}:9/dispatch",
    "FRIEND_STREAKS_CHECK_URL": f"http://{HOST}:9/friend-streaks/check",
    "SESSION_JOBS_URL": f"http://{HOST}:9/jobs",
}


def first_answer(
    target: str, source: Path, env: dict[str, str], method: str, path: str, **kwargs: object
) -> float:
    """Seconds from spawning a functions-framework process of `target` to its first non-5xx answer."""
    port = free_port()
    argv = [
        str(FUNCTIONS_FRAMEWORK),
        "--target",
        target,
        "--source",
        str(source),
        "--host",
        HOST,
        "--port",
        str(port),
    ]
    began = time.monotonic()
    process = subprocess.Popen(
        argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        while time.monotonic() - began < GIVE_UP_SECONDS:
            try:
                answer = requests.request(method, f"http://{HOST}:{port}{path}", timeout=30, **kwargs)
            except requests.ConnectionError:
                time.sleep(POLL_SECONDS)
                continue
            if answer.status_code in (200, 201):
                return time.monotonic() - began
            raise RuntimeError(f"{target} answered {answer.status_code}: {answer.text[:300]}")
        raise RuntimeError(f"{target} did not answer in {GIVE_UP_SECONDS} s")
    finally:
        terminate(process)


def session(n: int) -> dict[str, str]:
    return {
        "id": f"cold-{n}",
        "start": "2026-11-21T08:00:00Z",
        "end": "2026-11-21T09:00:00Z",
        "timezone": "UTC",
    }


def import_profile() -> list[tuple[int, str]]:
    run = subprocess.run(
        [str(FUNCTIONS_VENV / "bin" / "python"), "-X", "importtime", "-c", "import main"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    rows = []
    for line in run.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            _, cumulative, name = (part.strip() for part in line.removeprefix("import time:").split("|"))
            if cumulative.isdigit():
                rows.append((int(cumulative), name))
    return sorted(rows, reverse=True)


# One process, its app made as functions-framework makes it and one request answered through Flask's test
# client: what a cold start computes, without the server (whose sockets and threads valgrind slows badly).
FIRST_ANSWER = """
import sys
from functions_framework import create_app
target, source, path, token, body = sys.argv[1:6]
client = create_app(target, source).test_client()
headers = {"Authorization": "Bearer " + token, "X-Now": "2026-11-21T12:00:00Z"}
answer = client.post(path, data=body, content_type="application/json", headers=headers)
assert answer.status_code == 201, answer.data
"""


def instructions(target: str, source: Path, env: dict[str, str], path: str, token: str, n: int) -> int:
    """Instructions a fresh process of `target` runs to its first 201 (valgrind's cachegrind, `I refs`)."""
    run = subprocess.run(
        [
            "valgrind",
            "--tool=cachegrind",
            "--cache-sim=no",
            "--cachegrind-out-file=/dev/null",
            str(FUNCTIONS_VENV / "bin" / "python"),
            "-c",
            FIRST_ANSWER,
            target,
            str(source),
            path,
            token,
            json.dumps(session(n)),
        ],
        cwd=source.parent,
        env={**env, "FUNCTION_TARGET": target},  # as the framework sets it before it loads the source
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    found = re.search(r"I\s+refs:\s+([\d,]+)", run.stderr)
    if found is None:
        raise RuntimeError(f"no instruction count from valgrind: {run.stderr[-500:]}")
    return int(found.group(1).replace(",", ""))


def counted(stack: Stack, auth: Any, source: Path, baseline_py: Path, env: dict[str, str]) -> dict[str, Any]:
    """The instruction figures: ours and the baseline's to their first 201, and ours with the queues."""
    _, token = auth.sign_up()
    ours = instructions("api", source / "main.py", env, "/v1/sessions", token, 10_000)
    base = instructions("baseline", baseline_py, env, "/", token, 10_001)
    _, token = auth.sign_up()
    queued = instructions("api", source / "main.py", queues_env(stack, env), "/v1/sessions", token, 10_002)
    return {
        "instructions_ours": ours,
        "instructions_baseline": base,
        "instruction_ratio": round(ours / base, 3),
        "instructions_ours_with_queues": queued,
        "instruction_ratio_with_queues": round(queued / base, 3),
    }


def queues_env(stack: Stack, env: dict[str, str]) -> dict[str, str]:
    """`env` with the deploy plan's Cloud Tasks queues, made on the stack's emulator."""
    from streak_core.adapters.cloud_tasks import tasks_client  # only with --instructions

    client, parent = (
        tasks_client(stack.hosts["tasks"]),
        f"projects/{stack.project_id}/locations/{TASKS_LOCATION}",
    )
    for queue in ("notifications", "session-jobs"):
        client.create_queue(parent=parent, queue={"name": f"{parent}/queues/{queue}"}, timeout=30)
    return {**env, **QUEUE_URLS, "CLOUD_TASKS_EMULATOR_HOST": stack.hosts["tasks"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=1, help="rounds first run and not counted")
    parser.add_argument("--importtime", action="store_true")
    parser.add_argument("--instructions", action="store_true", help="count instructions too (valgrind)")
    args = parser.parse_args()
    from tests.conftest import GENEROUS_LIMITS, AuthEmulator

    # The production environment: requirements.txt alone (the Makefile's install step; a no-op when done).
    subprocess.run(["make", "-s", f"{FUNCTIONS_VENV.name}/.installed"], cwd=ROOT, check=True)
    project = f"demo-coldstart-{uuid.uuid4().hex[:6]}"
    components = ("firestore", "auth", "tasks") if args.instructions else ("firestore", "auth")
    stack = Stack(Path(tempfile.mkdtemp()), project_id=project, components=components)
    stack.start()
    source = Path(tempfile.mkdtemp())
    try:
        auth = AuthEmulator(stack.hosts["auth"], project)
        env = node_env({**os.environ, **stack.env(), **GENEROUS_LIMITS, "ALLOW_CLOCK_OVERRIDE": "1"})
        env.pop("CLOUD_TASKS_EMULATOR_HOST", None)  # no queue but where counted with them (below)
        # Both served as deployed: bytecode compiled beside the source (deploy/package.py).
        stage(ROOT, source)
        baseline_py = source / "coldstart_baseline.py"
        shutil.copy2(ROOT / "bench" / "coldstart_baseline.py", baseline_py)
        py_compile.compile(str(baseline_py), invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)
        ours_post, ours_get, base = [], [], []
        # The emulator's JVM compiles its write path during the first requests it serves: warm-up rounds
        # run first for both functions alike, and are not counted.
        for n in range(args.warmup + args.rounds):
            _, token = auth.sign_up()
            headers = {"Authorization": f"Bearer {token}", "X-Now": "2026-11-21T12:00:00Z"}
            main_py = source / "main.py"
            base.append(first_answer("baseline", baseline_py, env, "POST", "/", json=session(n)))
            ours_post.append(
                first_answer("api", main_py, env, "POST", "/v1/sessions", json=session(n), headers=headers)
            )
            ours_get.append(first_answer("api", main_py, env, "GET", "/v1/me/streak", headers=headers))
            took = f"baseline {base[-1]:.3f} s, ours POST {ours_post[-1]:.3f} s, GET {ours_get[-1]:.3f} s"
            print(f"{'warm-up' if n < args.warmup else 'round'} {n + 1}: {took}", flush=True)
            if n < args.warmup:
                for kept in (base, ours_post, ours_get):
                    kept.clear()
        figures = {
            "bench": "coldstart",
            "rounds": args.rounds,
            "baseline_first_201_s": round(statistics.median(base), 3),
            "ours_first_201_s": round(statistics.median(ours_post), 3),
            "ours_first_streak_200_s": round(statistics.median(ours_get), 3),
            "cold_start_ratio": round(statistics.median(ours_post) / statistics.median(base), 3),
            # Each round's own ratio (both measured within seconds of each other), their median: steadier
            # on a machine whose speed drifts from minute to minute.
            "paired_ratio_median": round(
                statistics.median(o / b for o, b in zip(ours_post, base, strict=True)), 3
            ),
        }
        if args.instructions:
            figures |= counted(stack, auth, source, baseline_py, env)
        if args.importtime:
            for micros, name in import_profile()[:15]:
                print(f"{micros / 1000:8.1f} ms  {name}")
        print(json.dumps(figures))
    finally:
        stack.stop()
        shutil.rmtree(source, ignore_errors=True)


if __name__ == "__main__":
    main()
