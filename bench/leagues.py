"""League settlement of 10,000 members against raw writes of the same documents, and the acceptance
overhead of a user in a league beside one in none, on the Firestore emulator.

Run: python -m bench.leagues [--members 10000] [--sessions 300]
Starts its own Firestore emulator. Settlement: a week of `members` in cohorts of 30 over every tier, settled
a page of 10 cohorts per call as the batch function does, 4 pages at once (outcomes, next week's seats, a
notification and its webhook event each, the cohort marked); the baseline commits the same documents in
batches of 500 without reading anything. settlement_ratio_to_raw_writes = raw seconds / settlement seconds.
Acceptance: both users send the same sessions of this week, taking turns;
league_overhead_ratio = p50 in a league / p50 in none.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bench.accept import summary
from bench.emulated import firestore_emulator
from streak_core.adapters.firestore import paths
from streak_core.adapters.firestore.client import LazyFirestore
from streak_core.adapters.firestore.documents import MEMBER_DOC, outbox_to_doc
from streak_core.adapters.firestore.events import event_to_doc
from streak_core.adapters.firestore.leagues import FirestoreLeagueStore
from streak_core.adapters.firestore.users import FirestoreProfiles, FirestoreUserStore
from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.leagues import COHORT_SIZE, TIERS, settles_at, shift_week
from streak_core.domain.sessions import SessionFields
from streak_core.domain.vocabulary import LeagueOutcome, NotificationKind, SessionStatus
from streak_core.models.events import events_of
from streak_core.models.leagues import LeagueMember
from streak_core.models.notifications import OutboxEntry
from streak_core.services.leagues import LeagueSettler
from streak_core.services.sessions import accept_sessions

WEEK = "2026-W40"
NOW = settles_at(WEEK, DEFAULT_CONFIG.league_grace) + timedelta(hours=1)
PAGE = 10  # cohorts per batch message, as deployed
ACCEPT_NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)  # a Saturday of 2026-W47
ACCEPT_WEEK = "2026-W47"


def seed(client: Any, members: int) -> int:
    """`members` placed in WEEK's cohorts of 30, the tiers taken in turn; the number of cohorts."""
    batch, pending, cohorts = client.batch(), 0, (members + COHORT_SIZE - 1) // COHORT_SIZE
    placed = datetime(2026, 9, 28, tzinfo=UTC)
    for n in range(members):
        number = n // COHORT_SIZE
        tier = TIERS[number % len(TIERS)]
        cohort = f"{WEEK}-{tier}-p0-{number:04d}"
        if n % COHORT_SIZE == 0:
            ref = paths.league_cohorts(client).document(cohort)
            uids = [f"bench-{k:05d}" for k in range(n, min(n + COHORT_SIZE, members))]
            batch.set(ref, {"week": WEEK, "tier": tier.value, "opened_at": placed, "uids": uids})
            pending += 1
        member = LeagueMember(
            WEEK, f"bench-{n:05d}", (n * 7919) % 36_000, n % 40, placed, tier, cohort, placed
        )
        batch.set(paths.league_member(client, WEEK, member.uid), MEMBER_DOC.dump(member))
        pending += 1
        if pending >= 490:
            batch.commit()
            batch, pending = client.batch(), 0
    if pending:
        batch.commit()
    return cohorts


def settle_all(store: FirestoreLeagueStore, settler: LeagueSettler, workers: int) -> tuple[int, int]:
    """Every page, `workers` at a time (as Pub/Sub pushes batch messages to several instances)."""
    pages = list(enumerate(store.cohort_pages(WEEK, PAGE)))
    with ThreadPoolExecutor(workers) as pool:
        reports = list(pool.map(lambda page: settler.settle_page(WEEK, page[1], page[0], NOW), pages))
    return sum(r.settled for r in reports), sum(r.placed for r in reports)


def raw_writes(client: Any, members: int, cohorts: int) -> float:
    """The settlement's documents, written blind: each member's outcome and next week's seat, an outbox entry
    and its event each, and a cohort document for each cohort of both weeks."""
    following, began = shift_week(WEEK, 1), time.perf_counter()
    batch, pending = client.batch(), 0

    def put(ref: Any, data: dict[str, Any]) -> None:
        nonlocal batch, pending
        batch.set(ref, data)
        pending += 1
        if pending >= 500:
            batch.commit()
            batch, pending = client.batch(), 0

    for n in range(cohorts):
        put(paths.league_cohorts(client).document(f"raw-{n}"), {"week": WEEK, "settled_at": NOW})
        uids = [f"raw-{k:05d}" for k in range(n * COHORT_SIZE, min((n + 1) * COHORT_SIZE, members))]
        opened = {"week": following, "opened_at": NOW, "uids": uids}  # a placed cohort lists its members
        put(paths.league_cohorts(client).document(f"raw-next-{n}"), opened)
    for n in range(members):
        uid = f"raw-{n:05d}"
        done = LeagueMember(
            WEEK, uid, 600, 3, NOW, TIERS[1], "raw-0", NOW, 1, LeagueOutcome.STAYED, TIERS[1], NOW
        )
        put(paths.league_member(client, WEEK, uid), MEMBER_DOC.dump(done))
        put(paths.league_member(client, following, uid), MEMBER_DOC.dump(LeagueMember(following, uid)))
        data: dict[str, int | str] = {"week": WEEK, "tier": "silver", "rank": 1, "outcome": "stayed"}
        entry = OutboxEntry(uid, NotificationKind.LEAGUE_FINISHED, WEEK, data, NOW)
        put(paths.outbox(client).document(entry.id), outbox_to_doc(entry))
        for event in events_of([entry]):
            put(paths.events(client).document(event.id), event_to_doc(event))
    if pending:
        batch.commit()
    return time.perf_counter() - began


def session(uid: str, n: int) -> SessionFields:
    """Eight minutes of this week (Monday to Saturday morning), every one a change of the week's score."""
    day = date(2026, 11, 16) + timedelta(days=n % 6)
    start = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(minutes=9 * (n // 6))
    return SessionFields(f"{uid}-{n}", start.isoformat(), (start + timedelta(minutes=8)).isoformat(), "UTC")


def acceptance(client: Any, sessions: int) -> dict[str, Any]:
    lazy = LazyFirestore(None, factory=lambda _: client)
    users = FirestoreUserStore(lazy)
    alone, leagued = "bench-no-league", "bench-in-league"
    placed = LeagueMember(ACCEPT_WEEK, leagued, tier=TIERS[0], cohort="bench-cohort", placed_at=ACCEPT_NOW)
    paths.league_member(client, ACCEPT_WEEK, leagued).set(MEMBER_DOC.dump(placed))

    def send(uid: str, n: int) -> Callable[[], float]:
        def run() -> float:
            began = time.perf_counter()
            outcome = accept_sessions(users, uid, [session(uid, n)], ACCEPT_NOW, DEFAULT_CONFIG)
            assert outcome.items[0].status is SessionStatus.CREATED
            return time.perf_counter() - began

        return run

    for n in range(30):  # warm up
        send(alone, sessions + n)()
        send(leagued, sessions + n)()
    latencies: dict[str, list[float]] = {alone: [], leagued: []}
    for n in range(sessions):
        for uid in (alone, leagued) if n % 2 == 0 else (leagued, alone):
            latencies[uid].append(send(uid, n)())
    stored = paths.league_member(client, ACCEPT_WEEK, leagued).get().to_dict()
    assert stored["seconds"] == (sessions + 30) * 480, stored  # every session moved the week's score
    none, league = summary(latencies[alone]), summary(latencies[leagued])
    return {
        "accept_no_league": none,
        "accept_in_league": league,
        "league_overhead_ratio": round(league["p50_ms"] / none["p50_ms"], 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--sessions", type=int, default=300, help="sessions each user sends (at most 330)")
    parser.add_argument("--workers", type=int, default=4, help="settlement pages at once")
    args = parser.parse_args()
    with firestore_emulator() as (_stack, client, lazy):
        store = FirestoreLeagueStore(lazy)
        settler = LeagueSettler(store, FirestoreProfiles(lazy), DEFAULT_CONFIG)
        cohorts = seed(client, args.members)
        print(f"{args.members} members in {cohorts} cohorts of {WEEK}", flush=True)
        began = time.perf_counter()
        settled, placed = settle_all(store, settler, args.workers)
        seconds = time.perf_counter() - began
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        assert (settled, placed) == (cohorts, args.members), (settled, placed)
        again = time.perf_counter()
        assert settle_all(store, settler, args.workers) == (0, 0)  # delivered again: nothing to do
        redelivered = time.perf_counter() - again
        print(f"settled in {seconds:.1f} s; again in {redelivered:.1f} s", flush=True)
        raw = raw_writes(client, args.members, cohorts)
        print(f"raw writes of the same documents: {raw:.1f} s", flush=True)
        accept = acceptance(client, args.sessions)
    figures = {
        "bench": "leagues",
        "members": args.members,
        "cohorts": cohorts,
        "workers": args.workers,
        "settle_seconds": round(seconds, 2),
        "members_per_second": round(args.members / seconds, 1),
        "redelivered_seconds": round(redelivered, 2),
        "raw_write_seconds": round(raw, 2),
        "settlement_ratio_to_raw_writes": round(raw / seconds, 3),
        "peak_rss_mb": round(rss, 1),
        **accept,
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
