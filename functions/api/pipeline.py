"""The request pipeline of the `api` function: route, authenticate, check the admin claim, rate-limit, read
the clock, parse, call the route's handler, make it conditional (ETag/304), and map every error."""

from __future__ import annotations

import hashlib
import ipaddress
import json
from datetime import datetime

import flask
from pydantic import BaseModel

from functions.api.table import API
from functions.http import (
    ApiError,
    Binary,
    RequestLog,
    internal_error,
    issues_json,
    json_body,
    overridden_now,
    parse_model,
    request_context,
    respond,
    service_error,
)
from functions.routing import Auth, Call
from streak_core import context
from streak_core.dependencies import ApiDependencies, RequestDeps
from streak_core.domain.sessions import FieldIssue
from streak_core.domain.vocabulary import LimitScope
from streak_core.errors import ServiceError
from streak_core.ports.identity import InvalidToken, Principal

MAX_ADDRESS_CHARS = 64


def handle(request: flask.Request, deps: ApiDependencies) -> flask.Response:
    with request_context(request, "api") as log, context.time_budget(deps.request.time_budget):
        headers = {"X-Correlation-ID": log.correlation}
        try:
            status, payload = _serve(request, deps, log, headers)
        except ApiError as error:
            status, payload = error.status, error.body()
            headers.update(error.headers)
        except ServiceError as refused:
            answer = service_error(refused)
            if answer.status >= 500:
                log.error = str(refused)
            status, payload = answer.status, answer.body()
            headers.update(answer.headers)
        except Exception as exc:  # the last line of defence: log it, never leak it
            status, payload = 500, internal_error(log, exc).body()
        log.emit(status)
        return respond(status, payload, headers)


def _serve(
    request: flask.Request, deps: ApiDependencies, log: RequestLog, headers: dict[str, str]
) -> tuple[int, object]:
    entry, params = API.match(request.method, request.path)
    route, basics = entry.route, deps.request
    log.routed(route.path)
    principal = None
    if route.auth in (Auth.USER, Auth.ADMIN):
        principal = authenticate(request, basics)
        log.user_id = principal.uid
        context.set_user(principal.uid)
        if route.auth is Auth.ADMIN and not principal.admin:
            raise ApiError(403, "forbidden", "This endpoint needs the admin claim.")
        scope = LimitScope.READ if request.method in ("GET", "HEAD") else LimitScope.WRITE
        limit(basics, scope, principal.uid, headers)
    elif route.auth is Auth.PUBLIC:  # public routes: limited per client address
        limit(basics, LimitScope.PUBLIC, f"ip:{client_address(request, basics.trusted_proxy_hops)}", headers)
    now = current_instant(request, basics)
    body = parse_model(route.body, json_body(request)) if route.body is not None else None
    query = parse_model(route.query, request.args.to_dict()) if route.query is not None else None
    reply = route.handler(Call(request, entry.pick(deps), principal, now, params, body, query))
    log.fields.update(reply.log_fields)
    headers.update(reply.headers)
    payload = (
        reply.body.model_dump(mode="json", by_alias=True) if isinstance(reply.body, BaseModel) else reply.body
    )
    if reply.cache_control is not None:
        return conditional(request, reply.status, payload, reply.cache_control, headers)
    return reply.status, payload


def client_address(request: flask.Request, trusted_hops: int) -> str:
    """The visitor's address as Google's front end gives it (API.md "Rate limits"): the rightmost
    X-Forwarded-For entry after `trusted_hops` proxies of ours, since each proxy appends what it saw and
    only the left-hand entries can be forged by the client; the socket's peer only without the header."""
    entries = [
        entry.strip()
        for header in request.headers.getlist("X-Forwarded-For")
        for entry in header.split(",")
        if entry.strip()
    ]
    if not entries:
        return request.remote_addr or "unknown"
    entry = entries[max(len(entries) - 1 - trusted_hops, 0)]
    try:
        return str(ipaddress.ip_address(entry))
    except ValueError:  # not an address (a proxy of ours would never append one): a bounded key all the same
        return entry[:MAX_ADDRESS_CHARS]


def limit(deps: RequestDeps, scope: LimitScope, identity: str, headers: dict[str, str]) -> None:
    """Count the request against every window of its scope; the tightest window goes into the headers."""
    if deps.rate_limiter is None:
        return
    verdict = deps.rate_limiter.hit(scope, identity)
    if verdict.tightest is not None:
        headers["RateLimit-Limit"] = str(verdict.tightest.limit)
        headers["RateLimit-Remaining"] = str(verdict.tightest.remaining)
        headers["RateLimit-Reset"] = str(verdict.tightest.reset_seconds)
    if not verdict.allowed:
        retry = {"Retry-After": str(verdict.retry_after)}
        raise ApiError(429, "rate_limited", "Too many requests; slow down.", headers=retry)


def conditional(
    request: flask.Request, status: int, payload: object, cache_control: str, headers: dict[str, str]
) -> tuple[int, object]:
    """A body the client may cache: sent with an ETag and Cache-Control, or as 304 when it has it."""
    if isinstance(payload, Binary):
        canonical = payload.data
    else:
        canonical = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
    etag = '"' + hashlib.sha256(canonical).hexdigest()[:32] + '"'
    headers["ETag"], headers["Cache-Control"] = etag, cache_control
    wanted = [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]
    if etag in wanted or "*" in wanted:
        return 304, None
    return status, payload


def authenticate(request: flask.Request, deps: RequestDeps) -> Principal:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "unauthenticated", "Send 'Authorization: Bearer <Firebase ID token>'.")
    try:
        return deps.verifier.verify(token.strip())
    except InvalidToken:
        raise ApiError(401, "invalid_token", "The ID token is invalid, expired or revoked.") from None


def current_instant(request: flask.Request, deps: RequestDeps) -> datetime:
    try:
        return overridden_now(request.headers.get("X-Now"), deps.clock, deps.allow_clock_override)
    except ValueError as exc:
        raise ApiError(
            400,
            "invalid_clock_override",
            "X-Now must be an RFC 3339 instant between 1900 and 9000.",
            issues_json([FieldIssue("X-Now", "invalid_instant", str(exc))]),
        ) from None
