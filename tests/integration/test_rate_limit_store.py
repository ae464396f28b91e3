"""The rate limits' counters over Firestore on the emulator: the `limits` library's own fixed-window strategy
runs on them (the reference for the rule our limiter keeps), and several windows move in one commit."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from limits import parse
from limits.storage import Storage
from limits.strategies import FixedWindowRateLimiter

from streak_core.adapters.firestore.client import LazyFirestore
from streak_core.adapters.firestore.rate_limits import FirestoreWindowCounters, expiry_of
from streak_core.domain.vocabulary import LimitScope
from streak_core.domain.windows import parse_limits, window_start
from streak_core.ports.rate_limits import WindowHit
from streak_core.services.rate_limit import SharedRateLimiter

pytestmark = pytest.mark.integration
T0 = 1_800_000_000.0
NOW = T0 + 7.5


class LimitsStorage(Storage):
    """Our counters as a `limits` storage, so that the library's own strategy can judge them."""

    STORAGE_SCHEME = ["firestore"]  # noqa: RUF012  # the base class declares it as a plain attribute

    def __init__(self, counters: FirestoreWindowCounters) -> None:
        super().__init__()
        self.counters = counters

    @property
    def base_exceptions(self) -> type[Exception]:
        return Exception

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        return self.counters.incr_many([WindowHit(key, expiry, amount, window_start(NOW, expiry))])[0]

    def get(self, key: str) -> int:
        return self.counters.get(key)

    def get_expiry(self, key: str) -> float:
        return float(window_start(NOW, expiry_of(key)) + expiry_of(key))

    def check(self) -> bool:
        return True

    def reset(self) -> int | None:
        return self.counters.reset()

    def clear(self, key: str) -> None:
        self.counters.clear(key)


@pytest.fixture
def storage(firestore_client: Any) -> FirestoreWindowCounters:
    return FirestoreWindowCounters(LazyFirestore(None, factory=lambda _: firestore_client), clock=lambda: NOW)


def test_the_limits_fixed_window_strategy_runs_on_our_counters(storage: FirestoreWindowCounters) -> None:
    strategy, item, who = FixedWindowRateLimiter(LimitsStorage(storage)), parse("2/minute"), uuid.uuid4().hex
    assert [strategy.hit(item, who) for _ in range(3)] == [True, True, False]
    stats = strategy.get_window_stats(item, who)
    assert (stats.remaining, stats.reset_time) == (0, T0 + 60)  # T0 is a whole minute
    storage.clear(item.key_for(who))
    assert strategy.test(item, who)


def test_several_windows_move_in_one_commit_and_return_their_totals(storage: FirestoreWindowCounters) -> None:
    who = uuid.uuid4().hex
    items = parse_limits("3/second;100/minute")
    windows = [(item.key_for(who), item.expiry) for item in items]
    hits = [WindowHit(key, expiry, 2, window_start(NOW, expiry)) for key, expiry in windows]
    assert storage.incr_many(hits) == [2, 2]
    assert storage.incr_many(hits) == [4, 4]
    assert storage.get(items[1].key_for(who)) == 4


def test_two_limiters_on_one_firestore_share_the_quota(storage: FirestoreWindowCounters) -> None:
    policies = {LimitScope.WRITE: parse_limits("4/minute")}
    a = SharedRateLimiter(policies, storage, clock=lambda: NOW, background=False)
    b = SharedRateLimiter(policies, storage, clock=lambda: NOW, background=False)
    who = uuid.uuid4().hex
    results = []
    for n in range(8):
        results.append((a, b)[n % 2].hit(LimitScope.WRITE, who).allowed)
        a.flush(), b.flush()
    assert results.count(True) == 4


def test_a_reset_deletes_every_window(storage: FirestoreWindowCounters) -> None:
    key = parse_limits("5/minute")[0].key_for(uuid.uuid4().hex)
    storage.incr_many([WindowHit(key, 60, 1, window_start(NOW, 60))])
    assert storage.reset() >= 1
    assert storage.get(key) == 0
