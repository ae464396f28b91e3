"""Properties of the engine on random histories: order independence, idempotency, brute-force agreement.

The reference counts focus minute by minute: a set of (local date, minute) pairs is a union by
construction, so overlaps, midnights and DST need no cleverness there. Sessions start and end on whole
minutes and every zone used has whole-minute offsets, so per-minute counting is exact. It derives the
recoveries as DESIGN.md words the rule, one date after the other; the engine finds them another way.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from streak_core.domain.config import StreakConfig
from streak_core.domain.days import DayState, recovery_seconds
from streak_core.domain.engine import apply_session
from streak_core.domain.sessions import Session
from streak_core.domain.streaks import StreakState

ZONES = [
    "UTC",
    "Europe/Paris",
    "America/New_York",
    "Pacific/Kiritimati",  # UTC+14
    "Pacific/Pago_Pago",  # UTC-11
    "Asia/Kathmandu",  # +05:45
    "Australia/Lord_Howe",  # 30-minute DST shift
    "America/Santiago",  # DST changes at midnight
]
BASE = datetime(2026, 2, 20, tzinfo=UTC)  # spans the March and April DST changes
CONFIG = StreakConfig(max_freezes_held=1000)
TIGHT = StreakConfig(max_freezes_held=1000, recovery_spacing_days=4)  # recoveries often crowd each other
configs = st.sampled_from([CONFIG, TIGHT])
EXAMPLES = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


def _session(start_minute: int, minutes: int, timezone: str) -> Session:
    start = BASE + timedelta(minutes=start_minute)
    end = start + timedelta(minutes=minutes)
    return Session(id=f"s{start_minute}-{minutes}", start=start, end=end, timezone=timezone)


# Mostly app-like sessions of up to 90 minutes, some up to a day long to cross midnights and DST.
durations = st.one_of(st.integers(1, 90), st.integers(1, 90), st.integers(1, 26 * 60))
sessions = st.builds(_session, st.integers(0, 90 * 24 * 60), durations, st.sampled_from(ZONES))
histories = st.lists(sessions, min_size=100, max_size=250)
day_numbers = st.sets(st.integers(-3, 93), max_size=12)


def days_of(numbers: set[int]) -> set[date]:
    return {BASE.date() + timedelta(days=n) for n in numbers}


@dataclass
class Facts:
    """What an operator or the user set, besides sessions: pauses and excused days."""

    paused: set[date]
    excused: set[date]


facts = st.builds(lambda p, e: Facts(days_of(p), days_of(e)), day_numbers, day_numbers)

Op = Session | tuple[str, date]


def operations(items: list[Session], given_facts: Facts) -> list[Op]:
    return [
        *items,
        *(("pause", d) for d in given_facts.paused),
        *(("excuse", d) for d in given_facts.excused),
    ]


def run(ops: list[Op], config: StreakConfig) -> tuple[dict[date, DayState], StreakState]:
    days: dict[date, DayState] = {}
    streak = StreakState()
    for op in ops:
        if isinstance(op, Session):
            apply_session(days, streak, op, config)
        elif op[0] == "pause":
            streak.pause([op[1]], config)
        elif op[0] == "unpause":
            streak.unpause([op[1]], config)
        elif op[0] == "excuse":
            streak.excuse(op[1], config)
        else:
            streak.apply_freeze(op[1], config)
        streak.drain_effects()
    return days, streak


def snapshot(days: dict[date, DayState], streak: StreakState) -> tuple[object, ...]:
    return ({d: list(s.intervals) for d, s in days.items() if s.intervals}, streak)


# --- the slow, obviously correct reference -------------------------------------------------------
def reference_seconds(items: list[Session]) -> dict[date, int]:
    minutes: dict[date, set[int]] = {}
    for s in items:
        zone = ZoneInfo(s.timezone)
        first = int(s.start.timestamp()) // 60
        for minute in range(first, int(s.end.timestamp()) // 60):
            local = datetime.fromtimestamp(minute * 60, zone).date()
            minutes.setdefault(local, set()).add(minute)
    return {d: len(m) * 60 for d, m in minutes.items()}


@dataclass
class Reference:
    qualified: set[date]
    strong: set[date]
    frozen: set[date]
    recovered: set[date]
    runs: list[tuple[date, date, int]]

    def current(self, today: date) -> int:
        for start, end, length in self.runs:
            if start <= today <= end:
                return length
        for start, end, length in self.runs:
            if start <= today - timedelta(days=1) <= end:
                return length
        return 0


def reference(
    seconds: dict[date, int], frozen: set[date], given_facts: Facts, config: StreakConfig
) -> Reference:
    qualified = {d for d, secs in seconds.items() if secs >= config.threshold_seconds}
    strong = {d for d, secs in seconds.items() if secs >= recovery_seconds(config)}
    frozen = frozen - qualified - given_facts.excused
    bridged = frozen | given_facts.paused | given_facts.excused
    covered = qualified | bridged
    recovered: set[date] = set()
    one = timedelta(days=1)
    everything = covered | strong
    day = min(everything, default=BASE.date()) - one
    while day <= max(everything, default=BASE.date()):
        # "D is not qualified, frozen, paused or excused, the day before D is covered (D broke a run),
        # D+1 has at least 2x the threshold, and no other day within the 30 days before D is recovered."
        before = day - one
        run_has_qualified = False
        while before in covered:
            run_has_qualified = run_has_qualified or before in qualified
            before -= one
        spaced = not any(
            day - timedelta(days=k) in recovered for k in range(1, config.recovery_spacing_days + 1)
        )
        if day not in covered and run_has_qualified and day + one in strong and spaced:
            recovered.add(day)
            covered.add(day)
        day += one
    runs: list[tuple[date, date, int]] = []
    for d in sorted(covered):
        if runs and runs[-1][1] == d - one:
            start, _, length = runs[-1]
            runs[-1] = (start, d, length + (d in qualified))
        else:
            runs.append((d, d, int(d in qualified)))
    return Reference(qualified, strong, frozen, recovered, runs)


def assert_matches(
    streak: StreakState, days: dict[date, DayState], ref: Reference, seconds: dict[date, int]
) -> None:
    assert {d: s.seconds for d, s in days.items() if s.seconds} == seconds
    assert set(streak.qualified_dates()) == ref.qualified
    assert {date.fromordinal(o) for o in streak.strong} == ref.strong
    assert {date.fromordinal(o) for o in streak.frozen} == ref.frozen
    assert {date.fromordinal(o) for o in streak.recovered} == ref.recovered
    assert streak.qualified_days == len(ref.qualified)
    counted = [
        (date.fromordinal(s), date.fromordinal(e), n)
        for s, e, n in zip(streak.starts, streak.ends, streak.lengths, strict=True)
    ]
    assert counted == ref.runs
    assert streak.longest_streak == max((r[2] for r in ref.runs), default=0)
    probe_days = {BASE.date() + timedelta(days=n) for n in range(-4, 96, 3)}
    for today in probe_days | {r[1] + timedelta(days=k) for r in ref.runs for k in (0, 1, 2)}:
        assert streak.current_streak(today) == ref.current(today), today


def shuffled(items: list[Op], seed: int) -> list[Op]:
    copy = list(items)
    random.Random(seed).shuffle(copy)
    return copy


# --- properties ------------------------------------------------------------------------------------
@EXAMPLES
@given(histories, facts, configs, st.integers(0, 2**32))
def test_any_arrival_order_gives_the_same_state(
    items: list[Session], given_facts: Facts, config: StreakConfig, seed: int
) -> None:
    ops = operations(items, given_facts)
    assert snapshot(*run(ops, config)) == snapshot(*run(shuffled(ops, seed), config))


@EXAMPLES
@given(histories, facts, configs, st.data())
def test_adding_sessions_and_facts_again_changes_nothing(
    items: list[Session], given_facts: Facts, config: StreakConfig, data: st.DataObject
) -> None:
    ops = operations(items, given_facts)
    again = data.draw(st.lists(st.sampled_from(ops), min_size=1, max_size=len(ops)))
    assert snapshot(*run(ops, config)) == snapshot(*run(ops + again, config))


@EXAMPLES
@given(histories, facts, configs, st.integers(0, 2**32))
def test_engine_agrees_with_the_reference_on_recoveries_pauses_and_excuses(
    items: list[Session], given_facts: Facts, config: StreakConfig, seed: int
) -> None:
    days, streak = run(shuffled(operations(items, given_facts), seed), config)
    seconds = reference_seconds(items)
    assert_matches(streak, days, reference(seconds, set(), given_facts, config), seconds)


@EXAMPLES
@given(histories, facts, configs, st.integers(0, 2**32))
def test_deriving_from_the_facts_in_one_pass_gives_the_state_changes_give(
    items: list[Session], given_facts: Facts, config: StreakConfig, seed: int
) -> None:
    _, streak = run(shuffled(operations(items, given_facts), seed), config)
    derived = StreakState.from_facts(
        streak.qualified_dates(),
        map(date.fromordinal, streak.strong),
        map(date.fromordinal, streak.frozen),
        map(date.fromordinal, streak.paused),
        map(date.fromordinal, streak.excused),
        streak.freezes_available,
        config,
    )
    assert derived == streak


@EXAMPLES
@given(histories, facts, day_numbers, configs, st.integers(0, 2**32))
def test_withdrawn_pauses_leave_the_state_of_never_having_paused(
    items: list[Session], given_facts: Facts, withdrawn: set[int], config: StreakConfig, seed: int
) -> None:
    gone = days_of(withdrawn)
    ops = [*operations(items, Facts(given_facts.paused | gone, given_facts.excused))]
    ops = shuffled(ops, seed) + [("unpause", d) for d in sorted(gone - given_facts.paused)]
    days, streak = run(ops, config)
    seconds = reference_seconds(items)
    assert_matches(streak, days, reference(seconds, set(), given_facts, config), seconds)


@EXAMPLES
@given(histories, st.data(), configs, st.integers(0, 2**32))
def test_freezes_applied_nightly_then_late_sessions_agree_with_the_reference(
    items: list[Session], data: st.DataObject, config: StreakConfig, seed: int
) -> None:
    """Maintenance spends freezes on uncovered days, in date order; late sessions then refund them."""
    cut = data.draw(st.integers(0, len(items)))
    early, late = items[:cut], items[cut:]
    freeze_days = sorted(days_of(data.draw(day_numbers)))
    days, streak = run(shuffled(list(early), seed), config)
    streak.freezes_available = len(freeze_days)
    frozen: set[date] = set()
    seconds_early = reference_seconds(early)
    no_facts = Facts(set(), set())
    for day in freeze_days:  # the reference: a freeze goes where the day is not covered at that moment
        ref = reference(seconds_early, frozen, no_facts, config)
        covered = {d for s, e, _ in ref.runs for d in _dates(s, e)}
        if day not in covered:
            frozen.add(day)
        streak.apply_freeze(day, config)
    for s in shuffled(list(late), seed + 1):
        apply_session(days, streak, s, config)
    seconds = reference_seconds(items)
    ref = reference(seconds, frozen, no_facts, config)
    assert streak.freezes_available == len(freeze_days) - len(ref.frozen)
    assert_matches(streak, days, ref, seconds)


def _dates(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
