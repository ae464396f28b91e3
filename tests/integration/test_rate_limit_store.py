"""The `limits` storage over Firestore on the emulator: the library's own strategy runs on it, and several
windows move in one commit."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from limits import parse, parse_many
from limits.strategies import FixedWindowRateLimiter

from streak_core.adapters.firestore.client import LazyFirestore
from streak_core.adapters.firestore.rate_limits import FirestoreStorage
from streak_core.domain.vocabulary import LimitScope
from streak_core.domain.windows import window_start
from streak_core.ports.rate_limits import WindowHit
from streak_core.services.rate_limit import SharedRateLimiter

pytestmark = pytest.mark.integration
T0 = 1_800_000_000.0


@pytest.fixture
def storage(firestore_client: Any) -> FirestoreStorage:
    return FirestoreStorage(LazyFirestore(None, factory=lambda _: firestore_client), clock=lambda: T0 + 7.5)


def test_the_limits_fixed_window_strategy_runs_on_the_firestore_storage(storage: FirestoreStorage) -> None:
    strategy, item, who = FixedWindowRateLimiter(storage), parse("2/minute"), uuid.uuid4().hex
    assert [strategy.hit(item, who) for _ in range(3)] == [True, True, False]
    stats = strategy.get_window_stats(item, who)
    assert (stats.remaining, stats.reset_time) == (0, T0 + 60)  # T0 is a whole minute
    storage.clear(item.key_for(who))
    assert strategy.test(item, who)


def test_several_windows_move_in_one_commit_and_return_their_totals(storage: FirestoreStorage) -> None:
    who = uuid.uuid4().hex
    items = parse_many("3/second;100/minute")
    windows = [(item.key_for(who), item.get_expiry()) for item in items]
    hits = [WindowHit(key, expiry, 2, window_start(T0 + 7.5, expiry)) for key, expiry in windows]
    assert storage.incr_many(hits) == [2, 2]
    assert storage.incr_many(hits) == [4, 4]
    assert storage.get(items[1].key_for(who)) == 4


def test_two_limiters_on_one_firestore_share_the_quota(storage: FirestoreStorage) -> None:
    policies = {LimitScope.WRITE: tuple(parse_many("4/minute"))}
    a = SharedRateLimiter(policies, storage, clock=lambda: T0 + 7.5, background=False)
    b = SharedRateLimiter(policies, storage, clock=lambda: T0 + 7.5, background=False)
    who = uuid.uuid4().hex
    results = []
    for n in range(8):
        results.append((a, b)[n % 2].hit(LimitScope.WRITE, who).allowed)
        a.flush(), b.flush()
    assert results.count(True) == 4


def test_a_reset_deletes_every_window(storage: FirestoreStorage) -> None:
    key = parse("5/minute").key_for(uuid.uuid4().hex)
    storage.incr(key, 60)
    assert storage.reset() >= 1
    assert storage.get(key) == 0
