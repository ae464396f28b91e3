"""The `api` HTTP function: the routes of API.md, each parsing its input and calling one service."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from functools import cache
from typing import TypeVar
from urllib.parse import quote

import flask
from pydantic import MISSING, BaseModel, ValidationError

from functions import pages, schemas
from functions.http import (
    RETRY_AFTER_SECONDS,
    ApiError,
    Binary,
    RequestLog,
    internal_error,
    issues_json,
    json_body,
    overridden_now,
    parse_model,
    pydantic_issues,
    request_context,
    respond,
    service_error,
    validation_error,
)
from functions.openapi import openapi_document
from functions.routing import Auth, Call, Reply, Route, RouteTable
from streak_core import context
from streak_core.bootstrap import ApiDependencies
from streak_core.domain.cards import Share, card_svg, headline
from streak_core.domain.challenges import ChallengeTerms
from streak_core.domain.config import StreakConfig
from streak_core.domain.ids import is_document_id, is_user_id
from streak_core.domain.sessions import FieldIssue, SessionFields
from streak_core.domain.vocabulary import ImageFormat, JobStatus, LimitScope, Scope, SessionStatus
from streak_core.errors import JobNotFound, RunNotFound, ServiceError, SessionConflict, UserNotFound
from streak_core.models import UNSET, NotificationsChange, SessionJob, SettingsChange, Unset
from streak_core.ports.identity import InvalidToken, Principal
from streak_core.ports.notifications import DispatchQueue
from streak_core.ports.users import UserStore
from streak_core.services import (
    badges,
    challenges,
    images,
    insights,
    jobs,
    outages,
    pauses,
    queries,
    retries,
    shares,
)
from streak_core.services.admin import grant_freezes
from streak_core.services.leaderboard import BoardRequest
from streak_core.services.queries import CalendarSource
from streak_core.services.rebuild import rebuild_user
from streak_core.services.sessions import ItemResult, accept_session, accept_sessions
from streak_core.services.views import SessionView

ApiCall = Call[ApiDependencies]
IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,255}")
T = TypeVar("T")
ITEM_STATUS = {
    SessionStatus.CREATED: 201,
    SessionStatus.DUPLICATE: 200,
    SessionStatus.CONFLICT: 409,
    SessionStatus.INVALID: 422,
}


# --- sessions ---------------------------------------------------------------------------------------------
def session_fields(model: schemas.SessionIn) -> SessionFields:
    return SessionFields(model.id, model.start, model.end, model.timezone)


def check_owner(uid: str, user_id: str | None) -> None:
    if user_id is not None and user_id != uid:
        raise ApiError(403, "forbidden", "user_id must be your own user id.")


def post_session(call: ApiCall) -> Reply:
    model = call.body_as(schemas.SessionIn)
    check_owner(call.uid, model.user_id)
    deps = call.deps
    try:
        accepted = accept_session(
            deps.store, call.uid, session_fields(model), call.now, deps.config, deps.notify
        )
    except SessionConflict as conflict:
        answer = service_error(conflict)
        existing = schemas.SessionOut.model_validate(SessionView.of(conflict.existing))
        answer.details = {"existing": existing.model_dump(mode="json")}
        raise answer from None
    status = 200 if accepted.duplicate else 201
    return Reply(status, schemas.SessionAcceptedOut.model_validate(accepted))


def post_batch(call: ApiCall) -> Reply:
    """Each item is checked on its own; one bad item never rejects the others. With `Prefer:
    respond-async` (and the queue deployed) the batch becomes a job and the answer is 202."""
    body, deps = call.body_as(schemas.BatchIn), call.deps
    if deps.jobs is not None and deps.job_queue is not None and prefers_async(call.request):
        request_json = json.dumps({"sessions": body.sessions}, sort_keys=True, separators=(",", ":"))
        job, created = jobs.submit_job(
            deps.jobs,
            deps.job_queue,
            call.uid,
            request_json,
            call.now,
            idempotency_key(call.request),
            context.correlation_id(),
        )
        headers = {"Location": f"/v1/jobs/{job.id}", "Retry-After": RETRY_AFTER_SECONDS}
        return Reply(202 if created else 200, job_out(job), headers=headers)
    return Reply(200, run_batch(deps.store, deps.notify, deps.config, call.uid, call.now, body))


def prefers_async(request: flask.Request) -> bool:
    """RFC 7240: `Prefer` holds comma-separated preferences, each maybe with parameters."""
    wanted = (part.split(";")[0].strip().lower() for part in request.headers.get("Prefer", "").split(","))
    return "respond-async" in wanted


def run_batch(
    store: UserStore,
    notify: DispatchQueue | None,
    config: StreakConfig,
    uid: str,
    now: datetime,
    body: schemas.BatchIn,
) -> schemas.BatchOut:
    """The batch's answer, whether it is sent at once or kept as a job's result."""
    results: list[schemas.BatchItemOut | None] = [None] * len(body.sessions)
    accepted: list[SessionFields] = []
    positions: list[int] = []
    for n, raw in enumerate(body.sessions):
        raw_id = raw.get("id") if isinstance(raw, dict) else None
        item_id = raw_id if isinstance(raw_id, str) else None
        try:
            model = schemas.SessionIn.model_validate(raw)
            check_owner(uid, model.user_id)
        except ValidationError as invalid:
            error = validation_error(pydantic_issues(invalid, prefix=f"sessions.{n}."))
            results[n] = item_out(item_id, error.status, error)
            continue
        except ApiError as error:
            results[n] = item_out(item_id, error.status, error)
            continue
        accepted.append(session_fields(model))
        positions.append(n)
    outcome = accept_sessions(store, uid, accepted, now, config, notify)
    for n, item in zip(positions, outcome.items, strict=True):
        results[n] = item_out(item.id, ITEM_STATUS[item.status], item_error(item))
    items = [r for r in results if r is not None]
    return schemas.BatchOut(results=items, streak=schemas.StreakOut.model_validate(outcome.streak))


def job_out(job: SessionJob) -> schemas.JobEnvelope:
    result = schemas.BatchOut.model_validate_json(job.result_json) if job.result_json else None
    error = None
    if job.status is JobStatus.FAILED:
        message = f"The batch failed after {job.attempts} attempts; nothing more will be tried."
        error = schemas.ErrorBody(code="job_failed", message=message)
    out = schemas.JobOut(
        id=job.id,
        status=job.status.value,
        created_at=job.created_at,
        updated_at=job.updated_at,
        attempts=job.attempts,
        result=result,
        error=error,
    )
    return schemas.JobEnvelope(job=out)


def get_job(call: ApiCall) -> Reply:
    deps = call.deps
    if deps.jobs is None:
        raise service_error(JobNotFound())
    return Reply(200, job_out(jobs.get_job(deps.jobs, call.uid, call.params["id"])))


def item_error(item: ItemResult) -> ApiError | None:
    if item.status is SessionStatus.CONFLICT:
        assert item.session is not None
        return service_error(SessionConflict(item.session))
    if item.issues:
        return validation_error(item.issues)
    return None


def item_out(item_id: str | None, status: int, error: ApiError | None) -> schemas.BatchItemOut:
    body = schemas.ErrorBody.model_validate(error.body()["error"]) if error else None
    return schemas.BatchItemOut(id=item_id, status=status, error=body)


# --- the user's state -------------------------------------------------------------------------------------
def get_streak(call: ApiCall) -> Reply:
    view = queries.get_streak(call.deps.store, call.uid, call.now, call.deps.config)
    return Reply(200, schemas.StreakOut.model_validate(view))


def get_calendar(call: ApiCall) -> Reply:
    query = call.query_as(schemas.CalendarQuery)
    deps = call.deps
    found = queries.get_calendar(
        deps.store, call.uid, query.from_, query.to, call.now, deps.config, deps.calendar_cache
    )
    out = schemas.CalendarOut(days=[schemas.DayOut.model_validate(day) for day in found.days])
    fields = {"calendar_source": found.source.value, "cache_hit": found.source is CalendarSource.CACHE}
    return Reply(200, out, cache_control="private, no-cache", log_fields=fields)


def get_day(call: ApiCall) -> Reply:
    day = parse_model(schemas.DayPath, call.params).date
    view = queries.explain_day(call.deps.store, call.uid, day, call.deps.config)
    return Reply(200, schemas.DayExplainedOut.model_validate(view))


def get_notifications(call: ApiCall) -> Reply:
    query = call.query_as(schemas.PageQuery)
    page = queries.list_notifications(call.deps.store, call.deps.cursors, call.uid, query.limit, query.cursor)
    return Reply(200, schemas.NotificationsPageOut.model_validate(page))


def post_device(call: ApiCall) -> Reply:
    device = call.body_as(schemas.DeviceIn)
    created = call.deps.store.add_device(call.uid, device.token, device.platform, call.now)
    out = schemas.DeviceOut(token=device.token, platform=device.platform, registered=True)
    return Reply(201 if created else 200, out)


def delete_device(call: ApiCall) -> Reply:
    call.deps.store.remove_device(call.uid, call.params["token"])
    return Reply(204)


def get_settings(call: ApiCall) -> Reply:
    return Reply(200, schemas.SettingsOut.model_validate(queries.get_settings(call.deps.store, call.uid)))


def patch_settings(call: ApiCall) -> Reply:
    patch = call.body_as(schemas.SettingsPatch)
    view = queries.update_settings(call.deps.store, call.uid, settings_change(patch), call.now)
    return Reply(200, schemas.SettingsOut.model_validate(view))


def settings_change(patch: schemas.SettingsPatch) -> SettingsChange:
    """The patch as the service's typed change: a field left out stays UNSET, null clears."""
    notifications = NotificationsChange()
    if (prefs := patch.notifications) is not MISSING:
        quiet = prefs.quiet_hours
        notifications = NotificationsChange(
            push=_given(prefs.push),
            email=_given(prefs.email),
            kinds=_given(prefs.kinds),
            quiet_hours=UNSET if quiet is MISSING else quiet.window() if quiet is not None else None,
            reminder_hour=_given(prefs.reminder_hour),
        )
    return SettingsChange(
        timezone=_given(patch.timezone),
        display_name=_given(patch.display_name),
        leaderboard_visibility=_given(patch.leaderboard_visibility),
        locale=_given(patch.locale),
        notifications=notifications,
    )


def _given(value: T | MISSING) -> T | Unset:
    return UNSET if value is MISSING else value


# --- badges -----------------------------------------------------------------------------------------------
def get_badges(call: ApiCall) -> Reply:
    found = badges.list_badges(call.deps.store, call.deps.badge_counts, call.uid)
    return Reply(
        200,
        schemas.BadgesOut(
            badges=[
                schemas.BadgeOut(
                    id=b.id,
                    name=b.name,
                    description=b.description,
                    earned_at=b.earned_at,
                    progress=schemas.BadgeProgressOut(current=b.current, target=b.target),
                    rarity=b.rarity,
                )
                for b in found
            ]
        ),
    )


# --- insights ---------------------------------------------------------------------------------------------
def get_insights(call: ApiCall) -> Reply:
    weeks = call.query_as(schemas.InsightsQuery).weeks
    found = insights.get_insights(call.deps.store, call.uid, weeks, call.now, call.deps.config)
    period, previous = found.period, found.previous
    return Reply(
        200,
        schemas.InsightsOut(
            first=period.first,
            to=period.last,
            days=period.days,
            active_days=period.active_days,
            qualified_days=period.qualified_days,
            qualified_rate=period.qualified_rate,
            average_seconds_per_day=period.average_seconds_per_day,
            average_seconds_per_active_day=period.average_seconds_per_active_day,
            average_sessions_per_active_day=period.average_sessions_per_active_day,
            weekday_rates=period.weekday_rates,
            best_weekday=period.best_weekday,
            hour_seconds=period.hour_seconds,
            previous_period=schemas.PreviousPeriodOut(
                qualified_rate=previous.qualified_rate,
                average_seconds_per_day=previous.average_seconds_per_day,
            ),
            prediction=schemas.PredictionOut.model_validate(found.prediction),
        ),
        cache_control="private, no-cache",
    )


def get_heatmap_svg(call: ApiCall) -> Reply:
    return Reply(200, _image(call.deps, _heatmap(call), ImageFormat.SVG), cache_control="private, no-cache")


def get_heatmap_png(call: ApiCall) -> Reply:
    return Reply(200, _image(call.deps, _heatmap(call), ImageFormat.PNG), cache_control="private, no-cache")


def _heatmap(call: ApiCall) -> str:
    weeks = call.query_as(schemas.HeatmapQuery).weeks
    return images.heatmap(call.deps.store, call.uid, weeks, call.now, call.deps.config)


# --- sharing ----------------------------------------------------------------------------------------------
PUBLIC_CACHE = "public, max-age=300"  # crawlers and link previews: a revoked share is gone within minutes


def get_share_card(call: ApiCall) -> Reply:
    deps = call.deps
    svg = shares.current_card(deps.store, deps.text_metrics, call.uid, call.now, deps.config)
    return Reply(200, _image(deps, svg, call.query_as(schemas.ShareCardQuery).format), "private, no-cache")


def post_share(call: ApiCall) -> Reply:
    include, deps = call.body_as(schemas.ShareIn).include, call.deps
    share = shares.create_share(deps.store, deps.shares, call.uid, include, call.now, deps.config)
    return Reply(201, schemas.ShareCreatedOut(share=share_out(call, share)))


def get_shares(call: ApiCall) -> Reply:
    found = shares.list_shares(call.deps.shares, call.uid)
    return Reply(200, schemas.SharesOut(shares=[share_out(call, share) for share in found]))


def delete_share(call: ApiCall) -> Reply:
    shares.revoke_share(call.deps.shares, call.uid, call.params["id"])
    return Reply(204)


def public_share_page(call: ApiCall) -> Reply:
    share = shares.public_share(call.deps.shares, call.params["id"], count_open=True)
    url, image_url = share_urls(call, share.id)
    page = pages.share_page(share, url, image_url)
    return Reply(200, Binary(page.encode(), "text/html"), PUBLIC_CACHE)  # flask adds "; charset=utf-8"


def public_share_image(call: ApiCall) -> Reply:
    share = shares.public_share(call.deps.shares, call.params["id"], count_open=False)
    svg = card_svg(share.content, call.deps.text_metrics)
    return Reply(200, _image(call.deps, svg, ImageFormat.PNG), PUBLIC_CACHE)


def share_urls(call: ApiCall, share_id: str) -> tuple[str, str]:
    base = call.deps.public_base_url or call.request.url_root.rstrip("/")
    return f"{base}/s/{share_id}", f"{base}/s/{share_id}.png"


def share_out(call: ApiCall, share: Share) -> schemas.ShareOut:
    url, image_url = share_urls(call, share.id)
    quoted, text = quote(url, safe=""), quote(headline(share.content), safe="")
    links = schemas.ShareLinksOut(
        twitter=f"https://twitter.com/intent/tweet?url={quoted}&text={text}",
        linkedin=f"https://www.linkedin.com/sharing/share-offsite/?url={quoted}",
        facebook=f"https://www.facebook.com/sharer/sharer.php?u={quoted}",
    )
    return schemas.ShareOut(
        id=share.id,
        url=url,
        image_url=image_url,
        links=links,
        created_at=share.created_at,
        opens=share.opens,
        include=list(share.included),
    )


def _image(deps: ApiDependencies, svg: str, kind: ImageFormat) -> Binary:
    if kind is ImageFormat.SVG:
        return Binary(svg.encode(), "image/svg+xml")
    return Binary(deps.rasterizer.png(svg), "image/png")


# --- challenges -------------------------------------------------------------------------------------------
def challenge_out(view: challenges.ChallengeView) -> schemas.ChallengeOut:
    c, terms = view.challenge, view.challenge.terms
    return schemas.ChallengeOut(
        id=c.id,
        title=c.title,
        kind=terms.kind,
        target=terms.target,
        starts_on=terms.starts_on,
        ends_on=terms.ends_on,
        reward_xp=terms.reward_xp,
        visibility=c.visibility,
        created_by=c.created_by,
        participants=c.participants,
        status=view.status,
    )


def post_challenge(call: ApiCall) -> Reply:
    body = call.body_as(schemas.ChallengeIn)
    terms = ChallengeTerms(body.kind, body.target, body.starts_on, body.ends_on, body.reward_xp)
    admin = call.principal is not None and call.principal.admin
    view = challenges.create_challenge(
        call.deps.challenges, call.uid, admin, body.title, terms, body.visibility, call.now
    )
    return Reply(201, schemas.ChallengeCreatedOut(challenge=challenge_out(view)))


def get_challenges(call: ApiCall) -> Reply:
    query, deps = call.query_as(schemas.ChallengesQuery), call.deps
    found = challenges.list_challenges(
        deps.challenges, deps.cursors, call.uid, query.status, query.limit, query.cursor, call.now
    )
    out = [challenge_out(view) for view in found.challenges]
    return Reply(200, schemas.ChallengesOut(challenges=out, next_cursor=found.next_cursor))


def get_challenge(call: ApiCall) -> Reply:
    detail = challenges.challenge_detail(
        call.deps.challenges, call.deps.profiles, call.uid, call.params["id"], call.now
    )
    return Reply(
        200,
        schemas.ChallengeDetailOut(
            challenge=challenge_out(detail.challenge),
            me=schemas.ChallengeMeOut.model_validate(detail.me),
            top=[schemas.ChallengeTopOut.model_validate(row) for row in detail.top],
        ),
    )


def join_challenge(call: ApiCall) -> Reply:
    deps = call.deps
    view, me = challenges.join_challenge(
        deps.challenges, call.uid, call.params["id"], call.now, deps.config, deps.notify
    )
    out = schemas.ChallengeJoinedOut(
        challenge=challenge_out(view), me=schemas.ChallengeMeOut.model_validate(me)
    )
    return Reply(200, out)


def leave_challenge(call: ApiCall) -> Reply:
    challenges.leave_challenge(call.deps.challenges, call.uid, call.params["id"])
    return Reply(204)


# --- pauses -----------------------------------------------------------------------------------------------
def post_pause(call: ApiCall) -> Reply:
    body, deps = call.body_as(schemas.PauseIn), call.deps
    key = idempotency_key(call.request)
    pause, created = pauses.create_pause(
        deps.pauses, call.uid, body.from_, body.to, call.now, deps.config, key
    )
    out = schemas.PauseCreatedOut(pause=schemas.PauseOut.model_validate(pause))
    return Reply(201 if created else 200, out)


def idempotency_key(request: flask.Request) -> str | None:
    """The `Idempotency-Key` header: 1-255 visible ASCII characters, else 422."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not IDEMPOTENCY_KEY.fullmatch(key):
        issue = FieldIssue(
            "Idempotency-Key", "invalid_idempotency_key", "must be 1-255 visible ASCII characters"
        )
        raise ApiError(
            422, "validation_failed", "The Idempotency-Key header is invalid.", issues_json([issue])
        )
    return key


def get_pauses(call: ApiCall) -> Reply:
    found = pauses.list_pauses(call.deps.pauses, call.uid)
    return Reply(200, schemas.PausesOut(pauses=[schemas.PauseOut.model_validate(p) for p in found]))


def delete_pause(call: ApiCall) -> Reply:
    pauses.withdraw_pause(call.deps.pauses, call.uid, call.params["id"], call.now, call.deps.config)
    return Reply(204)


# --- admin ------------------------------------------------------------------------------------------------
def get_maintenance_run(call: ApiCall) -> Reply:
    run_id = call.params["run_id"]
    run = call.deps.runs.get(run_id) if is_document_id(run_id) else None
    if run is None:
        raise RunNotFound
    return Reply(200, schemas.MaintenanceRunOut.model_validate(run))


def rebuild(call: ApiCall) -> Reply:
    dry_run = call.query_as(schemas.RebuildQuery).dry_run
    uid = call.params["uid"]
    if not is_user_id(uid):
        raise UserNotFound
    deps = call.deps
    report = rebuild_user(deps.rebuilds, uid, call.now, deps.config, dry_run)
    return Reply(200, schemas.RebuildOut.model_validate(report))


def post_freezes(call: ApiCall) -> Reply:
    count = call.body_as(schemas.FreezesIn).count
    held = grant_freezes(call.deps.store, call.params["uid"], count, call.deps.config)
    return Reply(200, schemas.FreezesOut(freezes_available=held))


def post_outage(call: ApiCall) -> Reply:
    body, deps = call.body_as(schemas.OutageIn), call.deps
    if body.dry_run:
        page = deps.page_size
        affected = outages.count_affected(deps.maintenance, body.start, body.end, call.now, deps.config, page)
        return Reply(200, schemas.OutageDryRunOut(users_affected=affected))
    outage, run_id = outages.record_outage(
        deps.outages, deps.ticks, body.start, body.end, body.reason, call.now
    )
    return Reply(
        202, schemas.OutageRecordedOut(outage=schemas.OutageOut.model_validate(outage), run_id=run_id)
    )


def replay_dead_letters(call: ApiCall) -> Reply:
    body = call.body_as(schemas.ReplayIn)
    deps = call.deps
    report = retries.replay_dead_letters(deps.replay_worker, deps.dead_letters, call.now, body.limit)
    return Reply(200, schemas.ReplayOut.model_validate(report))


# --- leaderboards and friends ---------------------------------------------------------------------------
def get_leaderboard(call: ApiCall) -> Reply:
    query = call.query_as(schemas.LeaderboardQuery)
    request = BoardRequest(query.period, query.scope, query.limit, query.cursor)
    page = call.deps.leaderboards.board(call.uid, request, call.now)
    first_page = request.scope is Scope.GLOBAL and request.cursor is None
    cache = "private, max-age=30" if first_page else "private, no-cache"
    return Reply(200, schemas.LeaderboardOut.model_validate(page), cache_control=cache)


def post_friend_request(call: ApiCall) -> Reply:
    other = call.body_as(schemas.FriendRequestIn).user_id
    outcome = call.deps.friends.request(call.uid, other, call.now)
    out = schemas.FriendshipOut(user_id=other, status=outcome.status)
    return Reply(201 if outcome.changed else 200, out)


def accept_friend_request(call: ApiCall) -> Reply:
    other = call.params["uid"]
    outcome = call.deps.friends.accept(call.uid, other, call.now)
    return Reply(200, schemas.FriendshipOut(user_id=other, status=outcome.status))


def delete_friend(call: ApiCall) -> Reply:
    call.deps.friends.remove(call.uid, call.params["uid"])
    return Reply(204)


def get_friends(call: ApiCall) -> Reply:
    return Reply(200, schemas.FriendsOut.model_validate(call.deps.friends.listing(call.uid, call.now)))


def get_openapi(call: ApiCall) -> Reply:
    return Reply(200, api_document(call.deps.allow_clock_override))


@cache
def api_document(clock_override: bool) -> schemas.Document:
    """Built once per instance: the route table is fixed at import."""
    return schemas.Document(openapi_document(API, clock_override))


API: RouteTable[ApiDependencies] = RouteTable(
    [
        Route(
            "POST",
            "/v1/sessions",
            post_session,
            "Report a focus session (201 new, 200 exact duplicate)",
            {201: schemas.SessionAcceptedOut, 200: schemas.SessionAcceptedOut},
            errors=(403, 409, 422),
            body=schemas.SessionIn,
        ),
        Route(
            "POST",
            "/v1/sessions:batch",
            post_batch,
            "Report up to 100 sessions; each gets its own status. With `Prefer: respond-async`: 202 and a job"
            " (the same Idempotency-Key again: 200 and the same job)",
            {200: schemas.BatchAnswer, 202: schemas.JobEnvelope},
            body=schemas.BatchIn,
        ),
        Route(
            "GET",
            "/v1/jobs/{id}",
            get_job,
            "An asynchronous batch (Prefer: respond-async); another user's job is 404",
            {200: schemas.JobEnvelope},
            errors=(404,),
        ),
        Route("GET", "/v1/me/streak", get_streak, "The caller's streak", {200: schemas.StreakOut}),
        Route(
            "GET",
            "/v1/me/calendar",
            get_calendar,
            "Every local day in a range (at most 366; default the last 35); ETag, If-None-Match gives 304",
            {200: schemas.CalendarOut, 304: None},
            errors=(422,),
            query=schemas.CalendarQuery,
        ),
        Route(
            "GET",
            "/v1/me/days/{date}",
            get_day,
            "One day explained",
            {200: schemas.DayExplainedOut},
            errors=(422,),
            path_schemas={"date": {"type": "string", "format": "date"}},
        ),
        Route(
            "GET",
            "/v1/me/notifications",
            get_notifications,
            "The caller's notifications, newest first, with their delivery status per channel",
            {200: schemas.NotificationsPageOut},
            errors=(422,),
            query=schemas.PageQuery,
        ),
        Route(
            "POST",
            "/v1/me/devices",
            post_device,
            "Register an FCM token for push (201 new, 200 already known)",
            {201: schemas.DeviceOut, 200: schemas.DeviceOut},
            body=schemas.DeviceIn,
        ),
        Route(
            "DELETE",
            "/v1/me/devices/{token}",
            delete_device,
            "Forget an FCM token (204, also when it was not registered)",
            {204: None},
        ),
        Route("GET", "/v1/me/settings", get_settings, "The caller's settings", {200: schemas.SettingsOut}),
        Route(
            "PATCH",
            "/v1/me/settings",
            patch_settings,
            "Change some settings (fields left out stay as they are)",
            {200: schemas.SettingsOut},
            body=schemas.SettingsPatch,
        ),
        Route(
            "POST",
            "/v1/me/pauses",
            post_pause,
            "Pause the streak on days to come (at most 14 days each, 30 a calendar year, no overlaps); an"
            " Idempotency-Key header makes a retry answer 200 with the same pause",
            {201: schemas.PauseCreatedOut, 200: schemas.PauseCreatedOut},
            errors=(409,),
            body=schemas.PauseIn,
        ),
        Route(
            "GET",
            "/v1/me/badges",
            get_badges,
            "The whole badge catalogue: when the caller earned each, their progress, and its rarity",
            {200: schemas.BadgesOut},
        ),
        Route(
            "GET",
            "/v1/me/insights",
            get_insights,
            "Figures over the weeks ending with local yesterday, the period before, and the chance of keeping"
            " the streak over the next 7 days (ETag; If-None-Match gives 304)",
            {200: schemas.InsightsOut, 304: None},
            errors=(422,),
            query=schemas.InsightsQuery,
        ),
        Route(
            "GET",
            "/v1/me/heatmap.svg",
            get_heatmap_svg,
            "A contribution-style heatmap of the caller's local days (a <title> per cell), as SVG",
            {200: None, 304: None},
            errors=(422,),
            query=schemas.HeatmapQuery,
            media_types=("image/svg+xml",),
        ),
        Route(
            "GET",
            "/v1/me/heatmap.png",
            get_heatmap_png,
            "The same heatmap as PNG",
            {200: None, 304: None},
            errors=(422,),
            query=schemas.HeatmapQuery,
            media_types=("image/png",),
        ),
        Route(
            "GET",
            "/v1/me/share-card",
            get_share_card,
            "The caller's current share card, 1200x630, as PNG or SVG",
            {200: None, 304: None},
            errors=(422,),
            query=schemas.ShareCardQuery,
            media_types=("image/png", "image/svg+xml"),
        ),
        Route(
            "POST",
            "/v1/shares",
            post_share,
            "Freeze the card as it is now (only the fields included) under an unguessable public link",
            {201: schemas.ShareCreatedOut},
            body=schemas.ShareIn,
        ),
        Route("GET", "/v1/shares", get_shares, "The caller's shares, newest first", {200: schemas.SharesOut}),
        Route(
            "DELETE",
            "/v1/shares/{id}",
            delete_share,
            "Revoke a share: its page and image are gone (404)",
            {204: None},
            errors=(404,),
        ),
        Route(
            "GET",
            "/s/{id}.png",
            public_share_image,
            "A share's frozen card as PNG (public, no token)",
            {200: None},
            errors=(404, 429),
            auth=Auth.NONE,
            media_types=("image/png",),
        ),
        Route(
            "GET",
            "/s/{id}",
            public_share_page,
            "A share's public page with Open Graph and Twitter tags (public, no token; counts one open)",
            {200: None},
            errors=(404, 429),
            auth=Auth.NONE,
            media_types=("text/html",),
        ),
        Route(
            "POST",
            "/v1/challenges",
            post_challenge,
            "Create a challenge: public ones need the admin claim, anyone may create a private one (its id"
            " is the invitation)",
            {201: schemas.ChallengeCreatedOut},
            errors=(403, 422),
            body=schemas.ChallengeIn,
        ),
        Route(
            "GET",
            "/v1/challenges",
            get_challenges,
            "Challenges by status: public ones, and the private ones the caller created or joined",
            {200: schemas.ChallengesOut},
            errors=(422,),
            query=schemas.ChallengesQuery,
        ),
        Route(
            "GET",
            "/v1/challenges/{id}",
            get_challenge,
            "A challenge, where the caller stands, and the first 20 participants",
            {200: schemas.ChallengeDetailOut},
            errors=(404,),
        ),
        Route(
            "POST",
            "/v1/challenges/{id}:join",
            join_challenge,
            "Join a challenge (again: nothing changes); progress counts the whole window so far",
            {200: schemas.ChallengeJoinedOut},
            errors=(404, 409),
        ),
        Route(
            "POST",
            "/v1/challenges/{id}:leave",
            leave_challenge,
            "Leave a challenge (204, also when not in it); a completed one cannot be left (409)",
            {204: None},
            errors=(404, 409),
        ),
        Route(
            "GET", "/v1/me/pauses", get_pauses, "The caller's pauses, by first day", {200: schemas.PausesOut}
        ),
        Route(
            "DELETE",
            "/v1/me/pauses/{id}",
            delete_pause,
            "Withdraw a pause: its days from today on are paused no more (earlier days stay paused)",
            {204: None},
        ),
        Route(
            "GET",
            "/v1/admin/maintenance-runs/{run_id}",
            get_maintenance_run,
            "A maintenance run's progress (admin claim required)",
            {200: schemas.MaintenanceRunOut},
            auth=Auth.ADMIN,
        ),
        Route(
            "POST",
            "/v1/admin/users/{uid}:rebuild",
            rebuild,
            "Recompute a user's days, streak and board entries from the session log and the recorded facts"
            " and report what differed (admin)",
            {200: schemas.RebuildOut},
            query=schemas.RebuildQuery,
            auth=Auth.ADMIN,
        ),
        Route(
            "POST",
            "/v1/admin/users/{uid}/freezes",
            post_freezes,
            "Give a user freezes, never above the cap (admin)",
            {200: schemas.FreezesOut},
            body=schemas.FreezesIn,
            auth=Auth.ADMIN,
        ),
        Route(
            "POST",
            "/v1/admin/outages",
            post_outage,
            "Record an outage (at most 72 h, already over): a run excuses the days it cost users and gives"
            " their freezes back; a dry run counts the users affected (admin)",
            {202: schemas.OutageRecordedOut, 200: schemas.OutageDryRunOut},
            errors=(422,),
            body=schemas.OutageIn,
            auth=Auth.ADMIN,
        ),
        Route(
            "POST",
            "/v1/admin/dead-letters:replay",
            replay_dead_letters,
            "Maintain dead-lettered users again; those that succeed leave the dead letters (admin)",
            {200: schemas.ReplayOut},
            body=schemas.ReplayIn,
            auth=Auth.ADMIN,
        ),
        Route(
            "GET",
            "/v1/leaderboard",
            get_leaderboard,
            "A leaderboard page and the caller's own rank (ETag; If-None-Match gives 304)",
            {200: schemas.LeaderboardOut, 304: None},
            errors=(422,),
            query=schemas.LeaderboardQuery,
        ),
        Route(
            "POST",
            "/v1/friends/requests",
            post_friend_request,
            "Ask a user to be friends (201 new; 200 pending or friends already; a mutual request befriends)",
            {201: schemas.FriendshipOut, 200: schemas.FriendshipOut},
            errors=(404, 409, 422),
            body=schemas.FriendRequestIn,
        ),
        Route(
            "POST",
            "/v1/friends/requests/{uid}:accept",
            accept_friend_request,
            "Accept a friend request",
            {200: schemas.FriendshipOut},
            errors=(404, 409, 422),
        ),
        Route(
            "GET",
            "/v1/friends",
            get_friends,
            "Friends with their streaks, and pending requests",
            {200: schemas.FriendsOut},
        ),
        Route(
            "DELETE",
            "/v1/friends/{uid}",
            delete_friend,
            "Unfriend, decline or withdraw (204, also when there was nothing to remove)",
            {204: None},
            errors=(404, 422),
        ),
        Route(
            "GET",
            "/v1/openapi.json",
            get_openapi,
            "This document",
            {200: schemas.Document},
            auth=Auth.NONE,
        ),
    ]
)


# --- the pipeline -----------------------------------------------------------------------------------------
def handle(request: flask.Request, deps: ApiDependencies) -> flask.Response:
    with request_context(request, "api") as log:
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
    route, params = API.match(request.method, request.path)
    log.routed(route.path)
    principal = None
    if route.auth is not Auth.NONE:
        principal = authenticate(request, deps)
        log.user_id = principal.uid
        context.set_user(principal.uid)
        if route.auth is Auth.ADMIN and not principal.admin:
            raise ApiError(403, "forbidden", "This endpoint needs the admin claim.")
        scope = LimitScope.READ if request.method in ("GET", "HEAD") else LimitScope.WRITE
        limit(deps, scope, principal.uid, headers)
    elif route.path.startswith("/s/"):  # public pages: limited per client address
        limit(deps, LimitScope.PUBLIC, f"ip:{request.remote_addr}", headers)
    now = current_instant(request, deps)
    body = parse_model(route.body, json_body(request)) if route.body is not None else None
    query = parse_model(route.query, request.args.to_dict()) if route.query is not None else None
    reply = route.handler(Call(request, deps, principal, now, params, body, query))
    log.fields.update(reply.log_fields)
    headers.update(reply.headers)
    payload = (
        reply.body.model_dump(mode="json", by_alias=True) if isinstance(reply.body, BaseModel) else reply.body
    )
    if reply.cache_control is not None:
        return conditional(request, reply.status, payload, reply.cache_control, headers)
    return reply.status, payload


def limit(deps: ApiDependencies, scope: LimitScope, identity: str, headers: dict[str, str]) -> None:
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
            "X-Now must be an RFC 3339 instant between 1900 and 9000.",
            issues_json([FieldIssue("X-Now", "invalid_instant", str(exc))]),
        ) from None
