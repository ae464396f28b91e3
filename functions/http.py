"""HTTP plumbing shared by entry points: errors as API.md shapes them, bodies, correlation ids, logs."""

from __future__ import annotations

import json
import re
import sys
import time
import traceback
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

import flask
from pydantic import BaseModel, ValidationError

from streak_core.domain.sessions import FieldIssue, parse_instant
from streak_core.ports import Clock, TransientStoreError

MAX_BODY_BYTES = 64 * 1024
M = TypeVar("M", bound=BaseModel)
CORRELATION_PATTERN = re.compile(r"[A-Za-z0-9._:-]{1,128}")


@dataclass
class ApiError(Exception):
    """An error answer: status, machine code, human message, optional details and headers."""

    status: int
    code: str
    message: str
    details: object = None
    headers: dict[str, str] = field(default_factory=dict)

    def body(self) -> dict[str, object]:
        error: dict[str, object] = {"code": self.code, "message": self.message}
        if self.details is not None:
            error["details"] = self.details
        return {"error": error}


def issues_json(issues: list[FieldIssue]) -> list[dict[str, str]]:
    return [{"field": i.field, "code": i.code, "message": i.message} for i in issues]


def pydantic_issues(error: ValidationError, prefix: str = "") -> list[FieldIssue]:
    issues = []
    for item in error.errors(include_url=False):
        where = ".".join(str(part) for part in item["loc"]) or "body"
        issues.append(FieldIssue(f"{prefix}{where}", item["type"], item["msg"]))
    return issues


def validation_error(issues: list[FieldIssue]) -> ApiError:
    fields = ", ".join(dict.fromkeys(i.field for i in issues))
    return ApiError(422, "validation_failed", f"The request is invalid: check {fields}.", issues_json(issues))


def json_body(request: flask.Request) -> dict[str, Any]:
    """The request's JSON object, or an ApiError: 413 over 64 KiB, 400 if not a JSON object."""
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise ApiError(413, "body_too_large", f"The body must be at most {MAX_BODY_BYTES // 1024} KiB.")
    raw = request.stream.read(MAX_BODY_BYTES + 1)
    if len(raw) > MAX_BODY_BYTES:
        raise ApiError(413, "body_too_large", f"The body must be at most {MAX_BODY_BYTES // 1024} KiB.")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "invalid_json", "The body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise ApiError(400, "not_an_object", "The body must be a JSON object.")
    return data


def parse_model(model: type[M], data: Mapping[str, object], prefix: str = "") -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_error(pydantic_issues(exc, prefix)) from None


def respond(status: int, payload: object, headers: Mapping[str, str] | None = None) -> flask.Response:
    if status in (204, 304):
        response = flask.Response(status=status)
    else:
        response = flask.Response(
            json.dumps(payload, separators=(",", ":"), ensure_ascii=False),
            status=status,
            mimetype="application/json",
        )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def correlation_id(request: flask.Request) -> str:
    given = request.headers.get("X-Correlation-ID", "")
    return given if CORRELATION_PATTERN.fullmatch(given) else uuid.uuid4().hex


@dataclass
class RequestLog:
    """One structured line per request, in the shape Cloud Logging parses from stdout."""

    request: flask.Request
    correlation: str
    started: float = field(default_factory=time.perf_counter)
    user_id: str | None = None
    route: str | None = None
    error: str | None = None

    def emit(self, status: int) -> None:
        latency = time.perf_counter() - self.started
        severity = "ERROR" if status >= 500 else "WARNING" if status >= 400 else "INFO"
        entry: dict[str, object] = {
            "severity": severity,
            "message": f"{self.request.method} {self.route or self.request.path} {status}",
            "correlation_id": self.correlation,
            "user_id": self.user_id,
            "route": self.route,
            "method": self.request.method,
            "status": status,
            "latency_ms": round(latency * 1000, 2),
            # Path only: query strings and headers (tokens) never reach the logs.
            "httpRequest": {
                "requestMethod": self.request.method,
                "requestUrl": self.request.path,
                "status": status,
                "latency": f"{latency:.6f}s",
            },
        }
        if self.error:
            entry["error"] = self.error
        sys.stdout.write(json.dumps(entry) + "\n")
        sys.stdout.flush()


def internal_error(log: RequestLog, exc: BaseException) -> ApiError:
    log.error = "".join(traceback.format_exception(exc))[-4000:]
    return ApiError(500, "internal", "Something went wrong on our side; the error was logged.")


def task_response(
    request: flask.Request, route: str, work: Callable[[RequestLog], tuple[int, object]]
) -> flask.Response:
    """Run a Cloud Tasks or Scheduler handler and answer so the queue does the right thing: a malformed task
    never succeeds, so it is acknowledged (200, "rejected") rather than retried; only an unknown route or
    method is a 4xx; transient store errors are 503 (retry); anything else is a logged 500."""
    entry = RequestLog(request, correlation_id(request))
    entry.route = route
    try:
        status, body = work(entry)
    except ApiError as error:
        status = error.status if error.status in (404, 405) else 200
        body = {"outcome": "rejected", **error.body()}
    except TransientStoreError as exc:
        entry.error = str(exc)
        status, body = 503, {"outcome": "retry"}
    except Exception as exc:  # the last line of defence: log it, never leak it
        status, body = 500, internal_error(entry, exc).body()
    entry.emit(status)
    return respond(status, body)


def overridden_now(override: object, clock: Clock, allowed: bool) -> datetime:
    """The clock's `now`, or the instant a local run or test asks for where ALLOW_CLOCK_OVERRIDE=1 allows it.

    ValueError for a malformed instant: each entry point answers that in its own way."""
    if override is None or not allowed:
        return clock.now()
    return parse_instant(str(override))
