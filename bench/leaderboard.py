"""Leaderboard reads with 100,000 users on the Firestore emulator: first page, a deep cursor page and `me`,
cached and uncached, in one run.

Run: python -m bench.leaderboard [--users 100000] [--repeat 30]
Starts its own Firestore emulator and seeds `boards/all/entries` plus each user's streak summary (80%
public, 15% friends-only, 5% hidden), with the board's score histogram and tie groups; and a board a tenth
that size, whose `me` p50 `me_growth_ratio` divides the big board's by (the target is at most 2, with `me`
at most 100 ms at 100,000 users). Uncached = every call goes to Firestore (query + summaries join);
cached = the service's snapshot document and per-instance copy, as deployed (`memory`), and with the
per-instance copy off so every call reads the snapshot document (`snapshot`). Ends with one JSON line;
`cached_first_page_ratio` = cached p50 / uncached p50 (the target is at most 0.2).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.emulated import firestore_emulator
from streak_core.adapters.firestore.boards import FirestoreLeaderboardStore, write_rank_totals
from streak_core.adapters.firestore.client import LazyFirestore
from streak_core.adapters.firestore.documents import BOARD_ENTRY_DOC
from streak_core.adapters.firestore.friends import FirestoreFriendStore
from streak_core.adapters.firestore.users import FirestoreUserStore
from streak_core.domain.boards import BoardEntry
from streak_core.domain.vocabulary import Visibility
from streak_core.services.cursors import Cursors
from streak_core.services.leaderboard import BoardCache, Leaderboards

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)
KEY = "all"


def seed(client: Any, users: int, key: str = KEY, prefix: str = "u") -> list[BoardEntry]:
    rng = random.Random(7)
    entries = []
    for n in range(users):
        roll = rng.random()
        visibility = (
            Visibility.PUBLIC if roll < 0.8 else Visibility.FRIENDS if roll < 0.95 else Visibility.HIDDEN
        )
        score = int(rng.paretovariate(1.3) * 10)
        reached = NOW - timedelta(seconds=rng.randrange(90 * 86400))
        entries.append(
            BoardEntry(
                f"{prefix}{n:06d}", score, min(score, rng.randrange(1, 60)), reached, visibility, f"User {n}"
            )
        )

    def write(chunk: list[BoardEntry]) -> None:
        batch = client.batch()
        for e in chunk:
            batch.set(
                client.collection("boards").document(key).collection("entries").document(e.uid),
                BOARD_ENTRY_DOC.dump(e),
            )
            run = {"start": "2026-11-01", "end": "2026-11-20", "length": e.longest_streak}
            batch.set(
                client.collection("streaks").document(e.uid),
                {
                    "uid": e.uid,
                    "last_run": run,
                    "longest_streak": e.longest_streak,
                    "timezone_setting": "UTC",
                },
            )
        batch.commit()

    chunks = [entries[i : i + 200] for i in range(0, len(entries), 200)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(write, chunks))
    write_rank_totals(client, key, entries)  # the rank documents, as the board's moves would leave them
    return entries


def timed(action: Callable[[], object], repeat: int) -> dict[str, float]:
    action()  # warm: clients, channels, the snapshot
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "p50_ms": round(statistics.median(samples), 3),
        "p99_ms": round(samples[min(len(samples) - 1, int(len(samples) * 0.99))], 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--deep-rank", type=int, default=50_000)
    args = parser.parse_args()
    with firestore_emulator() as (_stack, client, lazy):
        started = time.perf_counter()
        entries = seed(client, args.users)
        seeded_s = time.perf_counter() - started
        lazy = LazyFirestore(None, factory=lambda _: client)
        users, boards, friends = (
            FirestoreUserStore(lazy),
            FirestoreLeaderboardStore(lazy),
            FirestoreFriendStore(lazy),
        )
        public = sorted(
            (e for e in entries if e.visibility is Visibility.PUBLIC), key=lambda e: e.position.order
        )
        deep_rank = min(args.deep_rank, len(public) - 100)  # a full page follows the cursor
        deep = public[deep_rank - 1].position
        viewer = public[len(public) // 2].uid

        cursors = Cursors("bench")
        uncached = Leaderboards(users, boards, friends, cursors, BoardCache(enabled=False))
        memory_cache = BoardCache(max_age=timedelta(days=1), memory_age=3600)
        memory = Leaderboards(users, boards, friends, cursors, memory_cache)
        snapshot_cache = BoardCache(max_age=timedelta(days=1), memory_age=0)
        snapshot_only = Leaderboards(users, boards, friends, cursors, snapshot_cache)

        def first_page(service: Leaderboards) -> Callable[[], object]:
            return lambda: service._global_rows(KEY, 100, None, NOW)

        rows, _ = uncached._global_rows(KEY, 100, None, NOW)
        assert [row.user_id for row in rows] == [e.uid for e in public[:100]]
        assert uncached.me(KEY, viewer).rank == len(public) // 2 + 1
        deep_rows, _ = uncached._global_rows(KEY, 100, deep, NOW)
        assert deep_rows[0].rank == deep_rank + 1  # ranks counted live, not read from the cursor
        # The same board at a tenth of the size (its own key), for how `me` grows with the board.
        small_key, small_users = "small", max(1, args.users // 10)
        small = sorted(
            (e for e in seed(client, small_users, small_key, "s") if e.visibility is Visibility.PUBLIC),
            key=lambda e: e.position.order,
        )
        small_viewer = small[len(small) // 2].uid
        assert uncached.me(small_key, small_viewer).rank == len(small) // 2 + 1

        figures = {
            "users": args.users,
            "public_users": len(public),
            "seed_seconds": round(seeded_s, 1),
            "first_page_uncached": timed(first_page(uncached), args.repeat),
            "first_page_cached_memory": timed(first_page(memory), args.repeat),
            "first_page_cached_snapshot": timed(first_page(snapshot_only), args.repeat),
            "deep_page_uncached": timed(
                lambda: uncached._global_rows(KEY, 100, deep, NOW), max(5, args.repeat // 3)
            ),
            "me": timed(lambda: uncached.me(KEY, viewer), args.repeat),
            "me_tenth_of_the_users": timed(lambda: uncached.me(small_key, small_viewer), args.repeat),
        }
        figures["me_growth_ratio"] = round(
            figures["me"]["p50_ms"] / figures["me_tenth_of_the_users"]["p50_ms"],  # type: ignore[index]
            3,
        )
        uncached_p50 = figures["first_page_uncached"]["p50_ms"]  # type: ignore[index]
        figures["cached_first_page_ratio"] = round(
            figures["first_page_cached_memory"]["p50_ms"] / uncached_p50, 4
        )  # type: ignore[index]
        figures["snapshot_first_page_ratio"] = round(
            figures["first_page_cached_snapshot"]["p50_ms"] / uncached_p50, 4
        )  # type: ignore[index]
        for name, value in figures.items():
            print(f"{name}: {value}", flush=True)
        print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
