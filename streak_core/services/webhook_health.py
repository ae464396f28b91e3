"""An endpoint's health after each attempt: a success clears its failing streak, three days of failures (or
a 410 Gone) disable it, and the operators hear of it through the alert on the log line."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from streak_core.domain.vocabulary import DisabledReason, EndpointStatus
from streak_core.domain.webhooks import RETRY_WINDOW
from streak_core.models.webhooks import Endpoint
from streak_core.ports.webhooks import WebhookStore

log = logging.getLogger(__name__)


def health(store: WebhookStore, endpoint: Endpoint, delivered: bool, now: datetime) -> Endpoint:
    """Success clears the failing streak; failing every attempt for the retry window disables it."""
    if delivered:
        if endpoint.failing_since is None:
            return endpoint
        healthy = replace(endpoint, failing_since=None)
        store.save_endpoint(healthy)
        return healthy
    if endpoint.failing_since is None:
        failing = replace(endpoint, failing_since=now)
        store.save_endpoint(failing)
        return failing
    if now - endpoint.failing_since < RETRY_WINDOW:
        return endpoint
    return disable(store, endpoint, DisabledReason.FAILING, now)


def disable(store: WebhookStore, endpoint: Endpoint, reason: DisabledReason, now: datetime) -> Endpoint:
    disabled = replace(
        endpoint, status=EndpointStatus.DISABLED, disabled_at=now, disabled_reason=reason, updated_at=now
    )
    store.save_endpoint(disabled)
    log.error(  # what the "webhook endpoint disabled" alert counts; the operators hear of it there
        "webhook endpoint disabled",
        extra={
            "webhook": endpoint.id,
            "url": endpoint.url,
            "reason": reason.value,
            "failing_since": str(endpoint.failing_since),
            "webhook_disabled": True,
        },
    )
    return disabled
