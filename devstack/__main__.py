"""`make dev`: start the whole local stack, write .dev/stack.json, run until Ctrl-C or SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
import urllib.request
from pathlib import Path
from types import FrameType

from devstack.stack import ROOT, Stack, StackError

DEV_DIR = ROOT / ".dev"
STACK_FILE = DEV_DIR / "stack.json"
PROJECT_ID = os.environ.get("DEV_PROJECT_ID", "demo-focus-streaks")


def running_stack() -> dict[str, object] | None:
    """The stack described by .dev/stack.json, if all of its processes are still alive."""
    try:
        info = json.loads(STACK_FILE.read_text())
    except (OSError, ValueError):
        return None
    pids = info.get("pids") or []
    for pid in pids:
        try:
            os.kill(int(pid), 0)
        except (ProcessLookupError, ValueError):
            return None
        except PermissionError:
            continue
    return info if pids else None


def require_running_stack() -> dict[str, object]:
    """The running stack's description, or exit with a message saying how to start it."""
    info = running_stack()
    if not info:
        print(
            f"No local stack is running ({STACK_FILE} missing or stale): start it with `make dev`.",
            file=sys.stderr,
        )
        raise SystemExit(1)
    return info


class PushFeed:
    """Echoes each push the FCM capture server receives (or each delivery the webhook receiver does), so
    `make dev` shows them arriving."""

    def __init__(self, log: Path, prefix: str = "push captured") -> None:
        self._log, self._offset, self._prefix = log, 0, prefix

    def show_new(self) -> None:
        try:
            with self._log.open("rb") as handle:
                handle.seek(self._offset)
                chunk = handle.read()
        except OSError:
            return
        self._offset += len(chunk)
        for line in chunk.decode(errors="replace").splitlines():
            if line.startswith(self._prefix):
                print(line, flush=True)


class LocalScheduler:
    """Cloud Scheduler's part locally: the notification sweep every minute, reminders every hour."""

    def __init__(self, info: dict[str, object]) -> None:
        functions = info.get("functions") or {}
        self._base = functions.get("notify") if isinstance(functions, dict) else None
        self._next_sweep = time.time() + 60
        self._next_reminders = (time.time() // 3600 + 1) * 3600

    def run_due(self, now: float) -> None:
        if not self._base:
            return
        if now >= self._next_sweep:
            self._next_sweep = now + 60
            self._post("sweep")
        if now >= self._next_reminders:
            self._next_reminders += 3600
            self._post("reminders")

    def _post(self, route: str) -> None:
        request = urllib.request.Request(
            f"{self._base}{route}", data=b"{}", headers={"Content-Type": "application/json"}, method="POST"
        )
        try:
            urllib.request.urlopen(request, timeout=120).close()
        except OSError as error:
            print(f"scheduled {route} failed: {error}", file=sys.stderr, flush=True)


def main() -> int:
    existing = running_stack()
    if existing:
        print(f"The local stack is already up (api_url {existing['api_url']}); see {STACK_FILE}.")
        return 0
    components = (*Stack.components, "web")  # the dashboard beside the API (tests start it when they need it)
    stack = Stack(DEV_DIR / "logs", project_id=PROJECT_ID, components=components)

    def stop(signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt(signal.Signals(signum).name)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        print("Starting Firestore, Pub/Sub, Auth and Cloud Tasks emulators and the functions ...", flush=True)
        stack.start()
        info = stack.info()
        STACK_FILE.write_text(json.dumps(info, indent=2) + "\n")
        print(json.dumps(info, indent=2))
        print(
            f"\nThe stack is up; details in {STACK_FILE.relative_to(ROOT)}, logs in .dev/logs/.\n"
            f"The dashboard: {info['web_url']} (sign in as the demo user after `make demo`).\n"
            f"Webhooks: register {info['hook_url']}/in (POST /v1/admin/webhooks); deliveries show here.\n"
            "Get a token for a demo user with `make token`, then for example:\n"
            f'  curl -H "Authorization: Bearer $(make -s token)" {info["api_url"]}/v1/me/streak\n'
            "Press Ctrl-C to stop everything.",
            flush=True,
        )
        scheduler = LocalScheduler(info)
        feeds = [
            PushFeed(stack.workdir / "fcm.log"),
            PushFeed(stack.workdir / "hooks.log", "webhook captured"),
        ]
        while True:
            for service in stack.services:
                if service.process.poll() is not None:
                    print(
                        f"{service.name} stopped unexpectedly; see {service.log}. Stopping.", file=sys.stderr
                    )
                    return 1
            for feed in feeds:
                feed.show_new()
            scheduler.run_due(time.time())
            time.sleep(1)
    except StackError as error:
        print(f"Cannot start the local stack: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nStopping ...", flush=True)
        return 0
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stack.stop()
        STACK_FILE.unlink(missing_ok=True)
        print("Everything the stack started has stopped.", flush=True)


if __name__ == "__main__":
    sys.exit(main())
