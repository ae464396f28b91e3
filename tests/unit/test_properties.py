"""Properties of the engine on random histories: order independence, idempotency, brute-force agreement.

The reference counts focus minute by minute: a set of (local date, minute) pairs is a union by
construction, so overlaps, midnights and DST need no cleverness there. Sessions start and end on whole
minutes and every zone used has whole-minute offsets, so per-minute counting is exact.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from streak_core.domain.config import StreakConfig
from streak_core.domain.days import DayState
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


def apply_all(items: list[Session]) -> tuple[dict[date, DayState], StreakState]:
    days: dict[date, DayState] = {}
    streak = StreakState()
    for s in items:
        apply_session(days, streak, s, CONFIG)
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


def reference_runs(qualified: set[date], bridged: set[date]) -> list[tuple[date, date, int]]:
    covered = sorted(qualified | bridged)
    runs: list[tuple[date, date, int]] = []
    for d in covered:
        if runs and runs[-1][1] == d - timedelta(days=1):
            start, _, length = runs[-1]
            runs[-1] = (start, d, length + (d in qualified))
        else:
            runs.append((d, d, int(d in qualified)))
    return [r for r in runs if r[2] > 0]


def reference_current(runs: list[tuple[date, date, int]], today: date) -> int:
    for start, end, length in runs:
        if start <= today <= end:
            return length
    for start, end, length in runs:
        if start <= today - timedelta(days=1) <= end:
            return length
    return 0


def assert_matches_reference(
    items: list[Session], streak: StreakState, days: dict[date, DayState], bridged: set[date]
) -> None:
    seconds = reference_seconds(items)
    assert {d: s.seconds for d, s in days.items() if s.seconds} == seconds
    qualified = {d for d, secs in seconds.items() if secs >= CONFIG.threshold_seconds}
    assert set(streak.qualified_dates()) == qualified
    runs = reference_runs(qualified, bridged)
    assert streak.qualified_days == len(qualified)
    assert streak.longest_streak == max((r[2] for r in runs), default=0)
    probe_days = {BASE.date() + timedelta(days=n) for n in range(-2, 95, 3)}
    for today in probe_days | {r[1] + timedelta(days=k) for r in runs for k in (0, 1, 2)}:
        assert streak.current_streak(today) == reference_current(runs, today), today


# --- properties ------------------------------------------------------------------------------------
@EXAMPLES
@given(histories, st.randoms(use_true_random=False))
def test_any_arrival_order_gives_the_same_state(items: list[Session], rnd: object) -> None:
    shuffled = list(items)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert snapshot(*apply_all(items)) == snapshot(*apply_all(shuffled))


@EXAMPLES
@given(histories, st.data())
def test_adding_sessions_again_changes_nothing(items: list[Session], data: st.DataObject) -> None:
    again = data.draw(st.lists(st.sampled_from(items), min_size=1, max_size=len(items)))
    assert snapshot(*apply_all(items)) == snapshot(*apply_all(items + again))


@EXAMPLES
@given(histories)
def test_engine_agrees_with_the_minute_by_minute_reference(items: list[Session]) -> None:
    days, streak = apply_all(items)
    assert_matches_reference(items, streak, days, bridged=set())


@EXAMPLES
@given(histories, st.sets(st.integers(0, 90), max_size=15), st.randoms(use_true_random=False))
def test_freezes_interleaved_with_late_sessions_agree_with_the_reference(
    items: list[Session], freeze_offsets: set[int], rnd: object
) -> None:
    freeze_days = {BASE.date() + timedelta(days=n) for n in freeze_offsets}
    operations: list[Session | date] = [*items, *freeze_days]
    rnd.shuffle(operations)  # type: ignore[attr-defined]
    days: dict[date, DayState] = {}
    streak = StreakState(freezes_available=len(freeze_days))
    for op in operations:
        if isinstance(op, Session):
            apply_session(days, streak, op, CONFIG)
        else:
            streak.apply_freeze(op)
    seconds = reference_seconds(items)
    qualified = {d for d, secs in seconds.items() if secs >= CONFIG.threshold_seconds}
    spent = freeze_days - qualified
    assert set(map(date.fromordinal, streak.frozen)) == spent
    assert streak.freezes_available == len(freeze_days) - len(spent)
    assert_matches_reference(items, streak, days, bridged=spent)
