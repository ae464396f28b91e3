"""Streak engine throughput: in-order application, and the cost of a late insert vs history length.

Run: python -m bench.domain [--days 100000] [--inserts 100] [--repeats 5]
The in-order pass runs `repeats` times, each followed by the baseline (the local-day split alone), and the
best of each is kept: the one least disturbed by the rest of the machine. The late inserts are timed in
`repeats` rounds, the sizes taking turns; each size's median over all its inserts is kept.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.day_start import MIDNIGHT, DayStarts
from streak_core.domain.days import DayState
from streak_core.domain.engine import apply_session
from streak_core.domain.sessions import Session
from streak_core.domain.streaks import StreakState
from streak_core.domain.timeline import split_by_local_day

ZONE = "Europe/Paris"
FIRST_DAY = datetime(1800, 1, 1, 8, 0, tzinfo=UTC)  # 100,000 days back from the 2070s


def history(days: int, seed: int) -> tuple[list[Session], list[date]]:
    """1-3 sessions on ~80% of days (some too short to qualify), in order; returns sessions and gap days."""
    rnd = random.Random(seed)
    sessions: list[Session] = []
    gaps: list[date] = []
    for n in range(days):
        morning = FIRST_DAY + timedelta(days=n)
        if rnd.random() < 0.2:
            gaps.append(morning.date())
            continue
        for k in range(rnd.randint(1, 3)):
            start = morning + timedelta(hours=4 * k, minutes=rnd.randint(0, 90))
            length = timedelta(minutes=rnd.randint(10, 50))
            sessions.append(Session(f"d{n}k{k}", start, start + length, ZONE))
    return sessions, gaps


# A night owl's day start (04:00) from the first day on: the general path of the rule, for comparison.
OWL = DayStarts(((date(1700, 1, 1), 4 * 60),))


def apply_all(
    sessions: list[Session], starts: DayStarts = MIDNIGHT
) -> tuple[dict[date, DayState], StreakState, float]:
    days: dict[date, DayState] = {}
    streak = StreakState()
    began = time.perf_counter()
    for s in sessions:
        apply_session(days, streak, s, DEFAULT_CONFIG, starts)
    return days, streak, time.perf_counter() - began


@dataclass
class LateInserts:
    """A history of `size` days applied in order, and the gap days in its middle half a late session fills."""

    size: int
    days: dict[date, DayState]
    streak: StreakState
    targets: list[date]


def late_inserts(size: int, seed: int, starts: DayStarts = MIDNIGHT) -> LateInserts:
    sessions, gaps = history(size, seed=seed)
    days, streak, _ = apply_all(sessions, starts)
    middle = [g for g in gaps if size * 0.25 <= (g - FIRST_DAY.date()).days <= size * 0.75]
    random.Random(seed).shuffle(middle)
    return LateInserts(size, days, streak, middle)


def insert_ns(plan: LateInserts, n: int, starts: DayStarts) -> int:
    """ns to apply one late session that fills the plan's n-th gap day."""
    gap = plan.targets[n]
    start = datetime(gap.year, gap.month, gap.day, 9, tzinfo=UTC)
    late = Session(f"late{n}", start, start + timedelta(hours=1), ZONE)
    began = time.perf_counter_ns()
    apply_session(plan.days, plan.streak, late, DEFAULT_CONFIG, starts)
    elapsed = time.perf_counter_ns() - began
    assert plan.streak.is_qualified(gap)
    return elapsed


BLOCK = 10  # inserts at one size before the next size's turn


def late_insert_us(
    sizes: tuple[int, ...], inserts: int, rounds: int, starts: DayStarts = MIDNIGHT
) -> dict[int, list[float]]:
    """µs of each late insert at each history length. Every round builds the histories afresh (each insert
    fills a real gap) and the sizes take turns every `BLOCK` inserts, so that a slow second of the machine
    falls on every size alike: measured one size after another, a size's median moved by 30-50% between
    measurements minutes apart, and the growth by ±0.3."""
    samples: dict[int, list[float]] = {size: [] for size in sizes}
    for round_ in range(rounds):
        plans = [late_inserts(size, seed=size + round_, starts=starts) for size in sizes]
        count = min(inserts, *(len(plan.targets) for plan in plans))
        for first in range(0, count, BLOCK):
            for plan in plans:
                for n in range(first, min(first + BLOCK, count)):
                    samples[plan.size].append(insert_ns(plan, n, starts) / 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, default=100_000, help="history length for the in-order run")
    parser.add_argument(
        "--inserts",
        type=int,
        default=100,
        help="late inserts timed at each size in each round (at most the "
        "gaps in the middle half of the shortest history: ~100 of 1,000 days)",
    )
    parser.add_argument("--repeats", type=int, default=5, help="in-order passes, and rounds of late inserts")
    args = parser.parse_args()

    sessions, _ = history(args.days, seed=7)
    print(f"applying {len(sessions):,} sessions over {args.days:,} days in order, {args.repeats} times ...")
    rates, split_rates = [], []
    for _ in range(args.repeats):  # the best pass is the one least disturbed by the rest of the machine
        _, streak, elapsed = apply_all(sessions)
        rates.append(len(sessions) / elapsed)
        # The baseline after each pass, in the same minute: only cutting sessions at local midnights.
        began = time.perf_counter()
        for s in sessions:
            split_by_local_day(s.start_ms, s.end_ms, s.zone)
        split_rates.append(len(sessions) / (time.perf_counter() - began))
        shown = f"{rates[-1]:,.0f} sessions/s (baseline, the local-day split only: {split_rates[-1]:,.0f}/s)"
        print(f"  {shown}; longest streak {streak.longest_streak}", flush=True)
    per_second, split_per_second = max(rates), max(split_rates)

    sizes = (1_000, 10_000, 100_000)
    inserts = late_insert_us(sizes, args.inserts, args.repeats)
    per_insert = {size: statistics.median(inserts[size]) for size in sizes}
    for size in sizes:
        quartiles = statistics.quantiles(inserts[size], n=4)
        shown = f"median {per_insert[size]:.1f} µs (quartiles {quartiles[0]:.1f} / {quartiles[2]:.1f})"
        print(f"  late insert at {size:,} days: {shown}, {len(inserts[size])} inserts", flush=True)

    owl_rates = [len(sessions) / apply_all(sessions, OWL)[2] for _ in range(args.repeats)]
    print(f"  with the day starting at 04:00: {max(owl_rates):,.0f} sessions/s", flush=True)
    ends = (1_000, 100_000)
    owl_inserts = late_insert_us(ends, args.inserts, args.repeats, OWL)
    small, large = (statistics.median(owl_inserts[size]) for size in ends)
    print(f"  late insert with 04:00 at 1,000 / 100,000 days: {small:.1f} / {large:.1f} µs", flush=True)

    result = {
        "bench": "domain",
        "days": args.days,
        "sessions": len(sessions),
        "sessions_per_second": round(per_second),
        "sessions_per_second_median": round(sorted(rates)[len(rates) // 2]),
        "baseline_split_sessions_per_second": round(split_per_second),
        "apply_vs_split_ratio": round(per_second / split_per_second, 3),
        "late_insert_us": {str(k): round(v, 2) for k, v in per_insert.items()},
        "late_insert_growth": round(per_insert[100_000] / per_insert[1_000], 3),
        "day_start_0400_sessions_per_second": round(max(owl_rates)),
        "day_start_0400_late_insert_growth": round(large / small, 3),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
