"""Notifications end to end: outbox entries go through the Cloud Tasks emulator to the `notifications`
function, which pushes to the local FCM capture server and mails the local SMTP server."""

from __future__ import annotations

import email
import email.policy
import uuid
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import pytest
import requests

from devstack.stack import TASKS_LOCATION, Stack
from devstack.tick import publish
from streak_core.adapters.cloud_tasks import CloudTasksDispatchQueue, CloudTasksQueue
from streak_core.adapters.firestore.documents import outbox_to_doc
from streak_core.domain.vocabulary import NotificationKind
from streak_core.models.notifications import OutboxEntry
from tests.conftest import AuthEmulator
from tests.e2e.conftest import AppUser, eventually

pytestmark = pytest.mark.e2e


class Phone:
    """A user with an email address on their Auth record and a registered FCM token."""

    def __init__(self, stack: Stack, auth: AuthEmulator, firestore: Any, token_prefix: str = "tok") -> None:
        self.email = f"u-{uuid.uuid4().hex[:10]}@example.com"
        uid, id_token = auth.sign_up_with(self.email)
        self.user = AppUser(f"http://{stack.hosts['functions']}", uid, id_token, firestore)
        self.stack = stack
        self.device = f"{token_prefix}-{uuid.uuid4().hex}"

    def register(self, device: str | None = None) -> None:
        body = {"token": device or self.device, "platform": "android"}
        assert self.user.call("POST", "/v1/me/devices", json=body).status_code in (200, 201)

    def pushes(self, device: str | None = None) -> list[dict[str, Any]]:
        captured = requests.get(
            f"{self.stack.fcm_url}/captured", params={"token": device or self.device}, timeout=10
        )
        return [m["message"] for m in captured.json()["messages"]]

    def mails(self) -> list[EmailMessage]:
        found = []
        for path in sorted((self.stack.mailbox / "new").glob("*")):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if message["To"] == self.email:
                found.append(message)
        return found  # type: ignore[return-value]

    def entry(self, entry_id: str) -> dict[str, Any]:
        doc = self.user.firestore.collection("outbox").document(entry_id).get()
        return doc.to_dict() or {}

    def settled(self, entry_id: str, timeout: float = 40) -> dict[str, Any]:
        def probe() -> dict[str, Any] | None:
            entry = self.entry(entry_id)
            done = entry and all(s in ("sent", "skipped", "failed") for s in entry["channels"].values())
            return entry if done and "lease_until" not in entry else None

        return eventually(probe, timeout, what=f"{entry_id} to settle")

    def write_entry(self, kind: str, key: str, data: dict[str, int | str], created_at: datetime) -> str:
        """An entry as a committed state change leaves it, without announcing it."""
        entry = OutboxEntry(self.user.uid, NotificationKind(kind), key, data, created_at)
        self.user.firestore.collection("outbox").document(entry.id).create(outbox_to_doc(entry))
        return entry.id


@pytest.fixture
def phone(stack: Stack, auth_emulator: AuthEmulator, firestore_client: Any) -> Phone:
    made = Phone(stack, auth_emulator, firestore_client)
    made.register()
    return made


@pytest.fixture
def queue(stack: Stack) -> CloudTasksDispatchQueue:
    url = f"http://{stack.hosts['notify']}/dispatch"
    tasks = CloudTasksQueue(stack.project_id, TASKS_LOCATION, "notifications", url, stack.hosts["tasks"])
    return CloudTasksDispatchQueue(tasks)


def notify(stack: Stack, route: str, body: dict[str, object]) -> dict[str, Any]:
    response = requests.post(f"http://{stack.hosts['notify']}/{route}", json=body, timeout=60)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_a_seven_day_milestone_reaches_the_phone_and_the_inbox(phone: Phone) -> None:
    phone.user.focus_days(range(15, 22))
    entry = phone.settled(f"{phone.user.uid}:milestone:7-2026-11-15")

    assert entry["channels"] == {"push": "sent", "email": "sent"}
    [push] = phone.pushes()
    assert push["notification"] == {
        "title": "7 days of focus!",
        "body": "You reached a 7-day streak. Keep it going!",
    }
    assert push["data"]["kind"] == "milestone"
    badge = phone.settled(f"{phone.user.uid}:badge_earned:streak-7")
    assert badge["channels"] == {"push": "skipped", "email": "sent"}  # one push per acceptance
    mails = eventually(lambda: phone.mails() if len(phone.mails()) == 2 else [], what="both emails")
    assert {m["Subject"] for m in mails} == {"7 days of focus!", "New badge: 7-day streak"}
    [mail] = [m for m in mails if m["Subject"] == "7 days of focus!"]
    assert "You reached a 7-day streak" in mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "<h1>7 days of focus!</h1>" in mail.get_body(("html",)).get_content()  # type: ignore[union-attr]


def test_the_same_entry_dispatched_twice_is_sent_once(phone: Phone, stack: Stack) -> None:
    phone.user.focus_days(range(15, 22))
    entry_id = f"{phone.user.uid}:milestone:7-2026-11-15"
    phone.settled(entry_id)

    again = notify(stack, "dispatch", {"entry_id": entry_id})
    assert again["channels"] == {"push": "sent", "email": "sent"}
    assert len(phone.pushes()) == 1  # the streak-7 badge of the same acceptance is not pushed
    assert [m["Subject"] for m in phone.mails()].count("7 days of focus!") == 1
    assert phone.entry(entry_id)["attempts_by_channel"] == {"push": 1, "email": 1}


KINDS = [
    ("freeze_applied", {"streak": 12, "freezes_left": 1}, "A freeze saved your streak",
     "You missed a day, so a freeze kept your 12-day streak alive. Freezes left: 1."),
    ("streak_broken", {"length_lost": 9}, "Your streak ended",
     "Your 9-day streak ended. Start a new one today!"),
    ("weekly_bonus", {"qualified_days": 5, "week": "2026-W47", "xp": 50}, "Weekly bonus: +50 XP",
     "You focused on 5 days in week 2026-W47 and earned 50 XP."),
    ("streak_restored", {"days": 4}, "Your streak is back",
     "Late sessions filled the gap: your streak is 4 days again."),
    ("reminder", {"minutes": 20, "streak": 3}, "Keep your 3-day streak",
     "20 more minutes to keep your 3-day streak."),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "data", "title", "body"), KINDS, ids=[k[0] for k in KINDS])
def test_each_kind_reaches_push_and_email_with_its_text(
    phone: Phone, queue: CloudTasksDispatchQueue, kind: str, data: dict[str, object], title: str, body: str
) -> None:
    created = datetime(2026, 11, 21, 12, tzinfo=UTC)
    entry_id = phone.write_entry(kind, "2026-11-21", data, created)
    queue.dispatch_at(entry_id, created)

    assert phone.settled(entry_id)["channels"] == {"push": "sent", "email": "sent"}
    assert [p["notification"] for p in phone.pushes()] == [{"title": title, "body": body}]
    [mail] = eventually(phone.mails, what=f"the {kind} email")
    assert mail["Subject"] == title
    assert body in mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def test_french_users_get_french_text(phone: Phone, queue: CloudTasksDispatchQueue) -> None:
    assert phone.user.call("PATCH", "/v1/me/settings", json={"locale": "fr"}).status_code == 200
    created = datetime(2026, 11, 21, 12, tzinfo=UTC)
    entry_id = phone.write_entry("streak_broken", "2026-11-20", {"length_lost": 9}, created)
    queue.dispatch_at(entry_id, created)

    phone.settled(entry_id)
    assert phone.pushes()[0]["notification"]["title"] == "Votre série est terminée"


def test_a_disabled_channel_is_skipped_with_the_reason(phone: Phone) -> None:
    patch = {"notifications": {"email": False}}
    assert phone.user.call("PATCH", "/v1/me/settings", json=patch).status_code == 200
    phone.user.focus_days(range(15, 22))

    entry = phone.settled(f"{phone.user.uid}:milestone:7-2026-11-15")
    assert entry["channels"] == {"push": "sent", "email": "skipped"}
    assert entry["details"]["email"] == "email is turned off"
    assert phone.mails() == []
    listed = phone.user.call("GET", "/v1/me/notifications").json()["notifications"]
    assert listed[0]["channels"] == {"push": "sent", "email": "skipped"}


def test_quiet_hours_hold_a_notification_until_they_end(phone: Phone) -> None:
    settings = {
        "timezone": "Europe/Paris",
        "notifications": {"quiet_hours": {"start": "22:00", "end": "07:00"}},
    }
    assert phone.user.call("PATCH", "/v1/me/settings", json=settings).status_code == 200
    # 23:30 in Paris: the milestone is due in the quiet hours and waits for 07:00 (06:00Z). The task's
    # schedule time is real time to the emulator, so the simulated night lies in the past.
    phone.user.focus_days(range(8, 15), now="2026-11-14T22:30:00Z")

    entry = phone.settled(f"{phone.user.uid}:milestone:7-2026-11-08")
    assert entry["channels"] == {"push": "sent", "email": "sent"}
    released = datetime(2026, 11, 15, 6, tzinfo=UTC)
    assert entry["at_by_channel"]["push"] == released
    assert entry["at_by_channel"]["email"] == released


def test_an_unregistered_token_is_pruned_and_the_others_still_get_the_push(phone: Phone) -> None:
    stale = f"unregistered-{uuid.uuid4().hex}"
    phone.register(stale)
    phone.user.focus_days(range(15, 22))

    entry = phone.settled(f"{phone.user.uid}:milestone:7-2026-11-15")
    assert entry["channels"]["push"] == "sent"
    assert len(phone.pushes()) == 1
    devices = phone.user.firestore.collection("users").document(phone.user.uid).collection("devices")
    assert [d.get("token") for d in devices.stream()] == [phone.device]


def test_an_fcm_500_is_retried_and_then_sent(phone: Phone, stack: Stack) -> None:
    # The Admin SDK itself retries a 500 four times; five failures make the whole attempt fail.
    fail = {"token": phone.device, "status": 500, "times": 5}
    requests.post(f"{stack.fcm_url}/fail", json=fail, timeout=10).raise_for_status()
    phone.user.focus_days(range(15, 22))

    entry_id = f"{phone.user.uid}:milestone:7-2026-11-15"
    entry = eventually(
        lambda: (e := phone.entry(entry_id)) and e["channels"]["push"] == "sent" and e,
        timeout=60,
        what="push",
    )
    assert entry["attempts_by_channel"]["push"] == 2
    assert entry["attempts_by_channel"]["email"] == 1
    assert len(phone.pushes()) == 1


def test_a_crash_between_commit_and_enqueue_is_healed_by_the_sweep(phone: Phone, stack: Stack) -> None:
    # Written far in the past so it is first in the sweep's order; nobody announces it.
    created = datetime(2020, 1, 1, tzinfo=UTC)
    entry_id = phone.write_entry("streak_broken", "2019-12-31", {"length_lost": 3}, created)

    notify(stack, "sweep", {"now": (created + timedelta(minutes=1)).isoformat()})
    assert phone.entry(entry_id)["channels"] == {"push": "pending", "email": "pending"}

    notify(stack, "sweep", {"now": (created + timedelta(minutes=6)).isoformat()})
    entry = phone.settled(entry_id)
    assert entry["channels"] == {"push": "sent", "email": "sent"}
    assert "sweep_after" not in entry
    assert len(phone.pushes()) == 1


def test_an_at_risk_streak_gets_one_reminder_at_the_reminder_hour(phone: Phone, stack: Stack) -> None:
    phone.user.focus_days(range(18, 21), now="2026-11-21T08:00:00Z")
    short = {"id": "today", "start": "2026-11-21T07:00:00Z", "end": "2026-11-21T07:10:00Z", "timezone": "UTC"}
    assert phone.user.call("POST", "/v1/sessions", json=short, now="2026-11-21T08:00:00Z").status_code == 201
    entry_id = f"{phone.user.uid}:reminder:2026-11-21"

    notify(stack, "reminders", {"now": "2026-11-21T19:30:00Z"})  # before 20:00 local (UTC): not yet
    assert phone.entry(entry_id) == {}
    notify(stack, "reminders", {"now": "2026-11-21T20:00:30Z"})
    entry = phone.settled(entry_id)
    assert entry["data"] == {"minutes": 20, "streak": 3, "date": "2026-11-21"}
    assert phone.pushes()[0]["notification"] == {
        "title": "Keep your 3-day streak",
        "body": "20 more minutes to keep your 3-day streak.",
    }
    notify(stack, "reminders", {"now": "2026-11-21T20:40:00Z"})
    assert len(phone.pushes()) == 1


def test_a_nightly_break_is_pushed_after_the_maintenance_commit(phone: Phone, stack: Stack) -> None:
    # Tasks are scheduled at the (simulated) commit time, which the emulator reads as real time: the past.
    phone.user.focus_days(range(10, 13), now="2026-11-12T12:00:00Z")
    publish(stack.hosts["pubsub"], stack.project_id, "maintenance-tick", {"now": "2026-11-15T00:30:00Z"})

    entry = phone.settled(f"{phone.user.uid}:streak_broken:2026-11-13", timeout=90)
    assert entry["channels"] == {"push": "sent", "email": "sent"}
    titles = [p["notification"]["title"] for p in phone.pushes()]
    assert titles == ["Your streak ended"]
