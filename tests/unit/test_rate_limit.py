"""The shared limiter with fakes of its counters: windows, the in-memory pre-check, what crosses instances."""

from __future__ import annotations

import time

import limits
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streak_core.domain.vocabulary import LimitScope
from streak_core.domain.windows import parse_limits
from streak_core.errors import TransientStoreError
from streak_core.services.rate_limit import SharedRateLimiter
from tests.unit.fakes import SharedWindows

T0 = 1_800_000_000.0  # a whole minute (and second) since the epoch


class Clock:
    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def limiter(spec: str, counters: SharedWindows, clock: Clock) -> SharedRateLimiter:
    return SharedRateLimiter({LimitScope.WRITE: parse_limits(spec)}, counters, clock, background=False)


def allowed(instance: SharedRateLimiter, times: int, who: str = "u1") -> list[bool]:
    return [instance.hit(LimitScope.WRITE, who).allowed for _ in range(times)]


def test_a_window_admits_its_amount_then_refuses_until_it_ends() -> None:
    clock = Clock()
    one = limiter("3/second", SharedWindows(), clock)
    assert allowed(one, 5) == [True, True, True, False, False]
    clock.now += 1
    assert allowed(one, 1) == [True]


def test_every_window_counts_and_retry_after_waits_for_the_longest_breached_one() -> None:
    clock = Clock()
    one = limiter("3/second;5/minute", SharedWindows(), clock)
    assert allowed(one, 3) == [True] * 3
    clock.now += 1
    assert allowed(one, 2) == [True, True]
    clock.now += 1
    verdict = one.hit(LimitScope.WRITE, "u1")
    assert (verdict.allowed, verdict.retry_after) == (False, 58)
    assert verdict.tightest is not None
    assert verdict.tightest.remaining == 0


def test_the_headers_describe_the_window_with_the_fewest_requests_left() -> None:
    clock = Clock(T0 + 0.25)
    one = limiter("3/second;20/10 seconds;100/minute", SharedWindows(), clock)
    tightest = one.hit(LimitScope.WRITE, "u1").tightest
    assert tightest is not None
    assert (tightest.limit, tightest.remaining, tightest.reset_seconds) == (3, 2, 1)


def test_well_under_the_limits_a_request_costs_no_round_trip_and_is_counted_by_the_flush() -> None:
    counters, clock = SharedWindows(), Clock()
    one = limiter("100/minute", counters, clock)
    assert allowed(one, 1) == [True]  # the first request of a minute: learns the shared count
    assert len(counters.commits) == 1
    assert allowed(one, 20) == [True] * 20
    assert len(counters.commits) == 1
    assert one.flush() == 1
    assert [hit.amount for hit in counters.commits[-1]] == [20]
    assert sum(counters.counts.values()) == 21


def test_a_refusal_this_instance_already_knows_costs_no_round_trip() -> None:
    counters, clock = SharedWindows(), Clock()
    one = limiter("2/minute", counters, clock)
    allowed(one, 3)
    commits = len(counters.commits)
    assert allowed(one, 5) == [False] * 5
    assert len(counters.commits) == commits


def test_a_refused_request_gives_its_count_back() -> None:
    counters, clock = SharedWindows(), Clock()
    one = limiter("2/minute", counters, clock)
    assert allowed(one, 3) == [True, True, False]
    one.flush()
    assert sum(counters.counts.values()) == 2


def test_two_instances_share_one_quota() -> None:
    counters, clock = SharedWindows(), Clock()
    a, b = limiter("5/minute", counters, clock), limiter("5/minute", counters, clock)
    results = []
    for n in range(10):
        results.append((a if n % 2 == 0 else b).hit(LimitScope.WRITE, "u1").allowed)
        a.flush(), b.flush()  # the background flushes, which land within milliseconds
    assert results.count(True) == 5


def test_a_fresh_instance_asks_the_shared_counters_before_admitting_into_a_used_minute() -> None:
    counters, clock = SharedWindows(), Clock()
    a, b = limiter("5/minute", counters, clock), limiter("5/minute", counters, clock)
    assert allowed(a, 5) == [True] * 5
    a.flush()
    assert allowed(b, 3) == [False] * 3


def test_users_and_scopes_have_their_own_windows() -> None:
    counters, clock = SharedWindows(), Clock()
    one = SharedRateLimiter(
        {LimitScope.WRITE: parse_limits("1/minute"), LimitScope.READ: parse_limits("1/minute")},
        counters,
        clock,
        background=False,
    )
    assert one.hit(LimitScope.WRITE, "u1").allowed
    assert not one.hit(LimitScope.WRITE, "u1").allowed
    assert one.hit(LimitScope.WRITE, "u2").allowed
    assert one.hit(LimitScope.READ, "u1").allowed


def test_a_scope_without_limits_admits_everything_without_headers() -> None:
    one = SharedRateLimiter({LimitScope.WRITE: parse_limits("")}, SharedWindows(), Clock(), background=False)
    verdict = one.hit(LimitScope.WRITE, "u1")
    assert (verdict.allowed, verdict.tightest) == (True, None)


def test_unreachable_counters_admit_on_local_counts_and_send_them_later() -> None:
    counters, clock = SharedWindows(fail_next=1), Clock()
    one = limiter("5/minute", counters, clock)
    assert allowed(one, 1) == [True]
    one.flush()
    assert sum(counters.counts.values()) == 1


def test_a_failed_flush_keeps_its_counts_for_the_next() -> None:
    counters, clock = SharedWindows(), Clock()
    one = limiter("100/minute", counters, clock)
    allowed(one, 4)
    counters.fail_next = 1
    with pytest.raises(TransientStoreError):
        one.flush()
    one.flush()
    assert sum(counters.counts.values()) == 4


def test_ended_windows_are_forgotten() -> None:
    counters, clock = SharedWindows(), Clock()
    one = limiter("100/minute", counters, clock)
    for n in range(50):
        one.hit(LimitScope.WRITE, f"u{n}")
    one.flush()
    clock.now += 120
    one.flush()
    assert one.hit(LimitScope.WRITE, "u1").allowed
    assert one.windows_held == 1  # memory stays bounded by the windows still open


def test_the_limits_notation_is_checked() -> None:
    with pytest.raises(ValueError, match="fortnight"):
        parse_limits("3 per fortnight")


# The notation as limits reads it: its words, separators and spacing, and text around them.
WORDS = st.sampled_from(["second", "seconds", "Minute", "minutes", "hour", "HOURS", "day", "days", "month"])
WINDOW = st.builds(
    lambda amount, per, multiples, word, pad: f"{pad}{amount}{per}{multiples}{pad}{word}{pad}",
    st.integers(0, 10**6),
    st.sampled_from(["/", " per ", "per", " / "]),
    st.one_of(st.just(""), st.integers(0, 1000).map(lambda n: f"{n} ")),
    st.one_of(WORDS, st.sampled_from(["year", "years", "fortnight", "sec", ""])),
    st.sampled_from(["", " ", "  "]),
)
SPEC = st.one_of(
    st.lists(WINDOW, min_size=1, max_size=4).flatmap(
        lambda parts: st.sampled_from([";", ",", "|", ":;", " ;"]).map(lambda sep: sep.join(parts))
    ),
    st.text(alphabet="0123456789/ per;,|:secondminuthaySX", max_size=30),
)


@settings(max_examples=400, deadline=None)
@given(SPEC)
def test_our_notation_reads_every_spec_as_the_limits_library_does(spec: str) -> None:
    """limits (the maintained library whose notation the settings use) is the reference: the same strings
    read, the same windows, the same counter keys; the same strings refused. A blank spec is ours alone: no
    limit for that scope (limits refuses it)."""
    if not spec.strip():
        assert parse_limits(spec) == ()
        return
    try:
        reference = limits.parse_many(spec)
    except ValueError:
        with pytest.raises(ValueError, match=r"couldn't parse rate limit string|no granularity matched"):
            parse_limits(spec)
        return
    ours = parse_limits(spec)
    assert [(w.amount, w.multiples, w.unit.value, w.expiry) for w in ours] == [
        (r.amount, r.multiples, r.GRANULARITY.name, r.get_expiry()) for r in reference
    ]
    assert [w.key_for("write", "u1") for w in ours] == [r.key_for("write", "u1") for r in reference]


def test_the_background_flush_counts_admitted_and_gives_back_refused_requests() -> None:
    counters, clock = SharedWindows(), Clock()
    one = SharedRateLimiter({LimitScope.WRITE: parse_limits("4/minute")}, counters, clock)
    assert allowed(one, 6) == [True] * 4 + [False] * 2
    deadline = time.monotonic() + 5
    while sum(counters.counts.values()) != 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert sum(counters.counts.values()) == 4
