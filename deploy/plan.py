"""Deploy all the code needs with gcloud, idempotently: `python -m deploy.plan --project P [--dry-run]`.

Topics, queues and scheduler jobs are described first and created only when missing (queues and jobs are
updated to the settings below when they exist); functions are deployed (a redeploy updates them); indexes
and rules go through firebase-tools (`firebase.json`). `--dry-run` prints the commands and runs nothing.
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from deploy.package import compile_command
from deploy.steps import (
    EVENTS_TOPIC,
    Accounts,
    accounts_steps,
    bigquery_steps,
    dashboard,
    ensure,
    monitoring,
    scheduler,
    secrets_steps,
)
from functions.accounts import DELETE_ACCOUNT
from streak_core.adapters.pubsub_publisher import BATCH_TOPIC, TICK_TOPIC
from streak_core.settings import Settings

RUNTIME = "python311"
FIREBASE_JSON = Path(__file__).resolve().parents[1] / "firebase.json"
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
    # Its max attempts must equal SESSION_JOBS_MAX_ATTEMPTS: the function's last attempt dead-letters the job.
    Queue(
        str(DEFAULTS["session_jobs_queue"].default),
        int(DEFAULTS["session_jobs_max_attempts"].default),
        "2s",
        "60s",
    ),
    # Drains of webhook lanes: a task retried here only found its lane busy (503) or failed to reach
    # Firestore; the attempts' own backoff (3 days) is the drain scheduling itself, and the sweep kicks a
    # lane whose drain gave up.
    Queue(str(DEFAULTS["webhooks_queue"].default), 20, "1s", "60s"),
)
TOPICS = (TICK_TOPIC, BATCH_TOPIC)
# The functions' time budgets (streak_core/settings.py) stay well under these.
FUNCTIONS = (
    Function(
        "api",
        ["--trigger-http", "--allow-unauthenticated"],
        [
            "--timeout=60s",
            "--set-secrets=CURSOR_SECRET=cursor-secret:latest,UNSUBSCRIBE_SECRET=unsubscribe-secret:latest,"
            "WEBHOOK_SECRET_KEY=webhook-secret-key:latest",
        ],
    ),
    Function("on_maintenance_tick", [f"--trigger-topic={TICK_TOPIC}"], ["--timeout=300s"]),
    Function(
        "on_maintenance_batch",
        [f"--trigger-topic={BATCH_TOPIC}", "--retry"],
        ["--memory=256Mi", "--timeout=300s"],
    ),
    Function("maintenance_retry", ["--trigger-http", "--no-allow-unauthenticated"], ["--timeout=60s"]),
    Function(
        "notifications",
        ["--trigger-http", "--no-allow-unauthenticated"],
        [
            "--timeout=60s",
            "--set-secrets=SMTP_PASSWORD=smtp-password:latest,UNSUBSCRIBE_SECRET=unsubscribe-secret:latest,"
            "WEBHOOK_SECRET_KEY=webhook-secret-key:latest",
        ],
    ),
    Function("session_jobs", ["--trigger-http", "--no-allow-unauthenticated"], ["--timeout=60s"]),
    # A Firebase account deleted where our API did not see it (console, Admin SDK) erases its user: the Auth
    # audit log's DeleteAccount entries, through Eventarc (Data Access audit logs of Identity Toolkit on).
    Function(
        "on_account_deleted",
        [
            "--trigger-event-filters=type=google.cloud.audit.log.v1.written",
            "--trigger-event-filters=serviceName=identitytoolkit.googleapis.com",
            f"--trigger-event-filters=methodName={DELETE_ACCOUNT}",
            "--retry",
        ],
        ["--timeout=300s"],
    ),
)
# Called by Cloud Tasks only, with the tasks account's OIDC token; the event functions by Eventarc's push
# subscriptions, with the events account's.
TASK_TARGETS = ("maintenance_retry", "notifications", "session_jobs")
EVENT_TARGETS = ("on_maintenance_tick", "on_maintenance_batch", "on_account_deleted")
# The functions that create Cloud Tasks tasks, so need to know which account the tasks run as.
TASK_MAKERS = ("api", "on_maintenance_batch", "maintenance_retry", "session_jobs", "notifications")
# Firestore deletes these once their field is past (collection group, field).
TTLS = (
    ("rate_limits", "expires_at"),
    ("events", "expire_at"),
    ("deliveries", "expire_at"),
    ("league_seats", "expire_at"),  # a joined cohort's claimed seats: only needed while its week is open
)


@dataclass(frozen=True)
class Mail:
    """Where notifications are mailed from: an SMTP relay (SendGrid, Mailgun, SES ... all speak it)."""

    host: str
    port: int
    username: str
    sender: str
    starttls: bool = True

    def env(self) -> str:
        values = {
            "SMTP_HOST": self.host,
            "SMTP_PORT": str(self.port),
            "SMTP_USERNAME": self.username,
            "SMTP_SENDER": self.sender,
            "SMTP_STARTTLS": "1" if self.starttls else "0",
        }
        return shlex.quote("^|^" + "|".join(f"{k}={v}" for k, v in values.items()))


def hosting_regions() -> set[str]:
    """The regions firebase.json's Hosting rewrites send the API to (Cloud Run services, as gen2 runs)."""
    hosting = json.loads(FIREBASE_JSON.read_text())["hosting"]
    return {rule["run"].get("region", "us-central1") for rule in hosting["rewrites"] if "run" in rule}


def check_region(region: str) -> None:
    """ValueError unless the functions go where the Hosting rewrites look for the api."""
    if hosting_regions() != {region}:
        raise ValueError(
            f"firebase.json's hosting rewrites name the api in {sorted(hosting_regions())}, the functions"
            f" go to {region}: change one so the dashboard reaches the API"
        )


def commands(
    project: str,
    region: str,
    alert_email: str,
    mail: Mail,
    public_base_url: str | None = None,
    google_client_id: str | None = None,
) -> list[str]:
    """Every command, in order, as shell lines (each idempotent on its own)."""
    check_region(region)
    gcloud = f"gcloud --project={shlex.quote(project)}"
    where, zone = f"--location={shlex.quote(region)}", f"--region={shlex.quote(region)}"
    accounts = Accounts(project)
    apis = (
        "cloudfunctions run cloudbuild pubsub cloudtasks cloudscheduler firestore secretmanager iam eventarc"
        " monitoring logging identitytoolkit bigquery"
    )
    lines = [f"{gcloud} services enable " + " ".join(f"{api}.googleapis.com" for api in apis.split())]
    lines += accounts_steps(gcloud, project, accounts)
    lines += secrets_steps(gcloud)
    for topic in TOPICS:
        lines.append(
            ensure(f"{gcloud} pubsub topics describe {topic}", f"{gcloud} pubsub topics create {topic}")
        )
    lines += bigquery_steps(gcloud, project, region)
    for queue in QUEUES:
        flags = " ".join(queue.flags())
        lines.append(
            ensure(
                f"{gcloud} tasks queues describe {queue.name} {where}",
                f"{gcloud} tasks queues create {queue.name} {where} {flags}",
                f"{gcloud} tasks queues update {queue.name} {where} {flags}",
            )
        )
    lines.append(compile_command())  # the bytecode goes up with the source (deploy/package.py)
    for function in FUNCTIONS:
        given = [*function.trigger, *function.extra, f"--service-account={accounts.runtime}"]
        if function.target in EVENT_TARGETS:  # Eventarc's push subscription authenticates as this account
            given.append(f"--trigger-service-account={accounts.events}")
        if function.target == "notifications":
            given.append(f"--update-env-vars={mail.env()}")
        lines.append(
            f"{gcloud} functions deploy {function.target} --gen2 --runtime={RUNTIME} {zone}"
            f" --entry-point={function.target} --source=. {' '.join(given)}"
        )
    invokers = [(t, accounts.tasks) for t in TASK_TARGETS] + [(t, accounts.events) for t in EVENT_TARGETS]
    invokers.append(("notifications", accounts.scheduler))  # the sweep and the reminder ticks
    for target, account in invokers:
        lines.append(
            f"{gcloud} functions add-invoker-policy-binding {target} {zone} --member=serviceAccount:{account}"
        )

    def uri(target: str) -> str:
        value = "--format='value(serviceConfig.uri)'"
        return f"$({gcloud} functions describe {target} --gen2 {zone} {value})"

    # What the functions must know of each other, set on their Cloud Run services (no redeploy).
    dispatch = f"NOTIFICATIONS_DISPATCH_URL={uri('notifications')}/dispatch"
    drain = f"WEBHOOKS_DRAIN_URL={uri('notifications')}/webhooks/drain"
    # Whoever accepts sessions asks for the user's friend streaks to be checked once it commits.
    pairs = f"FRIEND_STREAKS_CHECK_URL={uri('notifications')}/friend-streaks/check"
    wiring = {
        # Visitors reach the api through Firebase Hosting, whose CDN appends the visitor's address to
        # X-Forwarded-For, then Cloud Run's front end appends the CDN's: the client is 1 hop from the right.
        "api": [dispatch, drain, pairs, f"SESSION_JOBS_URL={uri('session_jobs')}/", "TRUSTED_PROXY_HOPS=1"],
        "on_maintenance_batch": [dispatch, f"MAINTENANCE_RETRY_URL={uri('maintenance_retry')}"],
        "maintenance_retry": [dispatch],
        "session_jobs": [dispatch, pairs],
        # The links of emails (unsubscribe) point at the api; the function fans events out and drains lanes.
        "notifications": [
            f"PUBLIC_BASE_URL={public_base_url or uri('api')}",
            drain,
            f"EVENTS_TOPIC={EVENTS_TOPIC}",
        ],
    }
    for target in TASK_MAKERS:
        wiring.setdefault(target, []).append(f"TASKS_SERVICE_ACCOUNT={accounts.tasks}")
    for target, values in wiring.items():
        service = target.replace("_", "-")
        lines.append(f"{gcloud} run services update {service} {zone} --update-env-vars={','.join(values)}")
    lines += scheduler(gcloud, where, accounts, uri("notifications"))
    project_flag = f"--project={shlex.quote(project)}"
    lines.append(f"npx firebase-tools deploy --only firestore:indexes,firestore:rules {project_flag}")
    # Ended rate-limit windows, and webhook events and deliveries a month old, are deleted by Firestore.
    lines += [
        f"{gcloud} firestore fields ttls update {ttl_field} --collection-group={group} --enable-ttl --async"
        for group, ttl_field in TTLS
    ]
    lines += monitoring(gcloud, alert_email)
    lines += dashboard(gcloud, project, google_client_id)
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--project", required=True)
    parser.add_argument("--region", default=str(DEFAULTS["tasks_location"].default))
    parser.add_argument("--alert-email", help="who every alert mails (required unless --dry-run)")
    parser.add_argument(
        "--smtp-host", help="the SMTP relay notifications are mailed through (required unless --dry-run)"
    )
    parser.add_argument("--smtp-port", type=int, default=587)
    parser.add_argument("--smtp-user", default="apikey", help="the relay's user name (SendGrid: apikey)")
    parser.add_argument("--smtp-sender", help="From: of the emails, e.g. 'Focus <streaks@example.com>'")
    parser.add_argument("--public-base-url", help="the api's public URL in emails' links (default: its own)")
    parser.add_argument(
        "--google-client-id",
        help="an OAuth client id: offer Google sign-in on the dashboard (else email only)",
    )
    parser.add_argument("--dry-run", action="store_true", help="print the commands, run nothing")
    args = parser.parse_args(argv)
    missing = [flag for flag in ("alert_email", "smtp_host") if not getattr(args, flag)]
    if missing and not args.dry_run:
        parser.error("a deployment needs " + " and ".join("--" + m.replace("_", "-") for m in missing))
    host = args.smtp_host or "smtp.example.com"  # a dry run shows where each value goes
    sender = args.smtp_sender or f"Focus streaks <streaks@{args.project}.example.com>"
    mail = Mail(host, args.smtp_port, args.smtp_user, sender)
    alert_email = args.alert_email or "alerts@example.com"
    try:
        plan = commands(
            args.project, args.region, alert_email, mail, args.public_base_url, args.google_client_id
        )
    except ValueError as error:
        parser.error(str(error))
    for line in plan:
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
