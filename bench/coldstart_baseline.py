"""The cold-start baseline: a minimal functions-framework function that writes one session document to
Firestore (a client made on the first request, as ours is) and answers 201. bench/coldstart.py serves it."""

from __future__ import annotations

import json
from typing import Any

import flask

_client: Any = None


def baseline(request: flask.Request) -> flask.Response:
    global _client  # made once, on the first request: what every function does at a cold start
    if _client is None:
        from google.cloud import firestore

        _client = firestore.Client()
    body = request.get_json(silent=True) or {}
    ref = (
        _client.collection("users").document("baseline").collection("sessions").document(str(body.get("id")))
    )
    ref.set({"start": body.get("start"), "end": body.get("end"), "timezone": body.get("timezone")})
    return flask.Response(json.dumps({"ok": True}), status=201, mimetype="application/json")
