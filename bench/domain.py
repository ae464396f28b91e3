"""Streak engine throughput: in-order application, and the cost of a late insert vs history length.

Run: python -m bench.domain [--days 100000] [--inserts 300] [--repeats 3]
The in-order passes and each size's late-insert measurement run `repeats` times (the sizes in turn); the best
of each is kept (the one least disturbed by the rest of the machine) and every measurement is printed.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
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


def late_insert_us(days_count: int, inserts: int, starts: DayStarts = MIDNIGHT) -> float:
    """Median µs to apply one late session that fills a gap day in the middle of the history."""
    sessions, gaps = history(days_count, seed=days_count)
    days, streak, _ = apply_all(sessions, starts)
    middle = [g for g in gaps if days_count * 0.25 <= (g - FIRST_DAY.date()).days <= days_count * 0.75]
    targets = random.Random(1).sample(middle, min(inserts, len(middle)))
    samples: list[int] = []
    for n, gap in enumerate(targets):
        start = datetime(gap.year, gap.month, gap.day, 9, tzinfo=UTC)
        late = Session(f"late{n}", start, start + timedelta(hours=1), ZONE)
        began = time.perf_counter_ns()
        apply_session(days, streak, late, DEFAULT_CONFIG, starts)
        samples.append(time.perf_counter_ns() - began)
        assert streak.is_qualified(gap)
    return statistics.median(samples) / 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, default=100_000, help="history length for the in-order run")
    parser.add_argument("--inserts", type=int, default=300, help="late inserts timed at each size")
    parser.add_argument(
        "--repeats", type=int, default=3, help="passes and late-insert measurements; the best is kept"
    )
    args = parser.parse_args()

    sessions, _ = history(args.days, seed=7)
    print(f"applying {len(sessions):,} sessions over {args.days:,} days in order, {args.repeats} times ...")
    rates = []
    for _ in range(args.repeats):  # the best pass is the one least disturbed by the rest of the machine
        _, streak, elapsed = apply_all(sessions)
        rates.append(len(sessions) / elapsed)
        print(f"  {rates[-1]:,.0f} sessions/s; longest streak {streak.longest_streak}", flush=True)
    per_second = max(rates)

    # Baseline in the same run: only cutting sessions at local midnights, no state at all.
    began = time.perf_counter()
    for s in sessions:
        split_by_local_day(s.start_ms, s.end_ms, s.zone)
    split_per_second = len(sessions) / (time.perf_counter() - began)
    print(f"  baseline (local-day split only): {split_per_second:,.0f} sessions/s", flush=True)

    # Each size measured `repeats` times, like the passes above, and the least disturbed (lowest) median
    # kept: one measurement of a few hundred inserts moved by 30-50% between runs minutes apart here. The
    # sizes take turns, a round of all of them per repeat, so that a slow minute of the machine falls on
    # every size alike rather than on the repeats of one (which moved the growth by ±0.2).
    sizes = (1_000, 10_000, 100_000)
    rounds = [{size: late_insert_us(size, args.inserts) for size in sizes} for _ in range(args.repeats)]
    per_insert: dict[str, float] = {}
    for size in sizes:
        medians = [measured[size] for measured in rounds]
        per_insert[str(size)] = min(medians)
        shown = " / ".join(f"{m:.1f}" for m in medians)
        print(f"  late insert at {size:,} days: {shown} µs (median of each measurement)", flush=True)

    owl_rates = [len(sessions) / apply_all(sessions, OWL)[2] for _ in range(args.repeats)]
    print(f"  with the day starting at 04:00: {max(owl_rates):,.0f} sessions/s", flush=True)
    ends = (1_000, 100_000)
    owl_rounds = [{size: late_insert_us(size, args.inserts, OWL) for size in ends} for _ in rounds]
    owl_insert = {size: min(measured[size] for measured in owl_rounds) for size in ends}
    small, large = owl_insert[1_000], owl_insert[100_000]
    print(f"  late insert with 04:00 at 1,000 / 100,000 days: {small:.1f} / {large:.1f} µs", flush=True)

    result = {
        "bench": "domain",
        "days": args.days,
        "sessions": len(sessions),
        "sessions_per_second": round(per_second),
        "sessions_per_second_median": round(sorted(rates)[len(rates) // 2]),
        "baseline_split_sessions_per_second": round(split_per_second),
        "apply_vs_split_ratio": round(per_second / split_per_second, 3),
        "late_insert_us": {k: round(v, 2) for k, v in per_insert.items()},
        "late_insert_growth": round(per_insert["100000"] / per_insert["1000"], 3),
        "day_start_0400_sessions_per_second": round(max(owl_rates)),
        "day_start_0400_late_insert_growth": round(owl_insert[100_000] / owl_insert[1_000], 3),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
