"""A 366-day calendar from the month documents vs from the day documents, and the cache's hit rate.

Run: python -m bench.calendar [--reads 60] [--users 20] [--events 120]
Starts its own Firestore emulator. Two users get the same year of sessions (one a day); the second is marked
as having history from before the month documents, so its calendar is read day by day as it used to be.
Both are read in turn (the cache off), `--reads` times each: materialized_to_per_day_p50_ratio = p50 of the
month read / p50 of the day read. Then the hit rate of the per-instance cache over a request mix: each of
`--users` users makes `--events` requests in which a session arrives one time in 10 and the rest are
calendar reads (the month view 80 %, the year view 20 %), as a phone and a widget refreshing would.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from datetime import UTC, date, datetime, timedelta

from bench.accept import summary
from bench.emulated import firestore_emulator
from streak_core.adapters.firestore.users import FirestoreUserStore
from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.sessions import SessionFields
from streak_core.services.calendar_cache import CalendarCache
from streak_core.services.queries import CalendarSource, get_calendar
from streak_core.services.sessions import accept_sessions

NOW = datetime(2026, 11, 21, 20, tzinfo=UTC)
LAST = NOW.date()
FIRST = LAST - timedelta(days=365)


def session(day: date, n: int = 0) -> SessionFields:
    start = datetime(day.year, day.month, day.day, 7 + n % 12, tzinfo=UTC)
    return SessionFields(f"s{day}-{n}", start.isoformat(), (start + timedelta(minutes=40)).isoformat(), "UTC")


def year_of_sessions(store: FirestoreUserStore, uid: str) -> None:
    """A session a day for 366 days, each sent that evening (the late-data limit allows no more)."""
    for n in range(366):
        day = FIRST + timedelta(days=n)
        accept_sessions(
            store,
            uid,
            [session(day)],
            datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=20),
            DEFAULT_CONFIG,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reads", type=int, default=60)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--events", type=int, default=120)
    args = parser.parse_args()
    with firestore_emulator() as (_stack, client, lazy):
        store = FirestoreUserStore(lazy)
        months_user, days_user = "bench-months", "bench-days"
        for uid in (months_user, days_user):
            year_of_sessions(store, uid)
        client.collection("streaks").document(days_user).update({"months_ready": False})
        print("two users with 366 days each", flush=True)

        latencies: dict[str, list[float]] = {months_user: [], days_user: []}
        for n in range(args.reads + 5):
            for uid in (months_user, days_user) if n % 2 == 0 else (days_user, months_user):
                began = time.perf_counter()
                found = get_calendar(store, uid, FIRST, LAST, NOW, DEFAULT_CONFIG)
                elapsed = time.perf_counter() - began
                assert len(found.days) == 366
                assert sum(1 for d in found.days if d.qualified) == 366
                if n >= 5:  # the first reads warm up the emulator and the client
                    latencies[uid].append(elapsed)
        months, days = summary(latencies[months_user]), summary(latencies[days_user])
        print(f"366 days: month documents {months}, day documents {days}", flush=True)

        cache, rnd = CalendarCache(), random.Random(7)
        mix_latencies: list[float] = []
        uids = [f"bench-mix-{n}" for n in range(args.users)]
        for uid in uids:
            accept_sessions(store, uid, [session(LAST - timedelta(days=1))], NOW, DEFAULT_CONFIG)
        for event in range(args.events):
            for uid in uids:
                if rnd.random() < 0.1:
                    accept_sessions(store, uid, [session(LAST, event)], NOW, DEFAULT_CONFIG)
                    continue
                first = LAST - timedelta(days=34 if rnd.random() < 0.8 else 365)
                began = time.perf_counter()
                found = get_calendar(store, uid, first, LAST, NOW, DEFAULT_CONFIG, cache)
                mix_latencies.append(time.perf_counter() - began)
                assert found.source is not CalendarSource.DAYS
        print(f"mix: {cache.hits} hits, {cache.misses} misses, {summary(mix_latencies)}", flush=True)
    figures = {
        "bench": "calendar",
        "days": 366,
        "materialized": months,
        "per_day": days,
        "materialized_to_per_day_p50_ratio": round(months["p50_ms"] / days["p50_ms"], 3),
        "mix_requests": len(mix_latencies),
        "mix": summary(mix_latencies),
        "hit_rate": round(cache.hit_rate, 3),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
