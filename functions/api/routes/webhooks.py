"""The operators' webhook routes (the `admin` claim): endpoints, their delivery history, and replays."""

from __future__ import annotations

from functions.api.presenters.webhooks import (
    DeliveriesOut,
    DeliveryEnvelope,
    NewWebhookEnvelope,
    WebhookEnvelope,
    WebhookIn,
    WebhookPatch,
    WebhooksOut,
    delivery_out,
    webhook_out,
    with_secret,
)
from functions.fields import PageQuery
from functions.routing import Auth, Call, Reply, Routes, Tag
from streak_core.areas import WebhookDeps
from streak_core.domain.ids import is_document_id
from streak_core.domain.webhooks import LANES, MAX_ENDPOINTS
from streak_core.errors import DeliveryNotFound, WebhookNotFound

HookCall = Call[WebhookDeps]


ROUTES: Routes[WebhookDeps] = Routes(auth=Auth.ADMIN)


@ROUTES.post(
    "/v1/admin/webhooks",
    {201: NewWebhookEnvelope},
    errors=(409, 422),
    body=WebhookIn,
    description=f"Register a webhook endpoint (at most {MAX_ENDPOINTS}); its signing secret is in this"
    " answer only (admin)",
    operation_id="createWebhook",
)
def post_webhook(call: HookCall) -> Reply:
    """Register a webhook endpoint"""
    body = call.body_as(WebhookIn)
    endpoint, secret = call.deps.webhooks.register(body.url, body.events, body.description, call.now)
    return Reply(201, with_secret(endpoint, secret))


@ROUTES.get("/v1/admin/webhooks", {200: WebhooksOut}, operation_id="listWebhooks")
def list_webhooks(call: HookCall) -> Reply:
    """List webhook endpoints

    The webhook endpoints, oldest first (admin)
    """
    found = sorted(call.deps.webhooks.store.endpoints(), key=lambda e: (e.created_at, e.id))
    return Reply(200, WebhooksOut(webhooks=[webhook_out(e) for e in found]))


@ROUTES.get(
    "/v1/admin/webhooks/{id}",
    {200: WebhookEnvelope},
    errors=(404,),
    operation_id="getWebhook",
)
def get_webhook(call: HookCall) -> Reply:
    """Get a webhook endpoint

    One webhook endpoint (admin)
    """
    return Reply(200, WebhookEnvelope(webhook=webhook_out(call.deps.webhooks.endpoint(_id(call)))))


@ROUTES.patch(
    "/v1/admin/webhooks/{id}",
    {200: WebhookEnvelope},
    errors=(404, 422),
    body=WebhookPatch,
    operation_id="updateWebhook",
)
def patch_webhook(call: HookCall) -> Reply:
    """Change a webhook endpoint

    Change an endpoint's URL, events, description or status (admin)
    """
    body = call.body_as(WebhookPatch)
    changed = call.deps.webhooks.update(
        _id(call), call.now, body.url, body.events, body.description, body.status
    )
    return Reply(200, WebhookEnvelope(webhook=webhook_out(changed)))


@ROUTES.delete("/v1/admin/webhooks/{id}", {204: None}, errors=(404,), operation_id="deleteWebhook")
def delete_webhook(call: HookCall) -> Reply:
    """Delete a webhook endpoint

    Delete an endpoint and its delivery history (admin)
    """
    call.deps.webhooks.delete(_id(call))
    return Reply(204, None)


@ROUTES.get(
    "/v1/admin/webhooks/{id}/deliveries",
    {200: DeliveriesOut},
    errors=(404,),
    query=PageQuery,
    description="An endpoint's deliveries, newest first, with their attempts and last status codes"
    f" (sent over {LANES} lanes, in order per user) (admin)",
    operation_id="listWebhookDeliveries",
)
def list_deliveries(call: HookCall) -> Reply:
    """List an endpoint's deliveries"""
    query, deps, endpoint_id = call.query_as(PageQuery), call.deps, _id(call)
    after = deps.cursors.delivery_position(endpoint_id, query.cursor) if query.cursor else None
    page, position = deps.webhooks.deliveries(endpoint_id, after, query.limit)
    cursor = deps.cursors.deliveries(endpoint_id, position) if position is not None else None
    return Reply(200, DeliveriesOut(deliveries=[delivery_out(d) for d in page], next_cursor=cursor))


@ROUTES.post(
    "/v1/admin/webhooks/{id}/deliveries/{delivery_id}:retry",
    {202: DeliveryEnvelope},
    errors=(404, 409),
    operation_id="retryWebhookDelivery",
)
def retry_delivery(call: HookCall) -> Reply:
    """Send a delivery again

    Send a delivery again, with a fresh retry window (admin)
    """
    again = call.deps.webhooks.retry(_id(call), _delivery_id(call), call.now)
    return Reply(202, DeliveryEnvelope(delivery=delivery_out(again)))


@ROUTES.post(
    "/v1/admin/webhooks/{id}:rotate-secret",
    {200: NewWebhookEnvelope},
    errors=(404,),
    operation_id="rotateWebhookSecret",
)
def rotate_secret(call: HookCall) -> Reply:
    """Rotate an endpoint's signing secret

    A new signing secret, in this answer only. For 24 hours every delivery carries two signatures in
    webhook-signature (`v1,<new> v1,<old>`), so receivers switch at their pace; then the new one only (admin)
    """
    endpoint, secret = call.deps.webhooks.rotate_secret(_id(call), call.now)
    return Reply(200, with_secret(endpoint, secret))


def _id(call: HookCall) -> str:
    """An id that cannot name a stored document names no endpoint (404 before any read)."""
    endpoint_id = call.params["id"]
    if not is_document_id(endpoint_id):
        raise WebhookNotFound
    return endpoint_id


def _delivery_id(call: HookCall) -> str:
    delivery_id = call.params["delivery_id"]
    if not is_document_id(delivery_id):
        raise DeliveryNotFound
    return delivery_id


TAG = Tag(
    "Webhooks",
    "Signed events out (Standard Webhooks), at least once and in order per user. The `admin` claim is"
    " required.",
)
