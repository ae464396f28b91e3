"""The deployed function targets, bound to the dependencies `streak_core.bootstrap` builds."""

from __future__ import annotations

from typing import Any

import flask
import functions_framework

from functions.api import handle
from functions.maintenance import handle_batch, handle_retry, handle_tick
from functions.notifications import handle_notifications
from streak_core.bootstrap import api_dependencies, maintenance_dependencies, notification_dependencies


@functions_framework.http
def api(request: flask.Request) -> flask.Response:
    return handle(request, api_dependencies())


@functions_framework.cloud_event
def on_maintenance_tick(event: Any) -> None:
    handle_tick(event, maintenance_dependencies())


@functions_framework.cloud_event
def on_maintenance_batch(event: Any) -> None:
    handle_batch(event, maintenance_dependencies())


@functions_framework.http
def maintenance_retry(request: flask.Request) -> flask.Response:
    return handle_retry(request, maintenance_dependencies())


@functions_framework.http
def notifications(request: flask.Request) -> flask.Response:
    return handle_notifications(request, notification_dependencies())
