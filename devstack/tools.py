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


_HANDED_OUT: set[int] = set()


def free_port() -> int:
    """A port nothing listens on now, never one this process handed out before.

    A component binds its port only once it has started, seconds later for a JVM or a Python emulator, and
    until then the kernel may offer the same free port again: the next component would take it first and
    answer in the other's place (a CI run had the SMTP server's greeting reach the Cloud Tasks client)."""
    while True:
        with socket.socket() as s:
            s.bind((HOST, 0))
            port = int(s.getsockname()[1])
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port


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


HTTP2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
EMPTY_SETTINGS = b"\x00\x00\x00\x04\x00\x00\x00\x00\x00"  # length 0, type SETTINGS, no flags, stream 0
SETTINGS_FRAME_TYPE = 4


def grpc_ok(host_port: str) -> bool:
    """Whether an HTTP/2 server (a gRPC emulator) answers there: its first frame is SETTINGS (RFC 9113
    3.4), which no other kind of server sends, so a port taken by something else does not pass."""
    first = _first_bytes(host_port, HTTP2_PREFACE + EMPTY_SETTINGS, 9)
    return len(first) == 9 and first[3] == SETTINGS_FRAME_TYPE


def smtp_ok(host_port: str) -> bool:
    """Whether an SMTP server greets there (RFC 5321 4.2: "220 " and its name)."""
    return _first_bytes(host_port, b"", 4) == b"220 "


def _first_bytes(host_port: str, send: bytes, count: int) -> bytes:
    host, port = host_port.rsplit(":", 1)
    received = b""
    try:
        with socket.create_connection((host, int(port)), timeout=2) as connection:
            if send:
                connection.sendall(send)
            while len(received) < count:
                chunk = connection.recv(count - len(received))
                if not chunk:
                    break
                received += chunk
    except OSError:
        return b""
    return received


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
