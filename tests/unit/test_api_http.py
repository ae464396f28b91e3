"""The HTTP entry point with fakes of our ports: error mapping, clock override, rate limits, logs."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import flask
import pytest

from functions import logs
from functions.api.pipeline import handle
from streak_core.dependencies import ApiDependencies
from streak_core.domain.vocabulary import LimitScope, NotificationKind
from streak_core.domain.windows import parse_limits
from streak_core.models.notifications import OutboxEntry
from streak_core.services.rate_limit import SharedRateLimiter
from tests.unit.fakes import (
    InMemoryJobStore,
    InMemoryUserStore,
    RecordingJobQueue,
    SharedWindows,
    api_dependencies,
)

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)
SESSION = {"id": "s1", "start": "2026-11-21T09:00:00Z", "end": "2026-11-21T10:00:00Z", "timezone": "UTC"}
app = flask.Flask(__name__)


def deps(**overrides: Any) -> ApiDependencies:
    return api_dependencies(NOW, **overrides)


def call(
    d: ApiDependencies, method: str, path: str, token: str | None = "token:u1", **kwargs: Any
) -> flask.Response:
    headers = kwargs.pop("headers", {})
    if token:
        headers["Authorization"] = f"Bearer {token}"
    with app.test_request_context(path, method=method, headers=headers, **kwargs):
        return handle(flask.request, d)


def test_transient_store_failure_is_503_with_retry_after_and_nothing_stored() -> None:
    d = deps()
    d.sessions.store.fail_next_transactions = 1  # type: ignore[attr-defined]
    response = call(d, "POST", "/v1/sessions", json=SESSION)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert d.sessions.store.commits == 0  # type: ignore[attr-defined]
    assert call(d, "POST", "/v1/sessions", json=SESSION).status_code == 201


def limited(reads: str = "", writes: str = "", public: str = "") -> SharedRateLimiter:
    policies = {
        LimitScope.READ: parse_limits(reads),
        LimitScope.WRITE: parse_limits(writes),
        LimitScope.PUBLIC: parse_limits(public),
    }
    # A clock that stands still (mid-second): the windows a test's requests fall in never turn over under it.
    return SharedRateLimiter(policies, SharedWindows(), clock=lambda: 1_795_000_000.25, background=False)


def test_rate_limited_user_gets_429_with_retry_after() -> None:
    d = deps(rate_limiter=limited(reads="2/minute"))
    statuses = [call(d, "GET", "/v1/me/streak").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    refused = call(d, "GET", "/v1/me/streak")
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.get_json()["error"]["code"] == "rate_limited"
    assert call(d, "GET", "/v1/me/streak", token="token:u2").status_code == 200


def test_authenticated_responses_carry_the_tightest_window_even_when_refused() -> None:
    d = deps(rate_limiter=limited(writes="3/second;100/minute"))
    ok = call(d, "POST", "/v1/sessions", json=SESSION)
    assert ok.status_code == 201
    assert (ok.headers["RateLimit-Limit"], ok.headers["RateLimit-Remaining"]) == ("3", "2")
    assert 1 <= int(ok.headers["RateLimit-Reset"]) <= 1
    bad = call(d, "POST", "/v1/sessions", json={"id": "x"})
    assert (bad.status_code, bad.headers["RateLimit-Remaining"]) == (422, "1")


def test_reads_and_writes_are_limited_separately() -> None:
    d = deps(rate_limiter=limited(reads="1/minute", writes="1/minute"))
    assert call(d, "POST", "/v1/sessions", json=SESSION).status_code == 201
    assert call(d, "GET", "/v1/me/streak").status_code == 200
    assert call(d, "GET", "/v1/me/streak").status_code == 429


def test_x_now_is_ignored_unless_the_deployment_allows_it() -> None:
    replay = {"X-Now": "2026-03-08T12:00:00Z"}
    ignored = call(deps(), "GET", "/v1/me/streak", headers=dict(replay)).get_json()
    honoured = call(deps(allow_clock_override=True), "GET", "/v1/me/streak", headers=dict(replay)).get_json()
    assert (ignored["today"]["date"], honoured["today"]["date"]) == ("2026-11-21", "2026-03-08")


def test_a_malformed_x_now_is_400_where_overrides_are_allowed() -> None:
    response = call(deps(allow_clock_override=True), "GET", "/v1/me/streak", headers={"X-Now": "tomorrow"})
    assert (response.status_code, response.get_json()["error"]["code"]) == (400, "invalid_clock_override")


@pytest.fixture(autouse=True)
def json_logs() -> None:
    logs.configure("demo-logs")  # as the entry points do on an instance's first request


def test_each_request_logs_one_json_line_without_the_token(capsys: pytest.CaptureFixture[str]) -> None:
    call(
        deps(),
        "POST",
        "/v1/sessions",
        token="token:secret-uid",
        json=SESSION,
        headers={"X-Correlation-ID": "abc"},
    )
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == 1
    entry = lines[0]
    assert (entry["severity"], entry["status"], entry["correlation_id"]) == ("INFO", 201, "abc")
    assert (entry["user_id"], entry["route"]) == ("secret-uid", "/v1/sessions")
    assert (entry["message"], entry["operation"]) == ("POST /v1/sessions 201", "POST /v1/sessions")
    assert datetime.fromisoformat(entry["time"]).tzinfo is not None
    assert entry["latency_ms"] >= 0
    assert "token:" not in json.dumps(entry)


@pytest.mark.parametrize(
    "header",
    [
        {"X-Cloud-Trace-Context": "0af7651916cd43dd8448eb211c80319c/123;o=1"},
        {"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"},
    ],
)
def test_the_trace_header_becomes_cloud_loggings_trace_field(
    header: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    call(deps(), "GET", "/v1/me/streak", headers=header)
    entry = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert entry[logs.TRACE_FIELD] == "projects/demo-logs/traces/0af7651916cd43dd8448eb211c80319c"


def test_lines_services_log_during_a_request_carry_its_context(capsys: pytest.CaptureFixture[str]) -> None:
    d = deps(rate_limiter=limited(writes="1/minute"))
    d.request.rate_limiter.counters.fail_next = 1  # type: ignore[union-attr]  # the fake's switch
    call(d, "POST", "/v1/sessions", json=SESSION, headers={"X-Correlation-ID": "corr-1"})
    entries = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    warning = next(e for e in entries if e["message"].startswith("rate limit counters unavailable"))
    assert (warning["severity"], warning["correlation_id"]) == ("WARNING", "corr-1")
    assert warning["operation"] == "POST /v1/sessions"


def test_an_unexpected_error_is_a_500_without_internals(capsys: pytest.CaptureFixture[str]) -> None:
    class Exploding(InMemoryUserStore):
        def snapshot(self, *args: Any) -> Any:
            raise RuntimeError("secret internals")

    response = call(deps(store=Exploding()), "GET", "/v1/me/streak")
    assert response.status_code == 500
    assert "secret internals" not in response.get_data(as_text=True)
    assert "secret internals" in capsys.readouterr().out  # logged for operators


def test_wrong_method_on_a_known_path_is_405() -> None:
    assert call(deps(), "DELETE", "/v1/me/streak").status_code == 405


def test_batch_over_100_items_is_422_and_stores_nothing() -> None:
    d = deps()
    items = [{**SESSION, "id": f"s{n}"} for n in range(101)]
    response = call(d, "POST", "/v1/sessions:batch", json={"sessions": items})
    assert response.status_code == 422
    assert d.sessions.store.commits == 0  # type: ignore[attr-defined]


def test_public_routes_are_limited_per_visitor_as_the_front_end_reports_it() -> None:
    """Entries left of the trusted hops are the client's to write: forging them never buys a fresh bucket."""
    cdn = "151.101.1.195"
    d = deps(rate_limiter=limited(public="2/minute"))
    d.request.trusted_proxy_hops = 1

    def visit(forwarded: str | None) -> int:
        headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
        return call(d, "GET", "/v1/openapi.json", token=None, headers=headers).status_code

    assert [visit(f"9.9.9.{n}, 203.0.113.5, {cdn}") for n in range(3)] == [200, 200, 429]
    assert [visit(f"203.0.113.{n}, {cdn}") for n in range(6, 9)] == [200, 200, 200]
    assert [visit(None) for _ in range(3)] == [200, 200, 429]  # no header: the socket's peer
    d.request.trusted_proxy_hops = 0  # the local stack: the rightmost entry is the client
    assert [visit(f"9.9.9.9, 198.51.100.{n}") for n in range(3)] == [200, 200, 200]


def test_openapi_needs_no_token() -> None:
    response = call(deps(), "GET", "/v1/openapi.json", token=None)
    assert response.status_code == 200
    assert response.get_json()["openapi"].startswith("3.")


def test_maintenance_runs_are_for_admins_only() -> None:
    from tests.unit.fakes import InMemoryRunStore

    runs = InMemoryRunStore()
    runs.start("r1", NOW)
    runs.fanned_out("r1", 0, 0, NOW)
    d = deps(runs=runs)
    assert call(d, "GET", "/v1/admin/maintenance-runs/r1", token="token:u1").status_code == 403
    found = call(d, "GET", "/v1/admin/maintenance-runs/r1", token="admin:ops")
    assert found.status_code == 200
    assert found.get_json() | {} == {
        "run_id": "r1",
        "status": "done",
        "users_due": 0,
        "users_processed": 0,
        "users_failed": 0,
        "batches": 0,
        "started_at": NOW.isoformat(),
        "finished_at": NOW.isoformat(),
    }
    assert call(d, "GET", "/v1/admin/maintenance-runs/nope", token="admin:ops").status_code == 404


def test_notifications_are_listed_newest_first_by_cursor_pages() -> None:
    store = InMemoryUserStore()
    kinds = [NotificationKind.STREAK_BROKEN, NotificationKind.MILESTONE, NotificationKind.WEEKLY_BONUS]
    for n, kind in enumerate(kinds):
        entry = OutboxEntry("u1", kind, f"k{n}", {"n": n}, NOW + timedelta(minutes=n))
        store.outbox[entry.id] = entry
    store.outbox["u2:milestone:x"] = OutboxEntry("u2", NotificationKind.MILESTONE, "x", {}, NOW)
    d = deps(store=store)
    first = call(d, "GET", "/v1/me/notifications?limit=2").get_json()
    assert [n["kind"] for n in first["notifications"]] == ["weekly_bonus", "milestone"]
    assert first["notifications"][0]["channels"] == {"push": "pending", "email": "pending"}
    second = call(d, "GET", f"/v1/me/notifications?limit=2&cursor={first['next_cursor']}").get_json()
    assert [n["kind"] for n in second["notifications"]] == ["streak_broken"]
    assert second["next_cursor"] is None


def test_bad_notification_paging_is_422() -> None:
    for query in ("limit=0", "limit=101", "limit=ten", "cursor=%%%"):
        response = call(deps(), "GET", f"/v1/me/notifications?{query}")
        assert response.status_code == 422, query


def test_devices_register_once_refresh_and_delete_idempotently() -> None:
    d = deps()
    body = {"token": "fcm:APA91b-abc_123", "platform": "android"}
    assert call(d, "POST", "/v1/me/devices", json=body).status_code == 201
    again = call(d, "POST", "/v1/me/devices", json={**body, "platform": "ios"})
    assert (again.status_code, again.get_json()["platform"]) == (200, "ios")
    assert d.sessions.store.devices["u1"] == {"fcm:APA91b-abc_123": "ios"}  # type: ignore[attr-defined]
    gone = call(d, "DELETE", "/v1/me/devices/fcm:APA91b-abc_123")
    assert (gone.status_code, gone.get_data()) == (204, b"")
    assert call(d, "DELETE", "/v1/me/devices/fcm:APA91b-abc_123").status_code == 204
    assert d.sessions.store.devices["u1"] == {}  # type: ignore[attr-defined]


def test_bad_device_registrations_are_422() -> None:
    for body in (
        {"token": "", "platform": "ios"},
        {"token": "a b", "platform": "ios"},
        {"token": "t", "platform": "pc"},
    ):
        assert call(deps(), "POST", "/v1/me/devices", json=body).status_code == 422, body


def test_locale_quiet_hours_and_reminder_hour_are_settings() -> None:
    d = deps()
    defaults = call(d, "GET", "/v1/me/settings").get_json()
    assert (defaults["locale"], defaults["notifications"]["quiet_hours"]) == ("en", None)
    assert defaults["notifications"]["reminder_hour"] == 20
    patch = {
        "locale": "fr",
        "notifications": {"quiet_hours": {"start": "22:00", "end": "07:00"}, "reminder_hour": 19},
    }
    updated = call(d, "PATCH", "/v1/me/settings", json=patch).get_json()
    assert updated["locale"] == "fr"
    assert updated["notifications"]["quiet_hours"] == {"start": "22:00", "end": "07:00"}
    assert updated["notifications"]["reminder_hour"] == 19
    cleared = call(d, "PATCH", "/v1/me/settings", json={"notifications": {"quiet_hours": None}}).get_json()
    assert cleared["notifications"]["quiet_hours"] is None


def test_invalid_notification_settings_are_each_reported_and_nothing_changes() -> None:
    d = deps()
    before = call(d, "GET", "/v1/me/settings").get_json()
    bad = {
        "locale": "xx",
        "notifications": {"quiet_hours": {"start": "25:00", "end": "07:00"}, "reminder_hour": 24},
    }
    response = call(d, "PATCH", "/v1/me/settings", json=bad)
    assert response.status_code == 422
    fields = {i["field"] for i in response.get_json()["error"]["details"]}
    assert fields == {"locale", "notifications.quiet_hours.start", "notifications.reminder_hour"}
    assert call(d, "GET", "/v1/me/settings").get_json() == before


def test_a_day_that_does_not_exist_is_422_on_the_date_field() -> None:
    for bad in ("2026-02-30", "21-11-2026", "yesterday"):
        response = call(deps(), "GET", f"/v1/me/days/{bad}")
        assert response.status_code == 422, bad
        assert [d["field"] for d in response.get_json()["error"]["details"]] == ["date"]


def nested(depth: int) -> bytes:
    """A settings patch whose display name is `depth` levels deep in all (the object itself is one)."""
    return b'{"display_name": ' + b"[" * (depth - 1) + b"]" * (depth - 1) + b"}"


def test_a_body_32_levels_deep_is_parsed_and_33_is_400() -> None:
    headers = {"Content-Type": "application/json"}
    at_limit = call(deps(), "PATCH", "/v1/me/settings", data=nested(32), headers=headers)
    assert at_limit.status_code == 422  # parsed, then refused field by field
    too_deep = call(deps(), "PATCH", "/v1/me/settings", data=nested(33), headers=headers)
    assert (too_deep.status_code, too_deep.get_json()["error"]["code"]) == (400, "invalid_json")


def test_json_constants_that_are_not_json_are_400() -> None:
    for constant in (b"NaN", b"Infinity", b"-Infinity"):
        body = b'{"display_name": ' + constant + b"}"
        response = call(
            deps(), "PATCH", "/v1/me/settings", data=body, headers={"Content-Type": "application/json"}
        )
        assert (response.status_code, response.get_json()["error"]["code"]) == (400, "invalid_json")


def pause(d: ApiDependencies, first: str, last: str, now: str = "2026-11-21T12:00:00Z") -> Any:
    headers = {"X-Now": now}
    return call(d, "POST", "/v1/me/pauses", json={"from": first, "to": last}, headers=headers)


def test_a_retried_pause_with_its_idempotency_key_gets_the_same_pause() -> None:
    d = deps(allow_clock_override=True)
    keyed = {"X-Now": "2026-11-21T12:00:00Z", "Idempotency-Key": "pause-retry-1"}
    body = {"from": "2026-12-01", "to": "2026-12-07"}
    first = call(d, "POST", "/v1/me/pauses", json=body, headers=keyed)
    again = call(d, "POST", "/v1/me/pauses", json=body, headers=keyed)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json() == again.get_json()
    other = call(d, "POST", "/v1/me/pauses", json={**body, "to": "2026-12-08"}, headers=keyed)
    assert (other.status_code, other.get_json()["error"]["code"]) == (409, "idempotency_key_reused")
    assert len(call(d, "GET", "/v1/me/pauses").get_json()["pauses"]) == 1
    bad = call(d, "POST", "/v1/me/pauses", json=body, headers={**keyed, "Idempotency-Key": "a b"})
    assert bad.status_code == 422
    assert bad.get_json()["error"]["details"][0]["field"] == "Idempotency-Key"


def test_a_pause_is_created_listed_and_bridges_the_streak() -> None:
    d = deps(allow_clock_override=True)
    for n in (18, 19, 20):
        body = {**SESSION, "id": f"s{n}", "start": f"2026-11-{n}T09:00:00Z", "end": f"2026-11-{n}T09:40:00Z"}
        assert call(d, "POST", "/v1/sessions", json=body).status_code == 201
    created = pause(d, "2026-11-21", "2026-11-27")
    assert created.status_code == 201
    assert set(created.get_json()["pause"]) == {"id", "from", "to", "created_at"}
    listed = call(d, "GET", "/v1/me/pauses").get_json()["pauses"]
    assert [(p["from"], p["to"]) for p in listed] == [("2026-11-21", "2026-11-27")]
    later = call(d, "GET", "/v1/me/streak", headers={"X-Now": "2026-11-28T12:00:00Z"}).get_json()
    assert (later["current_streak"], later["freezes_available"]) == (3, 0)
    assert call(d, "GET", "/v1/me/streak", headers={"X-Now": "2026-11-22T12:00:00Z"}).get_json()[
        "paused_today"
    ]


@pytest.mark.parametrize(
    ("first", "last", "field", "code"),
    [
        ("2026-11-20", "2026-11-22", "from", "in_past"),
        ("2026-11-25", "2026-11-24", "to", "before_from"),
        ("2026-12-01", "2026-12-15", "to", "too_long"),
        ("2026-12-20", "2026-12-24", "from", "overlap"),
        ("2026-12-25", "2027-01-01", "from", "overlap"),
    ],
)
def test_each_pause_limit_is_422(first: str, last: str, field: str, code: str) -> None:
    d = deps(allow_clock_override=True)
    assert pause(d, "2026-12-22", "2026-12-28").status_code == 201
    response = pause(d, first, last)
    assert response.status_code == 422
    assert (field, code) in [(i["field"], i["code"]) for i in response.get_json()["error"]["details"]]


def test_at_most_30_paused_days_in_a_calendar_year() -> None:
    d = deps(allow_clock_override=True)
    for first, last in (("2027-01-01", "2027-01-14"), ("2027-02-01", "2027-02-14")):
        assert pause(d, first, last).status_code == 201
    assert pause(d, "2027-03-01", "2027-03-02").status_code == 201  # 30 days in 2027
    refused = pause(d, "2027-04-01", "2027-04-01")
    assert [i["code"] for i in refused.get_json()["error"]["details"]] == ["yearly_limit"]
    assert pause(d, "2026-12-30", "2026-12-31").status_code == 201  # 2026 is another year


def test_withdrawing_keeps_the_days_already_past_and_unknown_ids_are_404() -> None:
    d = deps(allow_clock_override=True)
    pause_id = pause(d, "2026-11-22", "2026-11-28").get_json()["pause"]["id"]
    gone = call(d, "DELETE", f"/v1/me/pauses/{pause_id}", headers={"X-Now": "2026-11-25T12:00:00Z"})
    assert gone.status_code == 204
    [kept] = call(d, "GET", "/v1/me/pauses").get_json()["pauses"]
    assert (kept["from"], kept["to"]) == ("2026-11-22", "2026-11-24")
    for unknown in ("nope", "__x__"):
        assert call(d, "DELETE", f"/v1/me/pauses/{unknown}").status_code == 404


def test_public_pages_are_limited_per_client_address() -> None:
    d = deps(rate_limiter=limited(public="1/minute"))
    first = call(d, "GET", "/s/" + "a" * 32, token=None, environ_base={"REMOTE_ADDR": "192.0.2.1"})
    again = call(d, "GET", "/s/" + "a" * 32, token=None, environ_base={"REMOTE_ADDR": "192.0.2.1"})
    other = call(d, "GET", "/s/" + "a" * 32, token=None, environ_base={"REMOTE_ADDR": "192.0.2.2"})
    assert (first.status_code, again.status_code, other.status_code) == (404, 429, 404)


def async_deps() -> ApiDependencies:
    return deps(jobs=InMemoryJobStore(), job_queue=RecordingJobQueue())


ASYNC = {"Prefer": "respond-async, wait=10", "Idempotency-Key": "batch-1"}


def test_an_asynchronous_batch_is_a_202_job_to_poll() -> None:
    d = async_deps()
    response = call(d, "POST", "/v1/sessions:batch", json={"sessions": [SESSION]}, headers=dict(ASYNC))
    assert response.status_code == 202
    job = response.get_json()["job"]
    assert (job["status"], job["attempts"], "result" in job) == ("queued", 0, False)
    assert response.headers["Location"] == f"/v1/jobs/{job['id']}"
    assert response.headers["Retry-After"] == "1"
    assert d.sessions.job_queue.enqueued == [job["id"]]  # type: ignore[union-attr]
    assert d.sessions.store.commits == 0  # type: ignore[attr-defined]  # nothing accepted until the job runs
    polled = call(d, "GET", f"/v1/jobs/{job['id']}")
    assert (polled.status_code, polled.get_json()["job"]["id"]) == (200, job["id"])


def test_the_same_idempotency_key_again_is_200_and_the_same_job() -> None:
    d = async_deps()
    first = call(d, "POST", "/v1/sessions:batch", json={"sessions": [SESSION]}, headers=dict(ASYNC))
    again = call(d, "POST", "/v1/sessions:batch", json={"sessions": [SESSION]}, headers=dict(ASYNC))
    assert again.status_code == 200
    assert again.get_json()["job"]["id"] == first.get_json()["job"]["id"]
    other = call(d, "POST", "/v1/sessions:batch", json={"sessions": []}, headers=dict(ASYNC))
    assert (other.status_code, other.get_json()["error"]["code"]) == (409, "idempotency_key_reused")


def test_another_users_job_is_404() -> None:
    d = async_deps()
    job = call(d, "POST", "/v1/sessions:batch", json={"sessions": [SESSION]}, headers=dict(ASYNC))
    job_id = job.get_json()["job"]["id"]
    response = call(d, "GET", f"/v1/jobs/{job_id}", token="token:u2")
    assert (response.status_code, response.get_json()["error"]["code"]) == (404, "job_not_found")


def test_an_asynchronous_batch_with_a_malformed_body_is_422_at_once() -> None:
    d = async_deps()
    response = call(d, "POST", "/v1/sessions:batch", json={"sessions": "no"}, headers=dict(ASYNC))
    assert response.status_code == 422
    assert d.sessions.job_queue.enqueued == []  # type: ignore[union-attr]


def test_without_the_queue_deployed_respond_async_is_answered_at_once() -> None:
    response = call(deps(), "POST", "/v1/sessions:batch", json={"sessions": [SESSION]}, headers=dict(ASYNC))
    assert response.status_code == 200
    assert response.get_json()["results"][0]["status"] == 201


def test_a_one_click_unsubscribe_switches_its_kind_off_and_a_forged_link_is_422() -> None:
    d = deps()
    token = d.me.unsubscribes.token("u1", NotificationKind.STREAK_BROKEN)
    page = call(d, "GET", "/v1/unsubscribe", token=None, query_string={"token": token})
    assert (page.status_code, page.mimetype) == (200, "text/html")
    assert 'method="post"' in page.get_data(as_text=True)  # a GET (a link scanner) changes nothing
    assert call(d, "GET", "/v1/me/settings").get_json()["notifications"]["kinds"]["streak_broken"] is True
    done = call(
        d,
        "POST",
        "/v1/unsubscribe",
        token=None,
        query_string={"token": token},
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert done.status_code == 200
    kinds = call(d, "GET", "/v1/me/settings").get_json()["notifications"]["kinds"]
    assert kinds["streak_broken"] is False
    assert kinds["milestone"] is True
    forged = call(d, "POST", "/v1/unsubscribe", token=None, query_string={"token": token[:-2] + "xx"})
    assert forged.status_code == 422
    assert forged.get_json()["error"]["code"] == "invalid_unsubscribe_token"


def test_answers_nobody_may_cache_say_no_store_and_cacheable_ones_keep_their_own() -> None:
    d = deps()
    assert call(d, "GET", "/v1/nowhere").headers["Cache-Control"] == "no-store"  # a 404 a CDN would keep
    assert call(d, "GET", "/v1/me/settings").headers["Cache-Control"] == "no-store"
    assert call(d, "GET", "/v1/me/calendar").headers["Cache-Control"] == "private, no-cache"
