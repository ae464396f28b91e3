"""The Auth audit log's DeleteAccount entries, as Eventarc delivers them, erase their user."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from functions.accounts import DELETE_ACCOUNT, deleted_uid, handle_account_deleted
from streak_core.function_dependencies import AccountDependencies
from tests.unit.fakes import (
    FakeAccounts,
    FakeVerifier,
    FixedClock,
    InMemoryEraser,
    InMemoryShareStore,
    InMemoryUserStore,
)

pytestmark = pytest.mark.unit


def audit_event(method: str, request: dict[str, str] | None = None, resource: str = "") -> SimpleNamespace:
    payload = {
        "methodName": method,
        "serviceName": "identitytoolkit.googleapis.com",
        "resourceName": resource,
    }
    if request is not None:
        payload["request"] = request  # type: ignore[assignment]
    return SimpleNamespace(data={"protoPayload": payload}, get=lambda key: "e1")


def test_the_deleted_user_is_read_from_the_request_or_the_resource_name() -> None:
    assert deleted_uid(audit_event(DELETE_ACCOUNT, {"localId": "u-42"})) == "u-42"
    assert deleted_uid(audit_event(DELETE_ACCOUNT, None, "projects/p1/accounts/u-43")) == "u-43"
    assert (
        deleted_uid(
            audit_event("google.cloud.identitytoolkit.v1.AccountManagementService.SignUp", {"localId": "u"})
        )
        is None
    )
    assert deleted_uid(audit_event(DELETE_ACCOUNT, {"localId": "a/b"})) is None  # no user can have it


def test_a_deletion_event_erases_its_user() -> None:
    users = InMemoryUserStore()
    users._user("u-42")  # a user with (empty) documents
    verifier = FakeVerifier()
    eraser = InMemoryEraser(users, InMemoryShareStore())
    deps = AccountDependencies(eraser, FakeAccounts(verifier), FixedClock(datetime(2026, 11, 21, tzinfo=UTC)))
    handle_account_deleted(audit_event(DELETE_ACCOUNT, {"localId": "u-42"}), deps)
    assert "u-42" not in users.users
    assert eraser.receipts["u-42"].finished_at is not None
