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

from streak_core.adapters.pubsub_publisher import BATCH_TOPIC, TICK_TOPIC
from streak_core.settings import Settings

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
    # Its max attempts must equal SESSION_JOBS_MAX_ATTEMPTS: the function's last attempt dead-letters the job.
    Queue(
        str(DEFAULTS["session_jobs_queue"].default),
        int(DEFAULTS["session_jobs_max_attempts"].default),
        "2s",
        "60s",
    ),
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
    Function("session_jobs", ["--trigger-http", "--no-allow-unauthenticated"]),
)


@dataclass(frozen=True)
class Metric:
    """A log-based metric over the functions' JSON lines (functions/logs.py): a counter, or with `value` a
    distribution of that field."""

    name: str
    description: str
    log_filter: str
    value: str | None = None

    def create(self, gcloud: str) -> str:
        if self.value is None:
            flags = (
                f"--description={shlex.quote(self.description)} --log-filter={shlex.quote(self.log_filter)}"
            )
            return f"{gcloud} logging metrics create {self.name} {flags}"
        config = {
            "description": self.description,
            "filter": self.log_filter,
            "valueExtractor": f"EXTRACT({self.value})",
            "metricDescriptor": {"metricKind": "DELTA", "valueType": "DISTRIBUTION", "unit": "ms"},
            "bucketOptions": {"exponentialBuckets": {"numFiniteBuckets": 20, "growthFactor": 2, "scale": 1}},
        }
        quoted = shlex.quote(json.dumps(config))
        return f"{gcloud} logging metrics create {self.name} --config-from-file=<(printf '%s' {quoted})"


FUNCTION_LOGS = 'resource.type="cloud_run_revision"'
METRICS = (
    Metric(
        "task_retries",
        "Cloud Tasks and job attempts after the first",
        f"{FUNCTION_LOGS} AND (jsonPayload.task_retry_count>0 OR jsonPayload.retry=true)",
    ),
    Metric(
        "retry_successes",
        "Work that succeeded on a retry",
        f"{FUNCTION_LOGS} AND jsonPayload.retry_success=true",
    ),
    Metric(
        "dead_letters",
        "Work that exhausted its attempts",
        f"{FUNCTION_LOGS} AND jsonPayload.dead_letter=true",
    ),
    Metric(
        "calendar_cache_hits",
        "Calendar reads served from memory",
        f"{FUNCTION_LOGS} AND jsonPayload.cache_hit=true",
    ),
    Metric(
        "calendar_cache_misses",
        "Calendar reads that went to Firestore",
        f"{FUNCTION_LOGS} AND jsonPayload.cache_hit=false",
    ),
    Metric(
        "slow_queries",
        "Firestore query pages slower than 100 ms",
        f"{FUNCTION_LOGS} AND jsonPayload.query_ms>100",
    ),
    Metric(
        "slow_requests",
        "Requests slower than 100 ms",
        f"{FUNCTION_LOGS} AND jsonPayload.latency_ms>100 AND jsonPayload.httpRequest.status>0",
    ),
    Metric(
        "batch_duration",
        "Maintenance batch durations",
        f'{FUNCTION_LOGS} AND jsonPayload.operation="maintenance-batch"'
        ' AND jsonPayload.message="maintenance batch done"',
        "jsonPayload.latency_ms",
    ),
    Metric(
        "request_latency",
        "API request latency",
        f"{FUNCTION_LOGS} AND jsonPayload.httpRequest.status>0",
        "jsonPayload.latency_ms",
    ),
)
# (display name, metric, threshold per 5 minutes): any dead letter pages someone; slow queries and retries
# only when they persist.
ALERTS = (
    ("Dead letters", "dead_letters", 0),
    ("Slow Firestore queries (over 100 ms)", "slow_queries", 20),
    ("Slow requests (over 100 ms)", "slow_requests", 100),
    ("Task retries", "task_retries", 50),
)


def alert_policy(display_name: str, metric: str, threshold: int) -> str:
    return json.dumps(
        {
            "displayName": display_name,
            "combiner": "OR",
            "conditions": [
                {
                    "displayName": f"{metric} above {threshold} in 5 min",
                    "conditionThreshold": {
                        "filter": f'metric.type="logging.googleapis.com/user/{metric}"',
                        "aggregations": [{"alignmentPeriod": "300s", "perSeriesAligner": "ALIGN_SUM"}],
                        "comparison": "COMPARISON_GT",
                        "thresholdValue": threshold,
                        "duration": "0s",
                    },
                }
            ],
        }
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
        "api": [dispatch, f"SESSION_JOBS_URL={uri('session_jobs')}/"],
        "on_maintenance_batch": [dispatch, f"MAINTENANCE_RETRY_URL={uri('maintenance_retry')}"],
        "maintenance_retry": [dispatch],
        "session_jobs": [dispatch],
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
    # Ended rate-limit windows are deleted by Firestore once their `expires_at` is past.
    ttl = "firestore fields ttls update expires_at --collection-group=rate_limits --enable-ttl --async"
    lines.append(f"{gcloud} {ttl}")
    for metric in METRICS:
        lines.append(ensure(f"{gcloud} logging metrics describe {metric.name}", metric.create(gcloud)))
    for display_name, metric_name, threshold in ALERTS:
        by_name = shlex.quote('displayName="' + display_name + '"')
        listed = f"--filter={by_name} --format='value(name)'"
        lines.append(
            ensure(
                f'test -n "$({gcloud} alpha monitoring policies list {listed})"',
                f"{gcloud} alpha monitoring policies create"
                f" --policy={shlex.quote(alert_policy(display_name, metric_name, threshold))}",
            )
        )
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
