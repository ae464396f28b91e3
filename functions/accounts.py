"""The `on_account_deleted` function: a Firebase account deleted outside our API (the console, the Admin
SDK) erases its user's data too. Eventarc delivers the Auth audit log's DeleteAccount entries."""

from __future__ import annotations

import logging
from typing import Any

from streak_core import context
from streak_core.domain.ids import is_user_id
from streak_core.function_dependencies import AccountDependencies
from streak_core.services.erasure import erase_user

LOG = logging.getLogger("streaks.accounts")
DELETE_ACCOUNT = "google.cloud.identitytoolkit.v1.AccountManagementService.DeleteAccount"


def deleted_uid(event: Any) -> str | None:
    """The user an audit-log event says was deleted, or None for any other event."""
    data = event.data if isinstance(getattr(event, "data", None), dict) else {}
    payload = data.get("protoPayload") or {}
    if not isinstance(payload, dict) or payload.get("methodName") != DELETE_ACCOUNT:
        return None
    request = payload.get("request") or {}
    uid = request.get("localId") if isinstance(request, dict) else None
    if not isinstance(uid, str):
        resource = str(payload.get("resourceName") or "")
        uid = resource.rsplit("/accounts/", 1)[-1] if "/accounts/" in resource else None
    return uid if isinstance(uid, str) and is_user_id(uid) else None


def handle_account_deleted(event: Any, deps: AccountDependencies) -> None:
    """Erase the deleted account's user; a failure raises, so Eventarc delivers the event again and the
    erasure resumes where it stopped."""
    with context.bound(None, "on_account_deleted"), context.time_budget(deps.time_budget):
        uid = deleted_uid(event)
        if uid is None:
            LOG.warning("event ignored: not an account deletion")
            return
        context.set_user(uid)
        erase_user(deps.eraser, deps.accounts, uid, deps.clock.now())
