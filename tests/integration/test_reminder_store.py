"""Reminder bookkeeping on the emulator: the due query, guarded moves, and one entry per user and day."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from streak_core.adapters.firestore.client import LazyFirestore
from streak_core.adapters.firestore.reminders import FirestoreReminderStore
from streak_core.adapters.firestore.users import FirestoreProfiles, FirestoreUserStore
from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.sessions import SessionFields
from streak_core.domain.vocabulary import NotificationKind
from streak_core.models.notifications import OutboxEntry
from streak_core.services.sessions import accept_sessions

pytestmark = pytest.mark.integration
# Far in the past, so only this module's users are due when the query runs.
ACCEPTED = datetime(2001, 1, 10, 12, tzinfo=UTC)


@pytest.fixture
def stores(firestore_client: Any) -> tuple[FirestoreUserStore, FirestoreReminderStore, Any]:
    lazy = LazyFirestore(None, factory=lambda _: firestore_client)
    return FirestoreUserStore(lazy), FirestoreReminderStore(lazy), firestore_client


def new_user(users: FirestoreUserStore) -> str:
    uid = f"r-{uuid.uuid4().hex[:10]}"
    raw = SessionFields("a", "2001-01-10T08:00:00Z", "2001-01-10T08:10:00Z", "UTC")
    accept_sessions(users, uid, [raw], ACCEPTED, DEFAULT_CONFIG)
    return uid


def test_a_new_streak_is_due_and_a_guarded_move_takes_it_out(stores: Any) -> None:
    users, reminders, client = stores
    uid = new_user(users)
    [due] = [c for c in reminders.due_reminders(ACCEPTED, 500) if c.uid == uid]
    profiles = FirestoreProfiles(LazyFirestore(None, factory=lambda _: client))
    assert profiles.focus_seconds([(uid, ACCEPTED.date())]) == {(uid, ACCEPTED.date()): 600}

    later = datetime(2001, 1, 10, 20, tzinfo=UTC)
    entry = OutboxEntry(uid, NotificationKind.REMINDER, "2001-01-10", {"minutes": 20, "streak": 1}, ACCEPTED)
    assert reminders.commit_reminders([(due, later, entry)]) == [entry.id]
    assert uid not in [c.uid for c in reminders.due_reminders(ACCEPTED, 500)]
    assert client.collection("streaks").document(uid).get().get("reminder_at") == later


def test_a_stale_read_writes_nothing_and_the_user_stays_due(stores: Any) -> None:
    users, reminders, client = stores
    uid = new_user(users)
    [stale] = [c for c in reminders.due_reminders(ACCEPTED, 500) if c.uid == uid]
    raw = SessionFields("b", "2001-01-10T09:00:00Z", "2001-01-10T09:05:00Z", "UTC")
    accept_sessions(users, uid, [raw], ACCEPTED, DEFAULT_CONFIG)  # the streak changes after the read

    entry = OutboxEntry(uid, NotificationKind.REMINDER, "2001-01-10", {"minutes": 15, "streak": 1}, ACCEPTED)
    assert reminders.commit_reminders([(stale, datetime(2001, 1, 10, 20, tzinfo=UTC), entry)]) == []
    assert not client.collection("outbox").document(entry.id).get().exists
    assert uid in [c.uid for c in reminders.due_reminders(ACCEPTED, 500)]


def test_a_second_reminder_the_same_day_is_not_written_but_the_user_moves_on(stores: Any) -> None:
    users, reminders, client = stores
    uid = new_user(users)
    first = OutboxEntry(uid, NotificationKind.REMINDER, "2001-01-10", {"minutes": 20, "streak": 1}, ACCEPTED)
    [due] = [c for c in reminders.due_reminders(ACCEPTED, 500) if c.uid == uid]
    reminders.commit_reminders([(due, ACCEPTED, first)])  # still due: as if settings moved the hour
    client.collection("outbox").document(first.id).update({"channels.push": "sent"})

    [again] = [c for c in reminders.due_reminders(ACCEPTED, 500) if c.uid == uid]
    other = new_user(users)
    [fresh] = [c for c in reminders.due_reminders(ACCEPTED, 500) if c.uid == other]
    second = OutboxEntry(uid, NotificationKind.REMINDER, "2001-01-10", {"minutes": 5, "streak": 1}, ACCEPTED)
    nxt = datetime(2001, 1, 11, 20, tzinfo=UTC)
    ok = OutboxEntry(other, NotificationKind.REMINDER, "2001-01-10", {"minutes": 20, "streak": 1}, ACCEPTED)
    assert reminders.commit_reminders([(again, nxt, second), (fresh, nxt, ok)]) == [ok.id]
    kept = client.collection("outbox").document(first.id).get().to_dict()
    assert (kept["data"]["minutes"], kept["channels"]["push"]) == (20, "sent")
    assert client.collection("streaks").document(uid).get().get("reminder_at") == nxt
