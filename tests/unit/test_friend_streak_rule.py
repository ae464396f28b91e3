"""The friend streak rule against a date-by-date reference, from sessions in any order, two zones 14 hours
apart and day starts of their own."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.day_start import MIDNIGHT, DayStarts
from streak_core.domain.days import DayState
from streak_core.domain.engine import apply_session
from streak_core.domain.friend_streaks import PairRun, Side, pair_runs, pair_today, standing
from streak_core.domain.sessions import Session
from streak_core.domain.streaks import StreakState
from streak_core.services.views import local_today

BASE = date(2026, 3, 1)
CONFIG = DEFAULT_CONFIG
ZONES = ("Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/Paris", "America/Santiago", "Asia/Kolkata")


def reference(a: StreakState, b: StreakState, started_on: date, today: date) -> tuple[int, int]:
    """(current length, longest), date by date from the two states' own answers."""
    last = max([today, *(date.fromordinal(e) for e in a.ends + b.ends)]) + timedelta(days=1)
    runs: list[int] = []
    open_run: list[date] = []
    live = 0
    day = started_on
    while day <= last:
        covered = a.is_covered(day) and b.is_covered(day)
        if covered:
            open_run.append(day)
        if open_run and (not covered or day == last):
            length = sum(1 for d in open_run if a.is_qualified(d) and b.is_qualified(d))
            if length:
                runs.append(length)
                if open_run[0] <= today and open_run[-1] >= today - timedelta(days=1):
                    live = length
            open_run = []
        day += timedelta(days=1)
    return live, max(runs, default=0)


@st.composite
def facts(draw: st.DrawFn) -> StreakState:
    days = st.sets(st.integers(0, 40)).map(lambda s: [BASE + timedelta(days=n) for n in s])
    qualified, frozen, paused = draw(days), draw(days), draw(days)
    strong = [d for d in qualified if draw(st.booleans())]
    return StreakState.from_facts(qualified, strong, frozen, paused, [], 0, CONFIG)


@settings(max_examples=300, deadline=None)
@given(facts(), facts(), st.integers(0, 40), st.integers(0, 45))
def test_the_rule_agrees_with_the_date_by_date_reference(
    a: StreakState, b: StreakState, start: int, today: int
) -> None:
    started_on, on = BASE + timedelta(days=start), BASE + timedelta(days=today)
    got = standing(Side.of(a), Side.of(b), started_on, on)
    assert (got.length, got.longest) == reference(a, b, started_on, on)
    assert got == standing(Side.of(b), Side.of(a), started_on, on)  # the two friends are alike


def test_a_date_counts_only_when_both_qualified_and_bridges_need_both_covered() -> None:
    d = [BASE + timedelta(days=n) for n in range(6)]
    a = StreakState.from_facts([d[0], d[1], d[2], d[4]], [], [d[3]], [], [], 0, CONFIG)
    b = StreakState.from_facts([d[0], d[2], d[3], d[4]], [], [d[1]], [], [], 0, CONFIG)
    runs = pair_runs(Side.of(a), Side.of(b), d[0])
    # d1: a qualified, b frozen (bridge); d3: a frozen, b qualified (bridge): one run, three counting dates.
    assert runs == [PairRun(d[0], d[4], 3, d[4])]
    # From the acceptance date on only.
    assert pair_runs(Side.of(a), Side.of(b), d[2]) == [PairRun(d[2], d[4], 2, d[4])]
    got = standing(Side.of(a), Side.of(b), d[0], d[5])
    assert (got.length, got.at_risk) == (3, True)
    assert standing(Side.of(a), Side.of(b), d[0], d[5] + timedelta(days=1)).length == 0


def sessions_of(draw: st.DrawFn, zone: str, uid: str) -> list[Session]:
    out = []
    for n in draw(st.lists(st.integers(0, 30), max_size=25)):
        start = datetime(2026, 3, 1, tzinfo=UTC) + timedelta(days=n, minutes=draw(st.integers(0, 1439)))
        minutes = draw(st.sampled_from([10, 31, 45, 70]))
        out.append(Session(f"{uid}{len(out)}", start, start + timedelta(minutes=minutes), zone))
    return out


def state_of(sessions: list[Session], starts: DayStarts, order: random.Random) -> StreakState:
    """Sessions applied one at a time in the order given, as live acceptance does."""
    shuffled = sessions[:]
    order.shuffle(shuffled)
    days: dict[date, DayState] = {}
    streak = StreakState()
    for session in shuffled:
        apply_session(days, streak, session, CONFIG, starts)
    return streak


@st.composite
def friends(draw: st.DrawFn) -> tuple[tuple[list[Session], DayStarts, str], ...]:
    out = []
    for uid in ("a", "b"):
        zone = draw(st.sampled_from(ZONES))
        starts = (
            DayStarts(((date(2026, 1, 1), draw(st.sampled_from([0, 180, 240]))),))
            if draw(st.booleans())
            else MIDNIGHT
        )
        out.append((sessions_of(draw, zone, uid), starts, zone))
    return tuple(out)


@settings(max_examples=150, deadline=None)
@given(friends(), st.randoms(use_true_random=False), st.integers(0, 6), st.integers(0, 33 * 24))
def test_arrival_order_late_data_and_deletions_give_the_same_friend_streak(
    pair: tuple[tuple[list[Session], DayStarts, str], ...], order: random.Random, start: int, hour: int
) -> None:
    (a_sessions, a_starts, a_zone), (b_sessions, b_starts, b_zone) = pair
    now = datetime(2026, 3, 1, tzinfo=UTC) + timedelta(hours=hour)
    today = pair_today(local_today(now, a_zone, a_starts), local_today(now, b_zone, b_starts))
    started_on = BASE + timedelta(days=start)

    def judged(a: list[Session], b: list[Session], rng: random.Random) -> tuple[int, int]:
        got = standing(
            Side.of(state_of(a, a_starts, rng)), Side.of(state_of(b, b_starts, rng)), started_on, today
        )
        return got.length, got.longest

    in_order = judged(a_sessions, b_sessions, random.Random(0))
    assert judged(a_sessions, b_sessions, order) == in_order  # any arrival order, late data included
    a_state, b_state = state_of(a_sessions, a_starts, order), state_of(b_sessions, b_starts, order)
    assert in_order == reference(a_state, b_state, started_on, today)
    if a_sessions:  # a session deleted: its state rebuilt without it is what it would have been
        kept = a_sessions[1:]
        assert judged(kept, b_sessions, order) == judged(kept, b_sessions, random.Random(1))


def test_nobody_is_judged_before_their_own_day_is_over() -> None:
    """Kiritimati (UTC+14) and Pago Pago (UTC-11) are a day apart most of the day: the pair's date is the
    earlier one, so the friend in Kiritimati has not broken the streak by being a day ahead."""
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)  # Kiritimati: the 11th, 02:00; Pago Pago: the 10th, 01:00
    kiri, pago = (
        local_today(now, "Pacific/Kiritimati", MIDNIGHT),
        local_today(now, "Pacific/Pago_Pago", MIDNIGHT),
    )
    assert (kiri, pago) == (date(2026, 3, 11), date(2026, 3, 10))
    days = [date(2026, 3, 7), date(2026, 3, 8), date(2026, 3, 9)]
    a = StreakState.from_facts(days, [], [], [], [], 0, CONFIG)
    b = StreakState.from_facts(days, [], [], [], [], 0, CONFIG)
    today = pair_today(kiri, pago)
    got = standing(Side.of(a), Side.of(b), days[0], today)
    assert (got.today, got.length, got.at_risk) == (date(2026, 3, 10), 3, True)
    # Judged on Kiritimati's date alone, the 10th would already be over and the streak gone.
    assert standing(Side.of(a), Side.of(b), days[0], kiri).length == 0
