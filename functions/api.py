"""The `api` HTTP function: routes of API.md, each parsing its input and calling one service."""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypeVar

import flask
from pydantic import BaseModel

from functions import schemas
from functions.http import (
    ApiError,
    RequestLog,
    correlation_id,
    internal_error,
    issues_json,
    json_body,
    overridden_now,
    parse_model,
    respond,
    validation_error,
)
from streak_core.bootstrap import ApiDependencies
from streak_core.domain.sessions import FieldIssue
from streak_core.models import StoredSession
from streak_core.ports import InvalidToken, Principal, TransientStoreError
from streak_core.services import queries, retries
from streak_core.services.friends import FriendError, Friends
from streak_core.services.leaderboard import parse_request as parse_board_request
from streak_core.services.sessions import CONFLICT, DUPLICATE, ItemResult, accept_sessions

DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
RETRY_AFTER_SECONDS = "1"


@dataclass
class Call:
    """What a handler gets: the request, the caller, `now`, dependencies and path parameters."""

    request: flask.Request
    deps: ApiDependencies
    principal: Principal | None
    now: datetime
    params: dict[str, str] = field(default_factory=dict)

    @property
    def uid(self) -> str:
        assert self.principal is not None
        return self.principal.uid


Handler = Callable[[Call], tuple[int, object]]


@dataclass(frozen=True)
class Cacheable:
    """A body that may be cached by the client: sent with an ETag and Cache-Control, or as 304."""

    body: object
    cache_control: str

    @property
    def etag(self) -> str:
        canonical = json.dumps(self.body, sort_keys=True, separators=(",", ":"), default=str)
        return '"' + hashlib.sha256(canonical.encode()).hexdigest()[:32] + '"'


def conditional(
    request: flask.Request, status: int, payload: Cacheable, headers: dict[str, str]
) -> tuple[int, object]:
    headers["ETag"], headers["Cache-Control"] = payload.etag, payload.cache_control
    wanted = [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]
    if payload.etag in wanted or "*" in wanted:
        return 304, None
    return status, payload.body


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    handler: Handler
    summary: str
    responses: dict[int, type[BaseModel]]
    body: type[BaseModel] | None = None
    query: tuple[str, ...] = ()
    auth: bool = True

    @property
    def pattern(self) -> re.Pattern[str]:
        return re.compile("^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(self.path)) + "$")


# --- handlers ---------------------------------------------------------------------------------------
def stored_json(stored: StoredSession) -> dict[str, object]:
    return {
        **stored.canonical,
        "received_at": stored.received_at.isoformat(),
        "days": [d.isoformat() for d in stored.days],
    }


def item_error(item: ItemResult) -> dict[str, object] | None:
    if item.status == CONFLICT:
        return {
            "code": "session_conflict",
            "message": "This session id was already used for another session.",
        }
    if item.issues:
        return validation_error(item.issues).body()["error"]  # type: ignore[return-value]
    return None


def check_owner(call: Call, user_id: object) -> None:
    if user_id is not None and user_id != call.uid:
        raise ApiError(403, "forbidden", "user_id must be your own user id.")


def post_session(call: Call) -> tuple[int, object]:
    body = json_body(call.request)
    model = parse_model(schemas.SessionIn, body)
    check_owner(call, model.user_id)
    raw = model.model_dump(exclude={"user_id"})
    outcome = accept_sessions(call.deps.store, call.uid, [raw], call.now, call.deps.config, call.deps.notify)
    item = outcome.items[0]
    if item.issues:
        raise validation_error(item.issues)
    assert item.session is not None
    if item.status == CONFLICT:
        raise ApiError(
            409,
            "session_conflict",
            "This session id was already used for a different session.",
            {"existing": stored_json(item.session)},
        )
    payload = {
        "session": stored_json(item.session),
        "duplicate": item.status == DUPLICATE,
        "streak": outcome.streak,
        "days": [outcome.days[d] for d in item.session.days],
    }
    return item.status, schemas.SessionAcceptedOut.model_validate(payload).model_dump()


def post_batch(call: Call) -> tuple[int, object]:
    body = parse_model(schemas.BatchIn, json_body(call.request))
    results: list[dict[str, object] | None] = [None] * len(body.sessions)
    accepted_raws: list[dict[str, object]] = []
    positions: list[int] = []
    for n, raw in enumerate(body.sessions):
        raw_id = raw.get("id") if isinstance(raw.get("id"), str) else None
        try:
            model = parse_model(schemas.SessionIn, raw, prefix=f"sessions.{n}.")
            check_owner(call, model.user_id)
        except ApiError as error:
            results[n] = {"id": raw_id, "status": error.status, "error": error.body()["error"]}
            continue
        accepted_raws.append(model.model_dump(exclude={"user_id"}))
        positions.append(n)
    outcome = accept_sessions(
        call.deps.store, call.uid, accepted_raws, call.now, call.deps.config, call.deps.notify
    )
    for n, item in zip(positions, outcome.items, strict=True):
        results[n] = {"id": item.id, "status": item.status, "error": item_error(item)}
    payload = {"results": results, "streak": outcome.streak}
    return 200, schemas.BatchOut.model_validate(payload).model_dump(exclude_none=True)


def get_streak(call: Call) -> tuple[int, object]:
    view = queries.get_streak(call.deps.store, call.uid, call.now, call.deps.config)
    return 200, schemas.StreakOut.model_validate(view).model_dump()


def real_date(value: str) -> date | None:
    """The date written as YYYY-MM-DD, or None if it is not one (2026-02-30 is not)."""
    if not DATE_PATTERN.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def bad_date(name: str) -> FieldIssue:
    return FieldIssue(name, "invalid_date", "must be a real date as YYYY-MM-DD")


def get_calendar(call: Call) -> tuple[int, object]:
    issues: list[FieldIssue] = []
    bounds: dict[str, date | None] = {}
    for name in ("from", "to"):
        value = call.request.args.get(name)
        bounds[name] = None if value is None else real_date(value)
        if value is not None and bounds[name] is None:
            issues.append(bad_date(name))
    if issues:
        raise validation_error(issues)
    days = queries.get_calendar(
        call.deps.store, call.uid, bounds["from"], bounds["to"], call.now, call.deps.config
    )
    return 200, schemas.CalendarOut.model_validate({"days": days}).model_dump()


def get_day(call: Call) -> tuple[int, object]:
    day = real_date(call.params["date"])
    if day is None:
        raise validation_error([bad_date("date")])
    view = queries.explain_day(call.deps.store, call.uid, day, call.deps.config)
    return 200, schemas.DayExplainedOut.model_validate(view).model_dump()


def get_notifications(call: Call) -> tuple[int, object]:
    raw_limit = call.request.args.get("limit", "20")
    if not raw_limit.isdigit():
        raise validation_error([FieldIssue("limit", "invalid_integer", "must be a whole number")])
    page = queries.list_notifications(
        call.deps.store, call.uid, int(raw_limit), call.request.args.get("cursor")
    )
    return 200, schemas.NotificationsPageOut.model_validate(page).model_dump()


def post_device(call: Call) -> tuple[int, object]:
    device = parse_model(schemas.DeviceIn, json_body(call.request))
    created = call.deps.store.add_device(call.uid, device.token, device.platform, call.now)
    payload = {"token": device.token, "platform": device.platform, "registered": True}
    return (201 if created else 200), schemas.DeviceOut.model_validate(payload).model_dump()


def delete_device(call: Call) -> tuple[int, object]:
    call.deps.store.remove_device(call.uid, call.params["token"])
    return 204, None


def get_settings(call: Call) -> tuple[int, object]:
    return 200, schemas.SettingsOut.model_validate(
        queries.get_settings(call.deps.store, call.uid)
    ).model_dump()


def patch_settings(call: Call) -> tuple[int, object]:
    body = json_body(call.request)
    parse_model(schemas.SettingsPatch, body)  # shape and types; the service checks the values
    view = queries.update_settings(call.deps.store, call.uid, body, call.now)
    return 200, schemas.SettingsOut.model_validate(view).model_dump()


def get_maintenance_run(call: Call) -> tuple[int, object]:
    require_admin(call.principal)
    run = call.deps.runs.get(call.params["run_id"]) if call.deps.runs else None
    if run is None:
        raise ApiError(404, "not_found", "No such maintenance run.")
    stamps = {
        k: v.isoformat() if isinstance(v, datetime) else None for k, v in run.items() if k.endswith("_at")
    }
    return 200, schemas.MaintenanceRunOut.model_validate({**run, **stamps}).model_dump()


def replay_dead_letters(call: Call) -> tuple[int, object]:
    require_admin(call.principal)
    body = parse_model(schemas.ReplayIn, json_body(call.request))
    if call.deps.dead_letters is None or call.deps.replay_worker is None:
        raise ApiError(404, "not_found", "Dead letters are not configured here.")
    report = retries.replay_dead_letters(
        call.deps.replay_worker, call.deps.dead_letters, call.now, body.limit
    )
    payload = {"replayed": report.replayed, "still_failing": report.still_failing}
    return 200, schemas.ReplayOut.model_validate(payload).model_dump()


def get_leaderboard(call: Call) -> tuple[int, object]:
    args = call.request.args
    request = parse_board_request(
        args.get("period"), args.get("scope"), args.get("limit"), args.get("cursor")
    )
    view = social(call.deps.leaderboards).board(call.uid, request, call.now)
    body = schemas.LeaderboardOut.model_validate(view).model_dump()
    cached = request.scope == "global" and request.cursor is None
    return 200, Cacheable(body, "private, max-age=30" if cached else "private, no-cache")


def post_friend_request(call: Call) -> tuple[int, object]:
    body = parse_model(schemas.FriendRequestIn, json_body(call.request))
    outcome = friend_call(lambda f: f.request(call.uid, body.user_id, call.now), call)
    payload = {"user_id": body.user_id, "status": outcome.status}
    return (201 if outcome.changed else 200), schemas.FriendshipOut.model_validate(payload).model_dump()


def accept_friend_request(call: Call) -> tuple[int, object]:
    other = call.params["uid"]
    outcome = friend_call(lambda f: f.accept(call.uid, other, call.now), call)
    payload = {"user_id": other, "status": outcome.status}
    return 200, schemas.FriendshipOut.model_validate(payload).model_dump()


def delete_friend(call: Call) -> tuple[int, object]:
    friend_call(lambda f: f.remove(call.uid, call.params["uid"]), call)
    return 204, None


def get_friends(call: Call) -> tuple[int, object]:
    view = friend_call(lambda f: f.listing(call.uid, call.now), call)
    return 200, schemas.FriendsOut.model_validate(view).model_dump()


T = TypeVar("T")


def social(service: T | None) -> T:
    if service is None:
        raise ApiError(404, "not_found", "Leaderboards and friends are not configured here.")
    return service


def friend_call(action: Callable[[Friends], T], call: Call) -> T:
    try:
        return action(social(call.deps.friends))
    except FriendError as error:
        raise ApiError(error.status, error.code, error.message) from None


def get_openapi(call: Call) -> tuple[int, object]:
    from functions.openapi import openapi_document

    return 200, openapi_document(ROUTES)


ROUTES: list[Route] = [
    Route(
        "POST",
        "/v1/sessions",
        post_session,
        "Report a focus session (201 new, 200 exact duplicate)",
        {201: schemas.SessionAcceptedOut, 200: schemas.SessionAcceptedOut},
        body=schemas.SessionIn,
    ),
    Route(
        "POST",
        "/v1/sessions:batch",
        post_batch,
        "Report up to 100 sessions; each gets its own status",
        {200: schemas.BatchOut},
        body=schemas.BatchIn,
    ),
    Route("GET", "/v1/me/streak", get_streak, "The caller's streak", {200: schemas.StreakOut}),
    Route(
        "GET",
        "/v1/me/calendar",
        get_calendar,
        "Every local day in a range (at most 366; default the last 35)",
        {200: schemas.CalendarOut},
        query=("from", "to"),
    ),
    Route("GET", "/v1/me/days/{date}", get_day, "One day explained", {200: schemas.DayExplainedOut}),
    Route(
        "GET",
        "/v1/me/notifications",
        get_notifications,
        "The caller's notifications, newest first, with their delivery status per channel",
        {200: schemas.NotificationsPageOut},
        query=("limit", "cursor"),
    ),
    Route(
        "POST",
        "/v1/me/devices",
        post_device,
        "Register an FCM token for push (201 new, 200 already known)",
        {201: schemas.DeviceOut, 200: schemas.DeviceOut},
        body=schemas.DeviceIn,
    ),
    Route("DELETE", "/v1/me/devices/{token}", delete_device, "Forget an FCM token (idempotent)", {}),
    Route("GET", "/v1/me/settings", get_settings, "The caller's settings", {200: schemas.SettingsOut}),
    Route(
        "PATCH",
        "/v1/me/settings",
        patch_settings,
        "Change some settings",
        {200: schemas.SettingsOut},
        body=schemas.SettingsPatch,
    ),
    Route(
        "GET",
        "/v1/admin/maintenance-runs/{run_id}",
        get_maintenance_run,
        "A maintenance run's progress (admin claim required)",
        {200: schemas.MaintenanceRunOut},
    ),
    Route(
        "POST",
        "/v1/admin/dead-letters:replay",
        replay_dead_letters,
        "Maintain dead-lettered users again; those that succeed leave the dead letters (admin)",
        {200: schemas.ReplayOut},
        body=schemas.ReplayIn,
    ),
    Route(
        "GET",
        "/v1/leaderboard",
        get_leaderboard,
        "A leaderboard page and the caller's own rank (ETag; If-None-Match gives 304)",
        {200: schemas.LeaderboardOut},
        query=("period", "scope", "limit", "cursor"),
    ),
    Route(
        "POST",
        "/v1/friends/requests",
        post_friend_request,
        "Ask a user to be friends (201 new; 200 already pending or friends; mutual requests make friends)",
        {201: schemas.FriendshipOut, 200: schemas.FriendshipOut},
        body=schemas.FriendRequestIn,
    ),
    Route(
        "POST",
        "/v1/friends/requests/{uid}:accept",
        accept_friend_request,
        "Accept a friend request",
        {200: schemas.FriendshipOut},
    ),
    Route(
        "GET",
        "/v1/friends",
        get_friends,
        "Friends with their streaks, and pending requests",
        {200: schemas.FriendsOut},
    ),
    Route("DELETE", "/v1/friends/{uid}", delete_friend, "Unfriend, decline or withdraw (idempotent)", {}),
    Route("GET", "/v1/openapi.json", get_openapi, "This document", {}, auth=False),
]
_COMPILED = [(route, route.pattern) for route in ROUTES]


# --- dispatch ---------------------------------------------------------------------------------------
def handle(request: flask.Request, deps: ApiDependencies) -> flask.Response:
    log = RequestLog(request, correlation_id(request))
    headers = {"X-Correlation-ID": log.correlation}
    try:
        status, payload = _dispatch(request, deps, log)
        if isinstance(payload, Cacheable):
            status, payload = conditional(request, status, payload, headers)
    except ApiError as error:
        status, payload = error.status, error.body()
        headers.update(error.headers)
    except queries.InvalidRequest as invalid:
        status, payload = 422, validation_error(invalid.issues).body()
    except TransientStoreError as exc:
        log.error = str(exc)
        status, payload = 503, ApiError(503, "unavailable", "Temporarily unavailable; please retry.").body()
        headers["Retry-After"] = RETRY_AFTER_SECONDS
    except Exception as exc:  # the last line of defence: log it, never leak it
        status, payload = 500, internal_error(log, exc).body()
    log.emit(status)
    return respond(status, payload, headers)


def _dispatch(request: flask.Request, deps: ApiDependencies, log: RequestLog) -> tuple[int, object]:
    path_matched = False
    for route, pattern in _COMPILED:
        found = pattern.match(request.path)
        if not found:
            continue
        path_matched = True
        if route.method != request.method:
            continue
        log.route = route.path
        principal = authenticate(request, deps) if route.auth else None
        if principal is not None:
            log.user_id = principal.uid
            wait = deps.rate_limiter.acquire(principal.uid, time.monotonic())
            if wait > 0:
                raise ApiError(
                    429,
                    "rate_limited",
                    "Too many requests; slow down.",
                    headers={"Retry-After": str(int(wait) + 1)},
                )
        call = Call(request, deps, principal, current_instant(request, deps), found.groupdict())
        return route.handler(call)
    if path_matched:
        raise ApiError(405, "method_not_allowed", f"{request.method} is not supported on {request.path}.")
    raise ApiError(404, "not_found", f"No such route: {request.path}")


def authenticate(request: flask.Request, deps: ApiDependencies) -> Principal:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "unauthenticated", "Send 'Authorization: Bearer <Firebase ID token>'.")
    try:
        return deps.verifier.verify(token.strip())
    except InvalidToken:
        raise ApiError(401, "invalid_token", "The ID token is invalid, expired or revoked.") from None


def current_instant(request: flask.Request, deps: ApiDependencies) -> datetime:
    try:
        return overridden_now(request.headers.get("X-Now"), deps.clock, deps.allow_clock_override)
    except ValueError as exc:
        raise ApiError(
            400,
            "invalid_clock_override",
            "X-Now must be an RFC 3339 instant.",
            issues_json([FieldIssue("X-Now", "invalid_instant", str(exc))]),
        ) from None


def require_admin(principal: Principal | None) -> None:
    if principal is None or not principal.admin:
        raise ApiError(403, "forbidden", "This endpoint needs the admin claim.")
