"""The webhooks area's schemas and presenters: its request and response models and how views become them."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StrictStr

from functions.fields import Instant, Model, Strict, View
from streak_core.domain.vocabulary import DisabledReason, EndpointStatus, EventType, HookDeliveryStatus
from streak_core.domain.webhooks import ALL_EVENTS, MAX_DESCRIPTION, MAX_URL_CHARS
from streak_core.models.webhooks import Delivery, Endpoint

EVENT_NAMES = [ALL_EVENTS, *(t.value for t in EventType)]


EventName = Annotated[StrictStr, Field(json_schema_extra={"enum": EVENT_NAMES})]


Url = Annotated[StrictStr, Field(min_length=1, max_length=MAX_URL_CHARS)]


Description = Annotated[StrictStr, Field(max_length=MAX_DESCRIPTION)]


Events = Annotated[
    list[EventName],
    Field(
        min_length=1,
        max_length=len(EVENT_NAMES),
        description='Event types to receive, or ["*"] for all of them',
    ),
]


class WebhookIn(Strict):
    url: Url = Field(description="https:// (http://127.0.0.1 on local stacks); public addresses only")
    events: Events
    description: Description | None = None


class WebhookPatch(Strict):
    url: Url | None = None
    events: Events | None = None
    description: Description | None = None
    status: EndpointStatus | None = Field(
        default=None, description="enabled again after being disabled: its failing streak starts afresh"
    )


class WebhookOut(View):
    id: str
    url: str
    events: list[str]
    description: str | None
    status: EndpointStatus
    created_at: Instant
    updated_at: Instant
    disabled_at: Instant | None
    disabled_reason: DisabledReason | None = Field(
        description="gone: it answered 410; failing: every attempt failed for 3 days; operator: PATCHed"
    )
    previous_secret_until: Instant | None = Field(
        description="After a rotation: until when deliveries carry the old secret's signature too"
    )


class NewWebhookOut(WebhookOut):
    secret: str = Field(description="whsec_…: the Standard Webhooks signing secret, shown only here")


class NewWebhookEnvelope(Model):
    webhook: NewWebhookOut


class WebhookEnvelope(Model):
    webhook: WebhookOut


class WebhooksOut(Model):
    webhooks: list[WebhookOut]


class DeliveryOut(View):
    id: str
    event_id: str
    type: EventType
    status: HookDeliveryStatus
    attempts: int
    last_status_code: int | None
    last_error: str | None
    next_attempt_at: Instant | None
    created_at: Instant | None


class DeliveriesOut(Model):
    deliveries: list[DeliveryOut] = Field(description="Newest first")
    next_cursor: str | None


class DeliveryEnvelope(Model):
    delivery: DeliveryOut


def webhook_out(endpoint: Endpoint) -> WebhookOut:
    return WebhookOut.model_validate(endpoint)


def delivery_out(delivery: Delivery) -> DeliveryOut:
    return DeliveryOut.model_validate(delivery)


def with_secret(endpoint: Endpoint, secret: str) -> NewWebhookEnvelope:
    return NewWebhookEnvelope(
        webhook=NewWebhookOut.model_validate({**webhook_out(endpoint).model_dump(), "secret": secret})
    )
