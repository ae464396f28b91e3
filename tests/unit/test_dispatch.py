"""The dispatcher with fakes of its ports: preferences, quiet hours, idempotency, retries, pruning."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta
from urllib.parse import parse_qs, urlsplit

from streak_core.domain.notifications import QuietHours
from streak_core.domain.vocabulary import Channel, Locale, NotificationKind
from streak_core.models.notifications import StoredNotification
from streak_core.models.users import NotificationPreferences, UserSettings
from streak_core.ports.notifications import ChannelResult, Recipient
from streak_core.services.dispatch import Dispatcher, sweep
from streak_core.services.followups import announce
from streak_core.services.unsubscribe import Unsubscribed, UnsubscribeLinks
from tests.unit.fakes import FakeEmail, FakeLater, FakePush

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)  # 13:00 in Paris
ENTRY = "u1:milestone:7-2026-11-15"
LUNCH = QuietHours(time(12, 30), time(14, 0))


@dataclass
class FakeOutbox:
    recipient_: Recipient
    entries: dict[str, StoredNotification] = field(default_factory=dict)
    details: dict[Channel, str | None] = field(default_factory=dict)
    pruned: list[str] = field(default_factory=list)

    leases: dict[str, datetime] = field(default_factory=dict)
    sweep_after: dict[str, datetime | None] = field(default_factory=dict)

    def claim(self, entry_id: str, now: datetime, lease: timedelta) -> StoredNotification | None:
        if entry_id not in self.entries or self.leases.get(entry_id, now) > now:
            return None
        self.leases[entry_id] = now + lease
        return self.entries[entry_id]

    def release(self, entry_id: str, sweep_after: datetime | None) -> None:
        self.leases.pop(entry_id, None)
        self.sweep_after[entry_id] = sweep_after

    def due_for_sweep(self, now: datetime, limit: int) -> list[str]:
        due = [e for e, at in self.sweep_after.items() if at is not None and at <= now]
        return sorted(due, key=lambda e: self.sweep_after[e])[:limit]  # type: ignore[arg-type,return-value]

    def recipient(self, uid: str) -> Recipient:
        return self.recipient_

    def record(self, result: ChannelResult) -> None:
        entry, channel = self.entries[result.entry_id], result.channel
        channels = {**entry.channels, channel: result.status}
        self.entries[result.entry_id] = replace(
            entry, channels=channels, attempts={**entry.attempts, channel: result.attempts}
        )
        self.details[channel] = result.detail

    def prune_tokens(self, uid: str, tokens: tuple[str, ...]) -> None:
        self.pruned.extend(tokens)


def setup(settings: UserSettings | None = None, tokens: tuple[str, ...] = ("tok-1",), **push: object):
    recipient = Recipient("u1", settings or UserSettings(), "Europe/Paris", "ada@example.com", tokens)
    outbox = FakeOutbox(recipient)
    outbox.entries[ENTRY] = StoredNotification(ENTRY, "u1", NotificationKind.MILESTONE, {"days": 7}, NOW, {})
    fakes = (FakePush(**push), FakeEmail(), FakeLater())  # type: ignore[arg-type]
    return Dispatcher(outbox, *fakes), outbox, *fakes


def test_each_channel_gets_the_rendered_message_once() -> None:
    dispatcher, _outbox, push, email, _ = setup()
    report = dispatcher.dispatch(ENTRY, NOW)
    assert report.statuses == {"push": "sent", "email": "sent"}
    assert push.sent == [(("tok-1",), "7 days of focus!", "You reached a 7-day streak. Keep it going!")]
    assert email.sent[0][:2] == ("ada@example.com", "7 days of focus!")
    dispatcher.dispatch(ENTRY, NOW)
    assert (len(push.sent), len(email.sent)) == (1, 1)


def test_a_disabled_channel_or_kind_is_skipped_with_the_reason() -> None:
    no_email = UserSettings(notifications=NotificationPreferences(email=False))
    dispatcher, outbox, _push, _email, _ = setup(no_email)
    assert dispatcher.dispatch(ENTRY, NOW).statuses == {"push": "sent", "email": "skipped"}
    assert outbox.details[Channel.EMAIL] == "email is turned off"
    muted = frozenset({NotificationKind.MILESTONE})
    dispatcher, *_ = setup(UserSettings(notifications=NotificationPreferences(muted=muted)))
    assert dispatcher.dispatch(ENTRY, NOW).statuses == {"push": "skipped", "email": "skipped"}


def test_quiet_hours_hold_the_message_until_they_end() -> None:
    quiet = UserSettings(notifications=NotificationPreferences(quiet_hours=LUNCH))
    dispatcher, _outbox, push, email, later = setup(quiet)
    report = dispatcher.dispatch(ENTRY, NOW)
    assert report.statuses == {"push": "pending", "email": "pending"}
    assert later.scheduled == [(ENTRY, datetime(2026, 11, 21, 13, tzinfo=UTC))]
    assert (push.sent, email.sent) == ([], [])
    assert dispatcher.dispatch(ENTRY, datetime(2026, 11, 21, 13, tzinfo=UTC)).statuses["push"] == "sent"


def test_a_push_failure_is_retried_then_sent() -> None:
    dispatcher, outbox, _push, _, _ = setup(failures=1)
    first = dispatcher.dispatch(ENTRY, NOW)
    assert (first.statuses["push"], first.retry) == ("pending", True)
    second = dispatcher.dispatch(ENTRY, NOW)
    assert (second.statuses["push"], second.retry) == ("sent", False)
    assert outbox.entries[ENTRY].attempts[Channel.PUSH] == 2


def test_after_the_last_attempt_the_channel_is_failed_with_the_error() -> None:
    dispatcher, outbox, _, _, _ = setup(failures=99)
    for _ in range(5):
        report = dispatcher.dispatch(ENTRY, NOW)
    assert (report.statuses["push"], report.retry) == ("failed", False)
    assert outbox.details[Channel.PUSH] == "FCM answered 500"


def test_unregistered_tokens_are_pruned() -> None:
    dispatcher, outbox, _, _, _ = setup(tokens=("good", "stale"), invalid={"stale"})
    assert dispatcher.dispatch(ENTRY, NOW).statuses["push"] == "sent"
    assert outbox.pruned == ["stale"]
    dispatcher, outbox, _, _, _ = setup(tokens=("stale",), invalid={"stale"})
    assert dispatcher.dispatch(ENTRY, NOW).statuses["push"] == "skipped"


def test_french_users_get_french_text() -> None:
    dispatcher, _, push, _, _ = setup(replace(UserSettings(), locale=Locale.FR))
    dispatcher.dispatch(ENTRY, NOW)
    assert push.sent[0][1] == "7 jours de concentration !"


def test_an_entry_another_dispatch_holds_is_left_to_it() -> None:
    dispatcher, outbox, push, _, _ = setup()
    outbox.leases[ENTRY] = NOW + timedelta(minutes=1)
    assert dispatcher.dispatch(ENTRY, NOW).busy
    assert push.sent == []
    assert dispatcher.dispatch(ENTRY, NOW + timedelta(minutes=2)).statuses["push"] == "sent"


def test_a_settled_entry_leaves_the_sweep_and_an_unsettled_one_stays_in_it() -> None:
    dispatcher, outbox, _, _, _ = setup(failures=1)
    dispatcher.dispatch(ENTRY, NOW)
    assert outbox.sweep_after[ENTRY] == NOW + timedelta(minutes=5)
    assert outbox.leases == {}
    report = sweep(dispatcher, NOW + timedelta(minutes=5))
    assert (report.dispatched, report.still_pending) == (1, 0)
    assert outbox.sweep_after[ENTRY] is None
    assert sweep(dispatcher, NOW + timedelta(hours=1)).dispatched == 0


def test_a_held_entry_is_swept_only_after_its_release() -> None:
    quiet = UserSettings(notifications=NotificationPreferences(quiet_hours=LUNCH))
    dispatcher, _outbox, push, _, _ = setup(quiet)
    dispatcher.dispatch(ENTRY, NOW)
    assert sweep(dispatcher, NOW + timedelta(minutes=10)).dispatched == 0
    assert sweep(dispatcher, datetime(2026, 11, 21, 13, 5, tzinfo=UTC)).dispatched == 1
    assert len(push.sent) == 1


def test_announce_counts_what_the_queue_refused_and_goes_on() -> None:
    class Flaky:
        def __init__(self) -> None:
            self.queued: list[str] = []

        def dispatch_at(self, entry_id: str, when: datetime) -> None:
            if entry_id == "b":
                raise ConnectionError("queue down")
            self.queued.append(entry_id)

    queue = Flaky()
    assert announce(queue, ["a", "b", "c"], NOW) == 1
    assert queue.queued == ["a", "c"]


def test_an_email_carries_its_one_click_unsubscribe_link_in_the_body_and_the_headers() -> None:
    links = UnsubscribeLinks("secret", "https://focus.example")
    dispatcher, _outbox, _push, email, _ = setup(UserSettings(locale=Locale.FR))
    dispatcher.unsubscribe_url = links.url
    dispatcher.dispatch(ENTRY, NOW)
    [url] = email.unsubscribe_urls
    assert url is not None
    assert url.startswith("https://focus.example/v1/unsubscribe?token=")
    _, _, text, html = email.sent[0]
    assert text.endswith(f"Ne plus recevoir ces e-mails : {url}")
    assert 'href="https://focus.example/v1/unsubscribe?token=' in html
    token = parse_qs(urlsplit(url).query)["token"][0]
    assert links.read(token) == Unsubscribed("u1", NotificationKind.MILESTONE)


def test_without_a_public_url_an_email_carries_no_link() -> None:
    dispatcher, _outbox, _push, email, _ = setup()
    dispatcher.unsubscribe_url = UnsubscribeLinks("secret", None).url
    dispatcher.dispatch(ENTRY, NOW)
    assert email.unsubscribe_urls == [None]
    assert "unsubscribe" not in email.sent[0][3]
