"""Signing deliveries per Standard Webhooks: an endpoint's secret, and the one before it while a rotation
overlaps."""

from __future__ import annotations

import secrets
from base64 import b64encode
from dataclasses import dataclass
from datetime import datetime

from standardwebhooks.webhooks import Webhook

from streak_core.models.webhooks import Endpoint
from streak_core.ports.webhooks import SecretBox


@dataclass(frozen=True)
class Signer:
    """Signs a delivery with the endpoint's secret, and with the one before it while a rotation overlaps:
    `v1,<new> v1,<old>` (space separated), which any Standard Webhooks verifier accepts with either."""

    webhooks: tuple[Webhook, ...]

    @classmethod
    def of(cls, endpoint: Endpoint, box: SecretBox, real_now: datetime) -> Signer:
        sealed = [endpoint.sealed_secret]
        until = endpoint.previous_secret_until
        if endpoint.previous_sealed_secret is not None and until is not None and real_now < until:
            sealed.append(endpoint.previous_sealed_secret)
        return cls(tuple(Webhook(box.open(s)) for s in sealed))

    def signature(self, message_id: str, at: datetime, payload: str) -> str:
        return " ".join(w.sign(message_id, at, payload) for w in self.webhooks)


def new_secret() -> str:
    """A Standard Webhooks signing secret: `whsec_` and 24 random bytes, base64."""
    return "whsec_" + b64encode(secrets.token_bytes(24)).decode()
