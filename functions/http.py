"""HTTP plumbing shared by entry points: errors as API.md shapes them, bodies, correlation ids, logs."""

from __future__ import annotations

import json
import logging
import re
import time
import traceback
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

import flask
from pydantic import BaseModel, ValidationError

from functions.logs import trace_id
from streak_core import context
from streak_core.domain.sessions import FieldIssue, parse_instant
from streak_core.errors import (
    Conflict,
    DayStartTooSoon,
    Forbidden,
    InvalidRequest,
    NotFound,
    ServiceError,
    Unavailable,
)
from streak_core.ports.clock import Clock

MAX_BODY_BYTES = 64 * 1024
# Deeper than any body of the API needs, shallow enough that no parser or validator recurses far.
MAX_JSON_DEPTH = 32
RETRY_AFTER_SECONDS = "1"
M = TypeVar("M", bound=BaseModel)
REQUESTS = logging.getLogger("streaks.requests")
CORRELATION_PATTERN = re.compile(r"[A-Za-z0-9._:-]{1,128}", re.ASCII)
# What each kind of refusal is on the wire; the first match wins.
SERVICE_STATUS: tuple[tuple[type[ServiceError], int], ...] = (
    (InvalidRequest, 422),
    (DayStartTooSoon, 422),
    (Forbidden, 403),
    (NotFound, 404),
    (Conflict, 409),
    (Unavailable, 503),
)


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
    for item in error.errors(include_url=False, include_input=False):
        where = ".".join(str(part) for part in item["loc"]) or "body"
        issues.append(FieldIssue(f"{prefix}{where}", item["type"], item["msg"]))
    return issues


def validation_error(issues: list[FieldIssue]) -> ApiError:
    return service_error(InvalidRequest(issues))


def service_error(error: ServiceError) -> ApiError:
    """A service's refusal as the API answers it."""
    status = next((s for kind, s in SERVICE_STATUS if isinstance(error, kind)), 500)
    details = issues_json(error.issues) if isinstance(error, InvalidRequest) else error.details
    headers = {"Retry-After": RETRY_AFTER_SECONDS} if status == 503 else {}
    return ApiError(status, error.code, error.message, details, headers)


def json_body(request: flask.Request) -> dict[str, Any]:
    """The request's JSON object, or an ApiError: 413 over 64 KiB; 400 if it is not a JSON object, is nested
    deeper than 32 levels, or holds text that is not Unicode (a lone surrogate escape such as "\\ud800")."""
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise _too_large()
    raw = request.stream.read(MAX_BODY_BYTES + 1)
    if len(raw) > MAX_BODY_BYTES:
        raise _too_large()
    try:
        data = json.loads(raw, parse_constant=_no_constants)
    except RecursionError:
        raise _not_json(f"The body is nested more than {MAX_JSON_DEPTH} levels deep.") from None
    except (ValueError, UnicodeDecodeError):
        raise _not_json("The body is not valid JSON.") from None
    _check_values(data)
    if not isinstance(data, dict):
        raise ApiError(400, "not_an_object", "The body must be a JSON object.")
    return data


def _too_large() -> ApiError:
    return ApiError(413, "body_too_large", f"The body must be at most {MAX_BODY_BYTES // 1024} KiB.")


def _not_json(message: str) -> ApiError:
    return ApiError(400, "invalid_json", message)


def _no_constants(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


def _check_values(data: object) -> None:
    """Walk the parsed body without recursion: bounded depth, and only text that can be encoded."""
    stack: list[tuple[object, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise _not_json(f"The body is nested more than {MAX_JSON_DEPTH} levels deep.")
        if isinstance(value, str):
            _check_text(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                _check_text(key)
                stack.append((item, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise _not_json("The body holds a string that is not valid Unicode (a lone surrogate).") from None


def parse_model(model: type[M], data: Mapping[str, object], prefix: str = "") -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_error(pydantic_issues(exc, prefix)) from None


@dataclass(frozen=True)
class Binary:
    """A body that is not JSON (an image, a page), with its media type."""

    data: bytes
    media_type: str


@dataclass(frozen=True)
class Stream:
    """A body sent as it is made, a chunk at a time (an export), with its media type."""

    chunks: Iterable[bytes]
    media_type: str


def respond(status: int, payload: object, headers: Mapping[str, str] | None = None) -> flask.Response:
    if status in (204, 304):
        response = flask.Response(status=status)
    elif isinstance(payload, Stream):
        response = flask.Response(payload.chunks, status=status, mimetype=payload.media_type)
    elif isinstance(payload, Binary):
        response = flask.Response(payload.data, status=status, mimetype=payload.media_type)
    else:
        # Anything that cannot be encoded becomes a JSON escape (\udXXX) rather than a failure.
        text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
        response = flask.Response(
            text.encode("utf-8", "backslashreplace"), status=status, mimetype="application/json"
        )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    if "Cache-Control" not in response.headers:
        # Per user and per moment: no browser or CDN may keep it (Firebase Hosting caches a 404 from a
        # rewritten function for 10 minutes unless told otherwise).
        response.headers["Cache-Control"] = "no-store"
    return response


def correlation_id(request: flask.Request) -> str:
    return usable_correlation(request.headers.get(context.CORRELATION_HEADER))


def usable_correlation(given: object) -> str:
    """The correlation id a caller or message gave, when it is one we can log; else a new one."""
    return given if isinstance(given, str) and CORRELATION_PATTERN.fullmatch(given) else uuid.uuid4().hex


@dataclass
class RequestLog:
    """One structured line per request (through `logging`: see functions/logs.py)."""

    request: flask.Request
    correlation: str
    started: float = field(default_factory=time.perf_counter)
    user_id: str | None = None
    route: str | None = None
    error: str | None = None
    fields: dict[str, object] = field(default_factory=dict)  # what a route adds (e.g. cache hits)

    def routed(self, route: str) -> None:
        """The request matched `route`: its line, and every line logged while it is served, name it."""
        self.route = route
        context.set_operation(f"{self.request.method} {route}")

    def emit(self, status: int) -> None:
        latency = time.perf_counter() - self.started
        level = logging.ERROR if status >= 500 else logging.WARNING if status >= 400 else logging.INFO
        entry: dict[str, object] = {
            "correlation_id": self.correlation,
            "user_id": self.user_id or context.user_id(),
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
        entry.update(self.fields)
        if self.error:
            entry["error"] = self.error
        REQUESTS.log(level, "%s %s %d", self.request.method, self.route or "unrouted", status, extra=entry)


@contextmanager
def request_context(request: flask.Request, operation: str) -> Iterator[RequestLog]:
    """The log of one request, with its correlation id (the caller's `X-Correlation-ID` or a new one) and
    trace id bound for every line logged while it is served, and for every task or message it causes."""
    log = RequestLog(request, correlation_id(request))
    trace = trace_id(request.headers.get("X-Cloud-Trace-Context"), request.headers.get("traceparent"))
    with context.bound(log.correlation, operation, trace_id=trace):
        yield log


def internal_error(log: RequestLog, exc: BaseException) -> ApiError:
    log.error = "".join(traceback.format_exception(exc))[-4000:]
    return ApiError(500, "internal", "Something went wrong on our side; the error was logged.")


def overridden_now(override: str | None, clock: Clock, allowed: bool) -> datetime:
    """The clock's `now`, or the instant a local run or test asks for where ALLOW_CLOCK_OVERRIDE=1 allows it.

    ValueError for a malformed or unsupported instant: each entry point answers that in its own way."""
    if override is None or not allowed:
        return clock.now()
    return parse_instant(override)
