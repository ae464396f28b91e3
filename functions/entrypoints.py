"""The deployed function targets, bound to the dependencies `streak_core.bootstrap` builds."""

from __future__ import annotations

import flask
import functions_framework

from functions.api import handle
from streak_core.bootstrap import api_dependencies


@functions_framework.http
def api(request: flask.Request) -> flask.Response:
    return handle(request, api_dependencies())
