"""Calibration of `keep_streak_7_days` on simulated users whose behaviour is known, vs a constant rate.

Run: python -m bench.insights [--users 5000] [--weeks 12] [--seed 7]
Each simulated user qualifies on each day with a chance of their own per weekday (a base rate, weekends
scaled up or down), and a third of them change habits four weeks before the end of their history (the
change lasts). They hold 0-2 freezes. The model sees `--weeks` of history and predicts the chance of no
break over the next 7 days; the outcome is drawn from the true chances. The baseline predicts one rate for
everybody: the share of users keeping their streak in a separate population simulated the same way.
Brier score = mean squared error of the predicted chance against the 0/1 outcome (lower is better).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from dataclasses import dataclass
from datetime import date, timedelta

from streak_core.domain.insights import HORIZON_DAYS, predict

TODAY = date(2026, 11, 23)


@dataclass(frozen=True)
class SimulatedUser:
    before: tuple[float, ...]  # chance of qualifying per weekday, Monday first
    after: tuple[float, ...]  # the same from four weeks before today on
    freezes: int


def simulated(rnd: random.Random) -> SimulatedUser:
    def habits() -> tuple[float, ...]:
        base, weekend = rnd.uniform(0.25, 0.98), rnd.uniform(0.2, 1.3)
        return tuple(min(0.99, base * (weekend if n >= 5 else 1.0)) for n in range(7))

    first = habits()
    return SimulatedUser(first, habits() if rnd.random() < 1 / 3 else first, rnd.randint(0, 2))


def chance_on(user: SimulatedUser, day: date) -> float:
    return (user.after if day >= TODAY - timedelta(days=28) else user.before)[day.weekday()]


def outcome(user: SimulatedUser, rnd: random.Random) -> int:
    """1 if the streak survives the next 7 days (misses covered by the freezes held)."""
    coming = [TODAY + timedelta(days=n) for n in range(HORIZON_DAYS)]
    misses = sum(1 for d in coming if rnd.random() >= chance_on(user, d))
    return int(misses <= user.freezes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--weeks", type=int, default=12)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rnd = random.Random(args.seed)
    last = TODAY - timedelta(days=1)
    first = last - timedelta(days=7 * args.weeks - 1)
    history_days = [first + timedelta(days=n) for n in range(7 * args.weeks)]

    training = [outcome(simulated(rnd), rnd) for _ in range(args.users)]
    constant = statistics.fmean(training)
    print(
        f"baseline: a constant {constant:.4f}, the keep rate of {args.users} other simulated users",
        flush=True,
    )

    began = time.perf_counter()
    model_errors, baseline_errors = [], []
    for n in range(args.users):
        user = simulated(rnd)
        qualified = {d: rnd.random() < chance_on(user, d) for d in history_days}
        predicted = predict(qualified, first, last, TODAY, [], user.freezes).keep_streak_7_days
        kept = outcome(user, rnd)
        model_errors.append((predicted - kept) ** 2)
        baseline_errors.append((constant - kept) ** 2)
        if (n + 1) % 1000 == 0:
            print(f"{n + 1}/{args.users} users", flush=True)
    elapsed = time.perf_counter() - began
    brier, baseline = statistics.fmean(model_errors), statistics.fmean(baseline_errors)
    print(f"Brier: model {brier:.4f}, constant rate {baseline:.4f}", flush=True)
    figures = {
        "bench": "insights",
        "users": args.users,
        "weeks": args.weeks,
        "brier": round(brier, 4),
        "baseline_brier": round(baseline, 4),
        "skill": round(1 - brier / baseline, 3),  # 1 - Brier / baseline: > 0 is better than a constant
        "predictions_per_second": round(args.users / elapsed),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
