"""Webhooks with fakes of our ports: signing, SSRF rules, retries, order per user, disabling, replays."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from standardwebhooks.webhooks import Webhook

from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.sessions import SessionFields
from streak_core.domain.vocabulary import DisabledReason, EndpointStatus, EventType, HookDeliveryStatus
from streak_core.domain.webhooks import (
    RETRY_CAP,
    RETRY_WINDOW,
    address_problem,
    event_id,
    lane_of,
    next_attempt,
)
from streak_core.errors import EndpointDisabled, InvalidRequest, TooManyWebhooks
from streak_core.models.events import WebhookEvent, event
from streak_core.services.sessions import accept_sessions, import_sessions
from streak_core.services.webhook_targets import url_problem
from streak_core.services.webhooks import Webhooks
from tests.reference_webhooks import reference_verdicts
from tests.unit.fakes import (
    FakeLater,
    FakeResolver,
    InMemoryUserStore,
    InMemoryWebhookStore,
    RecordingSender,
    RecordingWebhookQueue,
    fake_webhooks,
)

pytestmark = pytest.mark.unit
NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)
URL = "https://hooks.example.com/in"


def raw(day: int) -> SessionFields:
    return SessionFields(f"s{day}", f"2026-11-{day:02d}T09:00:00Z", f"2026-11-{day:02d}T10:00:00Z", "UTC")


def parts(hooks: Webhooks) -> tuple[InMemoryWebhookStore, RecordingSender, RecordingWebhookQueue]:
    assert isinstance(hooks.store, InMemoryWebhookStore)
    assert isinstance(hooks.sender, RecordingSender)
    assert isinstance(hooks.queue, RecordingWebhookQueue)
    return hooks.store, hooks.sender, hooks.queue


def drained_once_each_in_order(
    hooks: Webhooks, endpoint_id: str, sender: RecordingSender, made: list[WebhookEvent], now: datetime
) -> None:
    """Drain every lane until none is due, then check what was sent (every answer 200) against the
    brute-force reference: each event once, and each user's in the order they happened (sorted)."""
    for _ in range(50):
        due = [r.next_at for r in (hooks.drain(endpoint_id, lane, now) for lane in range(4)) if r.next_at]
        if not due:
            break
        now = max(now, min(due))
    delivered = [s.headers["webhook-id"] for s in sender.sent]
    assert sorted(delivered) == sorted(e.id for e in made)
    for uid in {e.uid for e in made}:
        mine = sorted((e for e in made if e.uid == uid), key=lambda e: (e.occurred_at, e.seq, e.id))
        assert [d for d in delivered if d in {e.id for e in mine}] == [e.id for e in mine]


def fan_out_all(hooks: Webhooks, users: InMemoryUserStore, now: datetime) -> None:
    for event_id_ in list(users.events):
        hooks.fan_out(event_id_, now)


# --- signing ----------------------------------------------------------------------------------------------
def test_the_library_signs_the_specifications_published_vector() -> None:
    signer = Webhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    stamp = datetime.fromtimestamp(1614265330, UTC)
    signature = signer.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", stamp, '{"test": 2432232314}')
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_a_delivery_is_signed_over_id_timestamp_and_body_with_the_endpoints_secret() -> None:
    users = InMemoryUserStore()
    hooks = fake_webhooks(users, wall_clock=lambda: NOW)
    store, sender, _ = parts(hooks)
    endpoint, secret = hooks.register(URL, ["*"], None, NOW)
    assert secret.startswith("whsec_")
    assert secret not in store.endpoints_by_id[endpoint.id].sealed_secret
    accept_sessions(users, "u1", [raw(21)], NOW, DEFAULT_CONFIG)
    fan_out_all(hooks, users, NOW)
    hooks.drain(endpoint.id, lane_of("u1"), NOW)
    (sent,) = sender.sent
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{sent.headers['webhook-id']}.{sent.headers['webhook-timestamp']}.{sent.body}".encode()
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    assert sent.headers["webhook-signature"] == f"v1,{expected}"
    assert sent.headers["webhook-timestamp"] == str(int(NOW.timestamp()))
    document = json.loads(sent.body)
    assert document["type"] == "streak.started"
    assert document["data"] == {"user_id": "u1", "days": 1, "day": "2026-11-21"}


# --- addresses --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("address", "local", "refused"),
    [
        ("169.254.169.254", True, True),  # the metadata server
        ("10.0.0.1", True, True),
        ("192.168.1.5", False, True),
        ("172.16.0.1", False, True),
        ("100.64.0.1", False, True),  # carrier-grade NAT
        ("::ffff:10.0.0.1", False, True),  # IPv4 inside IPv6
        ("fe80::1", False, True),
        ("fd00::1", False, True),
        ("0.0.0.0", True, True),
        ("127.0.0.1", False, True),
        ("::1", False, True),
        ("127.0.0.1", True, False),  # a local stack's receiver
        ("93.184.216.34", False, False),
        ("2606:4700::1111", False, False),
    ],
)
def test_only_public_addresses_are_allowed(address: str, local: bool, refused: bool) -> None:
    assert (address_problem(address, local) is not None) is refused


@pytest.mark.parametrize(
    ("url", "local", "refused"),
    [
        ("https://hooks.example.com/x", False, False),
        ("http://hooks.example.com/x", False, True),
        ("http://127.0.0.1:8080/x", False, True),
        ("http://127.0.0.1:8080/x", True, False),
        ("http://10.0.0.1/", True, True),  # http only to loopback, even locally
        ("ftp://hooks.example.com/", False, True),
        ("https://user:pw@hooks.example.com/", False, True),
        ("https://hooks.example.com:99999/", False, True),
        ("https:///nohost", False, True),
    ],
)
def test_endpoint_urls_are_https_or_local_http(url: str, local: bool, refused: bool) -> None:
    assert (url_problem(url, local) is not None) is refused


@pytest.mark.parametrize(
    "url",
    ["https://169.254.169.254/", "https://10.0.0.1/", "https://inside.example.com/", "https://nx.test/"],
)
def test_registration_refuses_names_that_resolve_to_refused_addresses(url: str) -> None:
    resolver = FakeResolver({"inside.example.com": ["93.184.216.34", "127.0.0.1"]})
    hooks = fake_webhooks(InMemoryUserStore(), resolver=resolver)
    with pytest.raises(InvalidRequest) as refused:
        hooks.register(url, ["*"], None, NOW)
    assert refused.value.issues[0].code == "url_not_allowed"
    assert parts(hooks)[0].endpoints_by_id == {}


def test_an_attempt_rechecks_the_address_and_counts_a_name_that_moved_inside_as_a_failure() -> None:
    users, resolver = InMemoryUserStore(), FakeResolver({"hooks.example.com": ["93.184.216.34"]})
    hooks = fake_webhooks(users, resolver=resolver)
    store, sender, _ = parts(hooks)
    endpoint, _ = hooks.register(URL, ["*"], None, NOW)
    accept_sessions(users, "u1", [raw(21)], NOW, DEFAULT_CONFIG)
    fan_out_all(hooks, users, NOW)
    resolver.names["hooks.example.com"] = ["10.1.2.3"]  # DNS rebinding
    hooks.drain(endpoint.id, lane_of("u1"), NOW)
    assert sender.sent == []
    (delivery,) = store.delivered.values()
    assert delivery.status is HookDeliveryStatus.PENDING
    assert delivery.attempts == 1
    assert delivery.last_error is not None
    assert "10.1.2.3" in delivery.last_error


# --- retries, order, disabling ----------------------------------------------------------------------------
def test_next_attempt_doubles_is_capped_and_stops_after_three_days() -> None:
    base = timedelta(seconds=30)
    assert next_attempt(NOW, 1, NOW, base) == NOW + base
    assert next_attempt(NOW, 3, NOW, base) == NOW + 4 * base
    assert next_attempt(NOW, 20, NOW, base) == NOW + RETRY_CAP
    late = NOW + RETRY_WINDOW - timedelta(minutes=1)
    assert next_attempt(NOW, 20, late, base) == NOW + RETRY_WINDOW
    assert next_attempt(NOW, 21, NOW + RETRY_WINDOW, base) is None


@given(st.integers(1, 60), st.integers(0, 3 * 24 * 3600), st.integers(1, 600))
def test_next_attempt_is_later_and_never_past_the_window(attempts: int, elapsed: int, base: int) -> None:
    now = NOW + timedelta(seconds=elapsed)
    again = next_attempt(NOW, attempts, now, timedelta(seconds=base))
    if now - NOW >= RETRY_WINDOW:
        assert again is None
    else:
        assert again is not None
        assert now < again <= NOW + RETRY_WINDOW


def test_500_twice_then_200_is_three_attempts_with_one_webhook_id() -> None:
    users = InMemoryUserStore()
    real = NOW + timedelta(days=12)  # the wall clock: tasks are scheduled by it, whatever the drain's clock
    hooks = fake_webhooks(users, sender=RecordingSender([500, 500]), wall_clock=lambda: real)
    store, sender, queue = parts(hooks)
    endpoint, _ = hooks.register(URL, ["streak.started"], None, NOW)
    accept_sessions(users, "u1", [raw(21)], NOW, DEFAULT_CONFIG)
    fan_out_all(hooks, users, NOW)
    now = NOW
    for _ in range(3):
        report = hooks.drain(endpoint.id, lane_of("u1"), now)
        if report.next_at is not None:
            assert queue.drains[-1] == (endpoint.id, lane_of("u1"), real + (report.next_at - now))
            now = report.next_at
    assert [s.headers["webhook-id"] for s in sender.sent] == [event_id("u1:streak.started:2026-11-21")] * 3
    (delivery,) = store.delivered.values()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        HookDeliveryStatus.DELIVERED,
        3,
        200,
    )
    assert store.endpoints_by_id[endpoint.id].failing_since is None  # the success cleared it


def test_a_users_later_event_waits_for_the_earlier_one_while_others_go_on() -> None:
    users = InMemoryUserStore()
    hooks = fake_webhooks(users, sender=RecordingSender([503]))
    store, sender, _ = parts(hooks)
    endpoint, _ = hooks.register(URL, ["*"], None, NOW)
    first = event("u1", EventType.STREAK_STARTED, "a", {}, NOW)
    second = event("u1", EventType.STREAK_EXTENDED, "b", {}, NOW + timedelta(seconds=1))
    other_uid = next(f"v{n}" for n in range(100) if lane_of(f"v{n}") == lane_of("u1"))
    other = event(other_uid, EventType.STREAK_STARTED, "c", {}, NOW + timedelta(seconds=2))
    for e in (second, other, first):  # fanned out in any order: sent in the order they happened
        users.events[e.id] = e
        hooks.fan_out(e.id, NOW)
    report = hooks.drain(endpoint.id, lane_of("u1"), NOW)
    assert [s.headers["webhook-id"] for s in sender.sent] == [first.id, other.id]
    assert report.next_at is not None
    hooks.drain(endpoint.id, lane_of("u1"), report.next_at)
    assert [s.headers["webhook-id"] for s in sender.sent] == [first.id, other.id, first.id, second.id]
    assert {d.status for d in store.delivered.values()} == {HookDeliveryStatus.DELIVERED}


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["u1", "u2", "u3"]), st.integers(0, 50)), min_size=1, max_size=12),
    st.lists(st.sampled_from([200, 200, 500, 503, None, 301]), max_size=12),  # within the window
    st.permutations(range(12)),
)
def test_any_failures_deliver_each_event_once_in_order_per_user(
    changes: list[tuple[str, int]], answers: list[int | None], order: list[int]
) -> None:
    """A brute-force reference: each user's events, sorted by when they happened, are what that user's
    successful posts carry, in that order, each once, whatever failed and whatever order they came in."""
    users = InMemoryUserStore()
    hooks = fake_webhooks(users, sender=RecordingSender(list(answers)))
    _, sender, _ = parts(hooks)
    endpoint, _ = hooks.register(URL, ["*"], None, NOW)
    made = [
        event(uid, EventType.STREAK_EXTENDED, str(n), {}, NOW + timedelta(seconds=at))
        for n, (uid, at) in enumerate(changes)
    ]
    for n in [i for i in order if i < len(made)]:
        users.events[made[n].id] = made[n]
        hooks.fan_out(made[n].id, NOW)
        hooks.fan_out(made[n].id, NOW)  # a redelivered fan-out changes nothing
    now = NOW
    for _ in range(200):
        reports = [hooks.drain(endpoint.id, lane, now) for lane in range(4)]
        due = [r.next_at for r in reports if r.next_at is not None]
        if not due:
            break
        now = max(now, min(due))
    codes = [*answers, *([200] * len(sender.sent))][: len(sender.sent)]
    delivered = [s.headers["webhook-id"] for s, code in zip(sender.sent, codes, strict=True) if code == 200]
    for uid in {"u1", "u2", "u3"}:
        mine = sorted((e for e in made if e.uid == uid), key=lambda e: (e.occurred_at, e.seq, e.id))
        assert [d for d in delivered if d in {e.id for e in mine}] == [e.id for e in mine]


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["u1", "u2", "u3"]), st.integers(0, 50)), min_size=1, max_size=12),
    st.permutations(range(12)),
)
def test_events_announced_while_the_lanes_drain_reach_each_user_once_in_order(
    changes: list[tuple[str, int]], order: list[int]
) -> None:
    """Every event is written first (as the acceptance writes them), their fan-outs arrive in any order and
    the lanes drain after each: a user's delivery never overtakes an earlier event still being fanned out,
    even one between two deliveries of theirs on the same page (brute-force reference: sorted events)."""
    users = InMemoryUserStore()
    hooks = fake_webhooks(users)
    store, sender, _ = parts(hooks)
    endpoint, _ = hooks.register(URL, ["*"], None, NOW)
    made = [
        event(uid, EventType.STREAK_EXTENDED, str(n), {}, NOW + timedelta(seconds=at))
        for n, (uid, at) in enumerate(changes)
    ]
    for e in made:
        users.events[e.id] = e
    now = NOW
    for n in [i for i in order if i < len(made)]:
        hooks.fan_out(made[n].id, now)
        for lane in range(4):
            hooks.drain(endpoint.id, lane, now)
    drained_once_each_in_order(hooks, endpoint.id, sender, made, now)
    assert sum(store.saves) == len(made)


def test_a_lanes_page_is_sent_in_order_and_stored_in_one_write() -> None:
    users = InMemoryUserStore()
    hooks = fake_webhooks(users)
    store, sender, _ = parts(hooks)
    endpoint, _ = hooks.register(URL, ["*"], None, NOW)
    lane = lane_of("u1")
    same_lane = [u for u in (f"w{n}" for n in range(200)) if lane_of(u) == lane][:4]
    made = [
        event(uid, EventType.STREAK_STARTED, "a", {}, NOW + timedelta(seconds=n))
        for n, uid in enumerate(same_lane)
    ]
    for e in made:
        users.events[e.id] = e
        hooks.fan_out(e.id, NOW)
    report = hooks.drain(endpoint.id, lane, NOW)
    assert (report.sent, report.delivered) == (4, 4)
    assert [s.headers["webhook-id"] for s in sender.sent] == [e.id for e in made]
    assert store.saves == [4]  # one write for the page, not one per delivery


def test_an_endpoint_failing_every_attempt_for_three_days_is_disabled_and_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    users = InMemoryUserStore()
    hooks = fake_webhooks(users, sender=RecordingSender([500] * 100))
    store, _, _ = parts(hooks)
    endpoint, _ = hooks.register(URL, ["*"], None, NOW)
    accept_sessions(users, "u1", [raw(21)], NOW, DEFAULT_CONFIG)
    fan_out_all(hooks, users, NOW)
    now = NOW
    while (report := hooks.drain(endpoint.id, lane_of("u1"), now)).next_at is not None:
        now = report.next_at
    stored = store.endpoints_by_id[endpoint.id]
    (delivery,) = store.delivered.values()
    assert delivery.status is HookDeliveryStatus.FAILED
    assert delivery.attempts > 10
    assert stored.status is EndpointStatus.DISABLED
    assert stored.disabled_at == now
    assert now - NOW == RETRY_WINDOW
    assert [r.getMessage() for r in caplog.records].count("webhook endpoint disabled") == 1
    with pytest.raises(EndpointDisabled):
        hooks.retry(endpoint.id, delivery.id, now)
    hooks.update(endpoint.id, now, status=EndpointStatus.ENABLED)
    again = hooks.retry(endpoint.id, delivery.id, now)
    assert again.status is HookDeliveryStatus.PENDING
    assert again.first_attempt_at is None


def test_only_subscribed_enabled_endpoints_get_an_event_and_registration_is_bounded() -> None:
    users = InMemoryUserStore()
    hooks = fake_webhooks(users)
    store, _, _ = parts(hooks)
    started, _ = hooks.register(URL, ["streak.started"], None, NOW)
    broken, _ = hooks.register(URL, ["streak.broken"], None, NOW)
    off, _ = hooks.register(URL, ["*"], None, NOW)
    hooks.update(off.id, NOW, status=EndpointStatus.DISABLED)
    accept_sessions(users, "u1", [raw(21)], NOW, DEFAULT_CONFIG)
    fan_out_all(hooks, users, NOW)
    assert {key[0] for key in store.delivered} == {started.id}
    assert broken.id not in {key[0] for key in store.delivered}
    for _ in range(47):
        hooks.register(URL, ["*"], None, NOW)
    with pytest.raises(TooManyWebhooks):
        hooks.register(URL, ["*"], None, NOW)


def test_an_import_of_history_writes_no_events_and_a_repeat_writes_none_again() -> None:
    users = InMemoryUserStore()
    import_sessions(users, "u1", [raw(10)], NOW, DEFAULT_CONFIG)
    assert users.events == {}
    accept_sessions(users, "u1", [raw(21)], NOW, DEFAULT_CONFIG)
    accept_sessions(users, "u1", [raw(21)], NOW, DEFAULT_CONFIG)
    assert [e.type for e in users.events.values()] == [EventType.STREAK_STARTED]


def test_a_drain_arriving_while_the_lane_is_held_is_not_lost() -> None:
    """The later event's drain finds the lane busy; the holder is told and sends it before letting go."""
    users = InMemoryUserStore()
    late = event("u1", EventType.STREAK_EXTENDED, "late", {}, NOW + timedelta(seconds=5))

    class Racing(RecordingSender):
        def post(self, url: str, address: str, headers: dict[str, str], body: str, timeout: float) -> Any:
            if late.id not in users.events:  # meanwhile, another change's fan-out and drain
                users.events[late.id] = late
                hooks.fan_out(late.id, NOW)
                assert hooks.drain(endpoint.id, lane_of("u1"), NOW).busy
            return super().post(url, address, headers, body, timeout)

    hooks = fake_webhooks(users, sender=Racing())
    endpoint, _ = hooks.register(URL, ["*"], None, NOW)
    first = event("u1", EventType.STREAK_STARTED, "first", {}, NOW)
    users.events[first.id] = first
    hooks.fan_out(first.id, NOW)
    report = hooks.drain(endpoint.id, lane_of("u1"), NOW)
    assert [s.headers["webhook-id"] for s in parts(hooks)[1].sent] == [first.id, late.id]
    assert report.next_at is None
    assert parts(hooks)[0].leases == {}


# --- to the letter of the specification --------------------------------------------------------------------
def test_a_410_gone_disables_the_endpoint_at_once_without_retrying(caplog: pytest.LogCaptureFixture) -> None:
    users = InMemoryUserStore()
    hooks = fake_webhooks(users, sender=RecordingSender([410]))
    store, sender, _ = parts(hooks)
    endpoint, _ = hooks.register(URL, ["*"], None, NOW)
    accept_sessions(users, "u1", [raw(21)], NOW, DEFAULT_CONFIG)
    fan_out_all(hooks, users, NOW)
    report = hooks.drain(endpoint.id, lane_of("u1"), NOW)
    stored = store.endpoints_by_id[endpoint.id]
    assert (stored.status, stored.disabled_reason, stored.disabled_at) == (
        EndpointStatus.DISABLED,
        DisabledReason.GONE,
        NOW,
    )
    assert len(sender.sent) == 1
    assert report.next_at is None
    assert hooks.drain(endpoint.id, lane_of("u1"), NOW + timedelta(days=1)).sent == 0
    assert [r.getMessage() for r in caplog.records].count("webhook endpoint disabled") == 1
    enabled = hooks.update(endpoint.id, NOW, status=EndpointStatus.ENABLED)
    assert enabled.disabled_reason is None  # an operator's fresh start: the pending delivery goes on
    assert hooks.drain(endpoint.id, lane_of("u1"), NOW + timedelta(days=1)).delivered == 1


def test_a_rotated_secret_signs_beside_the_old_one_for_24_hours_as_the_reference_verifies() -> None:
    """Checked by the reference verifier (TypeScript), not the library that signs: during the overlap a
    receiver holding either secret accepts the delivery; after it, only the new secret does."""
    real_now = datetime.now(UTC)  # the verifier checks the timestamp against its own clock
    users = InMemoryUserStore()
    hooks = fake_webhooks(users, wall_clock=lambda: real_now)
    store, sender, _ = parts(hooks)
    endpoint, old = hooks.register(URL, ["*"], None, NOW)
    rotated, new = hooks.rotate_secret(endpoint.id, NOW)
    assert new != old
    assert rotated.previous_secret_until == real_now + timedelta(hours=24)
    accept_sessions(users, "u1", [raw(21)], NOW, DEFAULT_CONFIG)
    fan_out_all(hooks, users, NOW)
    hooks.drain(endpoint.id, lane_of("u1"), NOW)
    during = sender.sent[-1]
    assert len(during.headers["webhook-signature"].split(" ")) == 2
    # The 24 hours are over (moved, since the verifier reads the real clock): the new signature only.
    store.save_endpoint(replace(rotated, previous_secret_until=real_now - timedelta(seconds=1)))
    later = NOW + timedelta(days=1)
    accept_sessions(users, "u1", [raw(22)], later, DEFAULT_CONFIG)
    fan_out_all(hooks, users, later)
    hooks.drain(endpoint.id, lane_of("u1"), later)
    after = sender.sent[-1]
    assert after is not during
    assert len(after.headers["webhook-signature"].split(" ")) == 1
    verdicts = reference_verdicts(
        [
            (new, during.headers, during.body),
            (old, during.headers, during.body),
            (new, after.headers, after.body),
            (old, after.headers, after.body),
        ]
    )
    assert verdicts[:3] == [None, None, None]
    assert verdicts[3] is not None  # the old secret no longer verifies


class RecordingStream:
    """The events topic: rows published, or a failure to publish."""

    def __init__(self) -> None:
        self.rows: list[dict[str, str]] = []
        self.down = False

    def publish(self, row: str) -> None:
        if self.down:
            raise ConnectionError("topic unavailable")
        self.rows.append(json.loads(row))


def test_every_event_is_streamed_once_with_the_columns_of_the_bigquery_table() -> None:
    users = InMemoryUserStore()
    stream = RecordingStream()
    hooks = fake_webhooks(users, stream=stream)
    accept_sessions(users, "u1", [raw(21)], NOW, DEFAULT_CONFIG)
    [event_id] = list(users.events)
    stream.down = True
    with pytest.raises(ConnectionError):
        hooks.fan_out(event_id, NOW)  # the task fails and is retried: the event is not fanned out yet
    stream.down = False
    hooks.fan_out(event_id, NOW)
    hooks.fan_out(event_id, NOW)  # a redelivered task: fanned out already, nothing published again
    [row] = stream.rows
    assert set(row) == {"id", "type", "user_id", "occurred_at", "data"}
    assert (row["id"], row["type"], row["user_id"]) == (event_id, "streak.started", "u1")
    assert json.loads(row["data"])["user_id"] == "u1"


def test_a_fan_out_to_a_held_lane_asks_its_holder_to_go_round_instead_of_queueing_a_drain() -> None:
    users = InMemoryUserStore()
    hooks = fake_webhooks(users, wall_clock=lambda: NOW)
    store, _, queue = parts(hooks)
    endpoint, _ = hooks.register(URL, ["*"], None, NOW)
    free, held = (
        event("u1", EventType.STREAK_STARTED, "a", {}, NOW),
        event("u1", EventType.STREAK_EXTENDED, "b", {}, NOW),
    )
    users.events[free.id], users.events[held.id] = free, held
    hooks.fan_out(free.id, NOW)
    assert [(e, lane) for e, lane, _ in queue.drains] == [
        (endpoint.id, free.lane)
    ]  # nobody holds it: a drain
    assert store.claim_lane(endpoint.id, held.lane, NOW, timedelta(minutes=2))  # a drain is at work
    hooks.fan_out(held.id, NOW)
    assert len(queue.drains) == 1  # no second task: the holder was told
    assert not store.release_lane(endpoint.id, held.lane, NOW, timedelta(minutes=2))  # so it goes round


def test_a_delivery_never_tried_is_sent_by_a_drain_that_started_before_it_was_made() -> None:
    """A fan-out to a held lane leaves the delivery to the drain holding it, whose clock is from its start:
    a fresh delivery is due at once (only a retry waits for its time), or it would wait for another task."""
    users = InMemoryUserStore()
    hooks = fake_webhooks(users)
    _, sender, _ = parts(hooks)
    endpoint, _ = hooks.register(URL, ["*"], None, NOW)
    later = event("u1", EventType.STREAK_EXTENDED, "b", {}, NOW + timedelta(days=1))
    users.events[later.id] = later
    hooks.fan_out(later.id, NOW + timedelta(days=1))
    report = hooks.drain(endpoint.id, lane_of("u1"), NOW)
    assert (report.sent, report.next_at) == (1, None)
    assert [s.headers["webhook-id"] for s in sender.sent] == [later.id]


# --- a lane's fan-out (what acceptances ask for) ----------------------------------------------------------
def same_lane_users(lane: int, count: int) -> list[str]:
    return [u for u in (f"w{n}" for n in range(1000)) if lane_of(u) == lane][:count]


def test_an_acceptance_asks_for_its_users_lane_not_a_task_per_event() -> None:
    users, later = InMemoryUserStore(), FakeLater()
    accept_sessions(users, "u1", [raw(20), raw(21)], NOW, DEFAULT_CONFIG, notify=later)
    assert [e.type for e in users.events.values()] == [EventType.STREAK_EXTENDED]
    assert later.lanes == [(lane_of("u1"), NOW)]
    assert not set(later.scheduled) & {(e.logical_id, NOW) for e in users.events.values()}
    accept_sessions(users, "u1", [raw(20)], NOW, DEFAULT_CONFIG, notify=later)  # a duplicate: no event
    assert later.lanes == [(lane_of("u1"), NOW)]


def test_a_lanes_fan_out_makes_a_page_of_deliveries_per_write_and_asks_each_endpoint_once() -> None:
    users = InMemoryUserStore()
    hooks = fake_webhooks(users)
    store, _, queue = parts(hooks)
    every, started = (
        hooks.register(URL, ["*"], None, NOW)[0],
        hooks.register(URL, ["streak.started"], None, NOW)[0],
    )
    hooks.update(hooks.register(URL, ["*"], None, NOW)[0].id, NOW, status=EndpointStatus.DISABLED)
    lane = 2
    mine = same_lane_users(lane, 5)
    made = [
        event(mine[n % 5], EventType.STREAK_EXTENDED if n else EventType.STREAK_STARTED, str(n), {}, NOW)
        for n in range(250)
    ]
    other = event(same_lane_users(1, 1)[0], EventType.STREAK_STARTED, "x", {}, NOW)
    for e in [*made, other]:
        users.events[e.id] = e
    report = hooks.fan_out_lane(lane, NOW)
    assert (report.events, report.endpoints, report.more) == (250, 2, False)
    assert store.fan_outs == [100, 100, 50]  # a write per page, not one per event
    assert {k for k in store.delivered if k[0] == every.id} == {(every.id, e.id) for e in made}
    assert {k for k in store.delivered if k[0] == started.id} == {(started.id, made[0].id)}
    assert sorted(queue.drains) == sorted([(every.id, lane, None), (started.id, lane, None)])
    assert other.id not in store.fanned  # another lane's event waits for its own fan-out
    again = hooks.fan_out_lane(lane, NOW)  # a task sent again: nothing left to do
    assert (again.events, again.endpoints, store.fan_outs) == (0, 0, [100, 100, 50])


def test_a_lanes_fan_out_out_of_time_says_so_and_leaves_the_rest(monkeypatch: pytest.MonkeyPatch) -> None:
    users = InMemoryUserStore()
    hooks = fake_webhooks(users)
    store, _, _ = parts(hooks)
    hooks.register(URL, ["*"], None, NOW)
    for n, uid in enumerate(same_lane_users(0, 3)):
        e = event(uid, EventType.STREAK_STARTED, "a", {}, NOW + timedelta(seconds=n))
        users.events[e.id] = e
    monkeypatch.setattr("streak_core.services.webhooks._out_of_time", lambda: True)
    report = hooks.fan_out_lane(0, NOW)
    assert (report.events, report.more, store.fanned) == (0, True, set())


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["u1", "u2", "u3", "u4"]), st.integers(1, 3)), min_size=1, max_size=14
    ),
    st.lists(st.sampled_from(["lane", "event", "drain", "none"]), min_size=14, max_size=14),
)
def test_events_fanned_out_by_lane_or_alone_reach_each_user_once_in_order(
    changes: list[tuple[str, int]], steps: list[str]
) -> None:
    """Events are written one after another (a user's writes one at a time, as their transactions are,
    each later than the one before), and after each its lane's fan-out runs, or its own (the sweep's), or a
    drain, or nothing yet; whatever runs when, each user's events arrive once each, in the order they
    happened (brute-force reference: the events sorted)."""
    users = InMemoryUserStore()
    hooks = fake_webhooks(users)
    _, sender, _ = parts(hooks)
    endpoint, _ = hooks.register(URL, ["*"], None, NOW)
    at, made = NOW, list[WebhookEvent]()
    for n, (uid, step) in enumerate(changes):
        at += timedelta(seconds=step)
        made.append(event(uid, EventType.STREAK_EXTENDED, str(n), {}, at))
    for e, step in zip(made, steps, strict=False):
        users.events[e.id] = e
        if step == "lane":
            hooks.fan_out_lane(e.lane, NOW)
        elif step == "event":
            hooks.fan_out(e.id, NOW)
        elif step == "drain":
            hooks.drain(endpoint.id, e.lane, NOW)
    now = NOW
    for lane in range(4):
        hooks.fan_out_lane(lane, now)
    drained_once_each_in_order(hooks, endpoint.id, sender, made, now)
