"""The webhook store on the real emulator: a lane's events fanned out a page per commit, a commit refused
done again an event at a time, and the check for earlier events not fanned out yet."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from streak_core.adapters.firestore import webhooks as adapter
from streak_core.adapters.firestore.client import LazyFirestore
from streak_core.adapters.firestore.events import stage_events
from streak_core.adapters.firestore.webhooks import FirestoreWebhookStore
from streak_core.domain.vocabulary import EventType, HookDeliveryStatus
from streak_core.domain.webhooks import lane_of
from streak_core.models.events import WebhookEvent, event
from streak_core.models.webhooks import FanOut

pytestmark = pytest.mark.integration
# Long before every other test's events, which share the emulator: a lane's oldest events are these.
THEN = datetime(2001, 2, 3, 12, tzinfo=UTC)
NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)


def users_of_one_lane(count: int) -> list[str]:
    tag = uuid.uuid4().hex[:8]
    found = [f"h-{tag}-{n}" for n in range(200)]
    lane = lane_of(found[0])
    return [u for u in found if lane_of(u) == lane][:count]


def written(client: Any, events: list[WebhookEvent]) -> None:
    batch = client.batch()
    stage_events(client, batch, events)
    batch.commit()


def test_a_lanes_events_are_fanned_out_together_and_a_refused_commit_makes_only_what_is_missing(
    firestore_client: Any,
) -> None:
    store = FirestoreWebhookStore(LazyFirestore(None, factory=lambda _: firestore_client))
    uids = users_of_one_lane(3)
    made = [
        event(uid, EventType.STREAK_EXTENDED, "d", {"days": 2}, THEN + timedelta(seconds=n))
        for n, uid in enumerate(uids)
    ]
    written(firestore_client, made)
    lane = made[0].lane
    assert [e.id for e in store.unfanned(lane, 3)] == [e.id for e in made]  # oldest first
    # Before the lane's fan-out: the second event's delivery to `wh-a` was made and sent (a fan-out of
    # its own), and the third event was erased.
    store.fan_out([FanOut(made[1], "{}", ("wh-a",))], NOW)
    first_try = store.delivery("wh-a", made[1].id)
    assert first_try is not None
    store.save_deliveries([(replace(first_try, status=HookDeliveryStatus.DELIVERED), NOW)])
    firestore_client.collection("events").document(made[2].id).delete()

    store.fan_out([FanOut(e, f'{{"n":{n}}}', ("wh-a", "wh-b")) for n, e in enumerate(made)], NOW)

    for endpoint in ("wh-a", "wh-b"):
        first = store.delivery(endpoint, made[0].id)
        assert first is not None
        assert (first.status, first.body) == (HookDeliveryStatus.PENDING, '{"n":0}')
        assert store.delivery(endpoint, made[2].id) is None  # its event went: no delivery of it
    kept = store.delivery("wh-a", made[1].id)
    assert kept is not None
    assert (kept.status, kept.body) == (HookDeliveryStatus.DELIVERED, "{}")
    assert store.delivery("wh-b", made[1].id) is None  # fanned out already: its fan-out is done
    stored = [store.event(e.id) for e in made[:2]]
    assert all(s is not None and s.fanned_out for s in stored)
    assert not {e.id for e in store.unfanned(lane, 50)} & {e.id for e in made}


def test_an_answer_cut_short_holds_back_only_what_it_did_not_reach(
    firestore_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = FirestoreWebhookStore(LazyFirestore(None, factory=lambda _: firestore_client))
    a, b, c, d = users_of_one_lane(4)
    made = [
        event(uid, EventType.STREAK_EXTENDED, "d", {}, THEN + timedelta(seconds=n))
        for n, uid in enumerate([a, b, c])
    ]
    written(firestore_client, made)
    lane, place = made[0].lane, [(e.occurred_at, e.seq, e.id) for e in made]
    assert store.first_unfanned(lane, {a, c, d}, NOW) == {a: place[0], c: place[2]}
    assert store.first_unfanned(lane, {b}, THEN) == {}  # none at or before `until`
    monkeypatch.setattr(adapter, "UNFANNED_PAGE", 2)
    # Two answered (a, b): c and d may have one after b; a delivery of theirs after b's place waits.
    assert store.first_unfanned(lane, {a, c, d}, NOW) == {a: place[0], c: place[1], d: place[1]}
