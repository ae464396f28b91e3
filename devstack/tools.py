"""What the local stack is built from: where the emulators and tools are, free ports, health probes, and
stopping a process group for good (devstack/stack.py starts and wires them)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLATFORM = Path(os.environ.get("GCLOUD_PLATFORM_DIR", "/usr/lib/google-cloud-sdk/platform"))
FIRESTORE_LAUNCHER = PLATFORM / "cloud-firestore-emulator" / "cloud_firestore_emulator"
PUBSUB_LAUNCHER = PLATFORM / "pubsub-emulator" / "bin" / "cloud-pubsub-emulator"
FIREBASE_CLI = ROOT / "node_modules" / ".bin" / "firebase"
TASKS_EMULATOR = ROOT / ".venv-tasks" / "bin" / "gcloud-tasks-emulator"
TASKS_PYTHON = ROOT / ".venv-tasks" / "bin" / "python"  # runs devstack/tasks_emulator.py
FUNCTIONS_FRAMEWORK = Path(sys.executable).parent / "functions-framework"
WEB_DIR = ROOT / "web"
VITE = WEB_DIR / "node_modules" / ".bin" / "vite"
HOST = "127.0.0.1"
START_TIMEOUT = 90.0
TASKS_LOCATION = "us-central1"
RETRY_MAX_ATTEMPTS = 5  # the maintenance-retry queue's max attempts (see deploy/queues.md)


class StackError(RuntimeError):
    """The stack cannot start; the message says what is missing and how to get it."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def check_tools(components: set[str]) -> None:
    missing = []
    if "firestore" in components and not FIRESTORE_LAUNCHER.exists():
        missing.append(f"Firestore emulator ({FIRESTORE_LAUNCHER})")
    if "pubsub" in components and not PUBSUB_LAUNCHER.exists():
        missing.append(f"Pub/Sub emulator ({PUBSUB_LAUNCHER})")
    if missing:
        raise StackError(
            "Missing: "
            + ", ".join(missing)
            + ". Install them with `gcloud components install cloud-firestore-emulator pubsub-emulator`"
            " (or `apt-get install google-cloud-cli-firestore-emulator google-cloud-cli-pubsub-emulator`)."
        )
    if {"firestore", "pubsub"} & components and subprocess.run(
        ["java", "-version"], capture_output=True, check=False
    ).returncode:
        raise StackError("Java 17+ is needed by the Firestore and Pub/Sub emulators: install a JRE.")
    if "auth" in components and not FIREBASE_CLI.exists():
        raise StackError("firebase-tools is not installed: run `make node_modules/.installed` (npm ci).")
    if "tasks" in components and not TASKS_EMULATOR.exists():
        raise StackError("The Cloud Tasks emulator is not installed: run `make .venv-tasks/.installed`.")
    if "web" in components and not (VITE.exists() and (WEB_DIR / "dist" / "index.html").exists()):
        raise StackError("The dashboard is not built: run `make web` (npm ci, then vite build).")


def put_json(url: str, body: dict[str, object]) -> None:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="PUT", headers={"Content-Type": "application/json"}
    )
    try:
        urllib.request.urlopen(request, timeout=10).close()
    except urllib.error.HTTPError as error:
        if error.code != 409:  # already exists
            raise


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return 200 <= int(response.status) < 500
    except urllib.error.HTTPError as error:
        return error.code < 500
    except OSError:
        return False


def tcp_ok(host_port: str) -> bool:
    host, port = host_port.rsplit(":", 1)
    try:
        with socket.create_connection((host, int(port)), timeout=1):
            return True
    except OSError:
        return False


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def terminate(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process group, wait until every member is gone, SIGKILL what lingers."""
    pgid = process.pid  # start_new_session=True made the child its group leader
    for sig, grace in ((signal.SIGTERM, 15.0), (signal.SIGKILL, 5.0)):
        if not group_alive(pgid):
            break
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            process.poll()  # reap the leader so it does not linger as a zombie
            if not group_alive(pgid):
                break
            time.sleep(0.1)
    process.poll()


def tail(path: Path, lines: int = 15, limit: int = 3000) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])[-limit:]
    except OSError:
        return "(no log)"


@dataclass
class Service:
    name: str
    process: subprocess.Popen[bytes]
    log: Path


def function_urls(hosts: dict[str, str]) -> dict[str, str]:
    """What the functions must know of each other's addresses, as the deploy plan tells them in production."""
    urls = {}
    if "retry" in hosts:
        urls["MAINTENANCE_RETRY_URL"] = f"http://{hosts['retry']}/"
    if "notify" in hosts:
        urls["NOTIFICATIONS_DISPATCH_URL"] = f"http://{hosts['notify']}/dispatch"
        urls["WEBHOOKS_DRAIN_URL"] = f"http://{hosts['notify']}/webhooks/drain"
        urls["FRIEND_STREAKS_CHECK_URL"] = f"http://{hosts['notify']}/friend-streaks/check"
    if "jobs" in hosts:
        urls["SESSION_JOBS_URL"] = f"http://{hosts['jobs']}/"
    return urls
