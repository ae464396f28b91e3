"""The dispatcher on the real emulator: statuses recorded on the entry, stale tokens pruned, sent once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from streak_core.adapters.firestore.client import LazyFirestore
from streak_core.adapters.firestore.outbox import FirestoreOutboxStore
from streak_core.adapters.firestore.users import FirestoreUserStore
from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.sessions import SessionFields
from streak_core.domain.vocabulary import Platform
from streak_core.services.cursors import Cursors
from streak_core.services.dispatch import Dispatcher
from streak_core.services.queries import list_notifications
from streak_core.services.sessions import accept_sessions
from tests.unit.fakes import FakeEmail, FakeLater, FakePush

pytestmark = pytest.mark.integration
NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)


def test_a_milestone_is_dispatched_once_and_its_statuses_are_stored(firestore_client: Any) -> None:
    lazy = LazyFirestore(None, factory=lambda _: firestore_client)
    users = FirestoreUserStore(lazy)
    uid = f"n-{uuid.uuid4().hex[:10]}"
    raws = [
        SessionFields(f"s{d}", f"2026-11-{d}T08:00:00Z", f"2026-11-{d}T09:00:00Z", "UTC")
        for d in range(15, 22)
    ]
    accept_sessions(users, uid, raws, NOW, DEFAULT_CONFIG)
    users.add_device(uid, "good-token", Platform.IOS, NOW)
    users.add_device(uid, "stale-token", Platform.ANDROID, NOW)
    push, email = FakePush(invalid={"stale-token"}), FakeEmail()
    outbox = FirestoreOutboxStore(lazy, email_of=lambda user: f"{user}@example.com")
    dispatcher = Dispatcher(outbox, push, email, FakeLater())
    entry_id = f"{uid}:milestone:7-2026-11-15"

    assert dispatcher.dispatch(entry_id, NOW).statuses == {"push": "sent", "email": "sent"}
    dispatcher.dispatch(entry_id, NOW)
    assert (len(push.sent), len(email.sent)) == (1, 1)
    assert sorted(push.sent[0][0]) == ["good-token", "stale-token"]
    assert email.sent[0][0] == f"{uid}@example.com"
    stored = firestore_client.collection("outbox").document(entry_id).get().to_dict()
    assert (stored["channels"], stored["attempts_by_channel"]) == (
        {"push": "sent", "email": "sent"},
        {"push": 1, "email": 1},
    )
    devices = firestore_client.collection("users").document(uid).collection("devices").stream()
    assert [d.get("token") for d in devices] == ["good-token"]
    page = list_notifications(users, Cursors("k"), uid, 10, None)
    assert page.notifications[0].channels == {"push": "sent", "email": "sent"}
