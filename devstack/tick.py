"""`make tick`: publish a maintenance tick to the running local stack and follow the run until it ends."""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
import time
import urllib.request
import uuid

from devstack.__main__ import require_running_stack


def publish(pubsub_host: str, project_id: str, topic: str, message: dict[str, object]) -> None:
    data = base64.b64encode(json.dumps(message).encode()).decode()
    request = urllib.request.Request(
        f"http://{pubsub_host}/v1/projects/{project_id}/topics/{topic}:publish",
        data=json.dumps({"messages": [{"data": data}]}).encode(),
        headers={"Content-Type": "application/json"},
    )
    urllib.request.urlopen(request, timeout=10).close()


def run_tick(info: dict[str, object], run_id: str, now: str | None, wait: float) -> dict[str, object] | None:
    """Publish a tick to the running stack and follow its run record: the record once it has ended, else
    None after `wait` seconds."""
    message: dict[str, object] = {"run_id": run_id}
    if now:
        message["now"] = now
    publish(str(info["pubsub_host"]), str(info["project_id"]), "maintenance-tick", message)
    print(f"published maintenance-tick {json.dumps(message)}", flush=True)

    os.environ["FIRESTORE_EMULATOR_HOST"] = str(info["firestore_host"])
    from google.cloud import firestore

    run_ref = (
        firestore.Client(project=str(info["project_id"])).collection("maintenance_runs").document(run_id)
    )
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        run = run_ref.get().to_dict()
        if run and run.get("status") != "running":
            return dict(run)
        time.sleep(0.5)
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--now", help="RFC 3339 instant the tick runs at (the stack allows clock overrides)")
    parser.add_argument("--run-id", default=None, help="defaults to a fresh id")
    parser.add_argument("--wait", type=float, default=120.0, help="seconds to follow the run")
    args = parser.parse_args()
    info = require_running_stack()
    run_id = args.run_id or f"manual-{uuid.uuid4().hex[:8]}"
    run = run_tick(info, run_id, args.now, args.wait)
    if run is None:
        print(f"run {run_id} still running after {args.wait:.0f}s", file=sys.stderr)
        return 1
    print(json.dumps(run, default=str, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
