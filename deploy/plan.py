"""Deploy all the code needs with gcloud, idempotently: `python -m deploy.plan --project P [--dry-run]`.

Topics, queues and scheduler jobs are described first and created only when missing (queues and jobs are
updated to the settings below when they exist); functions are deployed (a redeploy updates them); indexes
and rules go through firebase-tools (`firebase.json`). `--dry-run` prints the commands and runs nothing.
"""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field

from streak_core.adapters.pubsub_publisher import BATCH_TOPIC, TICK_TOPIC
from streak_core.bootstrap import Settings

RUNTIME = "python311"
DEFAULTS = Settings.model_fields


@dataclass(frozen=True)
class Queue:
    name: str
    max_attempts: int
    min_backoff: str
    max_backoff: str
    max_doublings: int = 4

    def flags(self) -> list[str]:
        return [
            f"--max-attempts={self.max_attempts}",
            f"--min-backoff={self.min_backoff}",
            f"--max-backoff={self.max_backoff}",
            f"--max-doublings={self.max_doublings}",
        ]


@dataclass(frozen=True)
class Function:
    """One target of main.py and how it is triggered."""

    target: str
    trigger: list[str]
    extra: list[str] = field(default_factory=list)


QUEUES = (
    Queue(str(DEFAULTS["maintenance_retry_queue"].default), 5, "10s", "300s"),
    Queue(str(DEFAULTS["notifications_queue"].default), 6, "30s", "600s"),
)
TOPICS = (TICK_TOPIC, BATCH_TOPIC)
FUNCTIONS = (
    Function(
        "api",
        ["--trigger-http", "--allow-unauthenticated"],
        ["--set-secrets=CURSOR_SECRET=cursor-secret:latest"],
    ),
    Function("on_maintenance_tick", [f"--trigger-topic={TICK_TOPIC}"]),
    Function("on_maintenance_batch", [f"--trigger-topic={BATCH_TOPIC}", "--retry"], ["--memory=256Mi"]),
    Function("maintenance_retry", ["--trigger-http", "--no-allow-unauthenticated"]),
    Function("notifications", ["--trigger-http", "--no-allow-unauthenticated"]),
)


def ensure(describe: str, create: str, update: str | None = None) -> str:
    """One idempotent step: create what is missing, else bring it to these settings (or leave it)."""
    present = update if update is not None else ":"
    return f"if {describe} >/dev/null 2>&1; then {present}; else {create}; fi"


def commands(project: str, region: str, service_account: str) -> list[str]:
    """Every command, in order, as shell lines (each idempotent on its own)."""
    gcloud = f"gcloud --project={shlex.quote(project)}"
    where, zone = f"--location={shlex.quote(region)}", f"--region={shlex.quote(region)}"
    apis = "cloudfunctions run cloudbuild pubsub cloudtasks cloudscheduler firestore secretmanager"
    lines = [f"{gcloud} services enable " + " ".join(f"{api}.googleapis.com" for api in apis.split())]
    lines.append(
        ensure(
            f"{gcloud} secrets describe cursor-secret",
            f"openssl rand -base64 32 | {gcloud} secrets create cursor-secret --data-file=-",
        )
    )
    for topic in TOPICS:
        lines.append(
            ensure(f"{gcloud} pubsub topics describe {topic}", f"{gcloud} pubsub topics create {topic}")
        )
    for queue in QUEUES:
        flags = " ".join(queue.flags())
        lines.append(
            ensure(
                f"{gcloud} tasks queues describe {queue.name} {where}",
                f"{gcloud} tasks queues create {queue.name} {where} {flags}",
                f"{gcloud} tasks queues update {queue.name} {where} {flags}",
            )
        )
    for function in FUNCTIONS:
        flags = " ".join([*function.trigger, *function.extra])
        lines.append(
            f"{gcloud} functions deploy {function.target} --gen2 --runtime={RUNTIME} {zone}"
            f" --entry-point={function.target} --source=. {flags}"
        )

    def uri(target: str) -> str:
        value = "--format='value(serviceConfig.uri)'"
        return f"$({gcloud} functions describe {target} --gen2 {zone} {value})"

    # What the functions must know of each other, set on their Cloud Run services (no redeploy).
    dispatch = f"NOTIFICATIONS_DISPATCH_URL={uri('notifications')}/dispatch"
    wiring = {
        "api": [dispatch],
        "on_maintenance_batch": [dispatch, f"MAINTENANCE_RETRY_URL={uri('maintenance_retry')}"],
        "maintenance_retry": [dispatch],
    }
    for target, values in wiring.items():
        service = target.replace("_", "-")
        lines.append(f"{gcloud} run services update {service} {zone} --update-env-vars={','.join(values)}")
    invoker = f"--oidc-service-account-email={shlex.quote(service_account)}"
    post = "--http-method=POST --message-body='{}'"
    jobs = {
        TICK_TOPIC: ("pubsub", "5 * * * *", f"--topic={TICK_TOPIC} --message-body='{{}}'"),
        "notifications-sweep": (
            "http",
            "*/5 * * * *",
            f"--uri={uri('notifications')}/sweep {post} {invoker}",
        ),
        "notifications-reminders": (
            "http",
            "0 * * * *",
            f"--uri={uri('notifications')}/reminders {post} {invoker}",
        ),
    }
    for job, (kind, schedule, rest) in jobs.items():
        spec = f"{kind} {job} {where} --schedule='{schedule}' {rest}"
        lines.append(
            ensure(
                f"{gcloud} scheduler jobs describe {job} {where}",
                f"{gcloud} scheduler jobs create {spec}",
                f"{gcloud} scheduler jobs update {spec}",
            )
        )
    project_flag = f"--project={shlex.quote(project)}"
    lines.append(f"npx firebase-tools deploy --only firestore:indexes,firestore:rules {project_flag}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--project", required=True)
    parser.add_argument("--region", default=str(DEFAULTS["tasks_location"].default))
    parser.add_argument("--service-account", default="", help="invoker of the scheduler's HTTP jobs")
    parser.add_argument("--dry-run", action="store_true", help="print the commands, run nothing")
    args = parser.parse_args(argv)
    account = args.service_account or f"scheduler@{args.project}.iam.gserviceaccount.com"
    for line in commands(args.project, args.region, account):
        print(line, flush=True)
        if not args.dry_run:
            done = subprocess.run(["bash", "-o", "pipefail", "-c", line], check=False)
            if done.returncode != 0:
                print(
                    f"failed ({done.returncode}): stopping; fix and run again (every step is idempotent)",
                    file=sys.stderr,
                )
                return done.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
