"""The deployed function targets, bound to the dependencies `streak_core.bootstrap` builds.

Each target imports its own handler and dependencies on its first call, not here: every function is
deployed from this one module, and an `api` instance has no use for the maintenance or notification code
(each area imported is 10-60 ms of every cold start; bench/coldstart.py measures it)."""

from __future__ import annotations

from typing import Any

import flask
import functions_framework
from werkzeug.exceptions import HTTPException

from functions import logs
from functions.http import ApiError, respond
from functions.routing import method_not_allowed
from functions.startup import settles
from streak_core.settings import settings


@functions_framework.http
@settles
def api(request: flask.Request) -> flask.Response:
    configure_logs()
    from functions.api.pipeline import handle
    from streak_core.bootstrap import api_dependencies

    return handle(request, api_dependencies())


@functions_framework.cloud_event
@settles
def on_maintenance_tick(event: Any) -> None:
    configure_logs()
    from functions.maintenance import handle_tick
    from streak_core.bootstrap import maintenance_dependencies

    handle_tick(event, maintenance_dependencies())


@functions_framework.cloud_event
@settles
def on_maintenance_batch(event: Any) -> None:
    configure_logs()
    from functions.maintenance import handle_batch
    from streak_core.bootstrap import maintenance_dependencies

    handle_batch(event, maintenance_dependencies())


@functions_framework.http
@settles
def maintenance_retry(request: flask.Request) -> flask.Response:
    configure_logs()
    from functions.maintenance import handle_retry
    from streak_core.bootstrap import maintenance_dependencies

    return handle_retry(request, maintenance_dependencies())


@functions_framework.http
@settles
def session_jobs(request: flask.Request) -> flask.Response:
    configure_logs()
    from functions.jobs import handle_jobs
    from streak_core.bootstrap import job_dependencies

    return handle_jobs(request, job_dependencies())


@functions_framework.cloud_event
@settles
def on_account_deleted(event: Any) -> None:
    configure_logs()
    from functions.accounts import handle_account_deleted
    from streak_core.bootstrap import account_dependencies

    handle_account_deleted(event, account_dependencies())


@functions_framework.http
@settles
def notifications(request: flask.Request) -> flask.Response:
    configure_logs()
    from functions.notifications import handle_notifications
    from streak_core.bootstrap import notification_dependencies

    return handle_notifications(request, notification_dependencies())


def configure_logs() -> None:
    """JSON log lines from the first request of an instance on (cached: a no-op after the first call)."""
    logs.configure(settings().project_id)


def http_error(error: HTTPException) -> flask.Response:
    """What the framework's own router refuses before a function runs (a path its rule cannot match, such
    as one holding a newline; a method of a Pub/Sub target), in the API's JSON error shape, never HTML."""
    status = error.code or 500
    if status == 405:
        allowed = getattr(error, "valid_methods", None) or []
        answer = method_not_allowed(flask.request.method, allowed)
    elif status == 404:
        answer = ApiError(404, "not_found", "No such route.")
    else:
        answer = ApiError(status, "bad_request" if status < 500 else "internal", error.name)
    return respond(answer.status, answer.body(), answer.headers)


# The framework creates one Flask app per target and exposes its error-handler registry while it imports
# this module; registering here is its documented way to shape what its router answers.
functions_framework.errorhandler(HTTPException)(http_error)
