"""Log-based metrics over the functions' JSON lines, and the alert policies that watch them.

Filters are written against entries as Cloud Logging stores them: our JSON line is `jsonPayload`, except the
special fields Logging lifts out of it (`severity`, `httpRequest`, `time`, `logging.googleapis.com/trace`,
...), so a request's status is `httpRequest.status`, not `jsonPayload.httpRequest.status`.
`tests/unit/test_log_filters.py` checks each filter against our own lines stored that way."""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass

FUNCTION_LOGS = 'resource.type="cloud_run_revision"'
REQUESTS = f"{FUNCTION_LOGS} AND httpRequest.status>0"


@dataclass(frozen=True)
class Metric:
    """A log-based metric: a counter, or with `value` a distribution of that field (in ms)."""

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


METRICS = (
    Metric("requests", "Requests answered by the functions", REQUESTS),
    Metric("server_errors", "Requests answered 5xx", f"{FUNCTION_LOGS} AND httpRequest.status>=500"),
    Metric(
        "task_retries",
        "Cloud Tasks redeliveries, job attempts and store calls after the first",
        f"{FUNCTION_LOGS} AND (jsonPayload.task_retry_count>0 OR jsonPayload.retry=true)",
    ),
    Metric(
        "retry_successes",
        "Work that succeeded on a retry",
        f"{FUNCTION_LOGS} AND jsonPayload.retry_success=true",
    ),
    Metric(
        "dead_letters",
        "Work that exhausted its attempts (maintenance, jobs: jsonPayload.dead_letter_kind says which)",
        f"{FUNCTION_LOGS} AND jsonPayload.dead_letter=true",
    ),
    Metric(
        "maintenance_failures",
        "Maintenance ticks that failed, and batches that left users neither maintained nor queued",
        f"{FUNCTION_LOGS} AND jsonPayload.maintenance_failed=true",
    ),
    Metric(
        "notification_deliveries",
        "Notification channels settled as sent or failed",
        f'{FUNCTION_LOGS} AND (jsonPayload.delivery="sent" OR jsonPayload.delivery="failed")',
    ),
    Metric(
        "notification_failures",
        "Notification channels that failed for good",
        f'{FUNCTION_LOGS} AND jsonPayload.delivery="failed"',
    ),
    Metric(
        "webhook_endpoints_disabled",
        "Webhook endpoints disabled after failing every attempt for 3 days",
        f"{FUNCTION_LOGS} AND jsonPayload.webhook_disabled=true",
    ),
    Metric(
        "webhook_failures",
        "Webhook deliveries that failed for good (3 days of attempts)",
        f'{FUNCTION_LOGS} AND jsonPayload.webhook_delivery="failed"',
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
    Metric("slow_requests", "Requests slower than 100 ms", f"{REQUESTS} AND jsonPayload.latency_ms>100"),
    Metric(
        "batch_duration",
        "Maintenance batch durations",
        f'{FUNCTION_LOGS} AND jsonPayload.operation="maintenance-batch"'
        ' AND jsonPayload.message="maintenance batch done"',
        "jsonPayload.latency_ms",
    ),
    Metric("request_latency", "Request latency", REQUESTS, "jsonPayload.latency_ms"),
)


@dataclass(frozen=True)
class Alert:
    """An alert policy over 5 minutes: the metric's sum above `threshold`; with `denominator`, the ratio of
    the two sums; with `percentile`, that percentile of a distribution metric."""

    display_name: str
    metric: str
    threshold: float
    denominator: str | None = None
    percentile: int | None = None

    def policy(self) -> str:
        # A distribution's percentile over all instances: its deltas merged, then the percentile taken.
        aligner, reducer = (
            ("ALIGN_DELTA", f"REDUCE_PERCENTILE_{self.percentile}")
            if self.percentile
            else (
                "ALIGN_SUM",
                "REDUCE_SUM",
            )
        )
        condition: dict[str, object] = {
            "filter": _metric(self.metric),
            "aggregations": [
                {"alignmentPeriod": "300s", "perSeriesAligner": aligner, "crossSeriesReducer": reducer}
            ],
            "comparison": "COMPARISON_GT",
            "thresholdValue": self.threshold,
            "duration": "0s",
        }
        if self.denominator is not None:
            condition["denominatorFilter"] = _metric(self.denominator)
            condition["denominatorAggregations"] = condition["aggregations"]
        what = f"{self.metric}/{self.denominator}" if self.denominator else self.metric
        return json.dumps(
            {
                "displayName": self.display_name,
                "combiner": "OR",
                "conditions": [
                    {
                        "displayName": f"{what} above {self.threshold} in 5 min",
                        "conditionThreshold": condition,
                    }
                ],
            }
        )


def _metric(name: str) -> str:
    return f'metric.type="logging.googleapis.com/user/{name}" AND resource.type="cloud_run_revision"'


# Any dead letter or failed maintenance pages someone; ratios and latency when they persist a while.
ALERTS = (
    Alert("Server errors (over 2% of requests)", "server_errors", 0.02, denominator="requests"),
    Alert("Dead letters", "dead_letters", 0),
    Alert("Failed maintenance", "maintenance_failures", 0),
    Alert(
        "Notification failures (over 10%)",
        "notification_failures",
        0.10,
        denominator="notification_deliveries",
    ),
    Alert("Slow requests (p95 over 2 s)", "request_latency", 2000, percentile=95),
    Alert("Slow Firestore queries (over 100 ms)", "slow_queries", 20),
    Alert("Task retries", "task_retries", 50),
    Alert("Webhook endpoint disabled", "webhook_endpoints_disabled", 0),
    Alert("Webhook deliveries failed", "webhook_failures", 0),
)
