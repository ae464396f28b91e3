"""Request headers some routes read: `Prefer` (RFC 7240) and `Idempotency-Key`."""

from __future__ import annotations

import re

import flask

from functions.http import ApiError, issues_json
from streak_core.domain.sessions import FieldIssue

IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,255}")


def prefers_async(request: flask.Request) -> bool:
    """RFC 7240: `Prefer` holds comma-separated preferences, each maybe with parameters."""
    wanted = (part.split(";")[0].strip().lower() for part in request.headers.get("Prefer", "").split(","))
    return "respond-async" in wanted


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
