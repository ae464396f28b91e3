"""Session acceptance for a user in no challenge vs one in 10 active challenges, on the Firestore emulator.

Run: python -m bench.challenges [--sessions 300]
Starts its own Firestore emulator. Both users send the same sessions, taking turns so that any drift of the
machine or the emulator falls on both alike; every session moves all 10 challenges of the second user (each
window holds every day), none of which completes. challenge_overhead_ratio = p50 in 10 / p50 in none.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from datetime import date

from bench.accept import NOW, raw_session, summary
from bench.emulated import firestore_emulator
from streak_core.adapters.firestore.challenges import FirestoreChallengeStore
from streak_core.adapters.firestore.users import FirestoreProfiles, FirestoreUserStore
from streak_core.domain.challenges import MAX_UNFINISHED, ChallengeTerms
from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.vocabulary import ChallengeKind, ChallengeVisibility, SessionStatus
from streak_core.services.challenges import challenge_detail, create_challenge, join_challenge
from streak_core.services.sessions import accept_sessions

# Every day the sessions fall on, and a target none of them reaches.
TERMS = ChallengeTerms(ChallengeKind.FOCUS_MINUTES, 40_000, date(2026, 10, 25), date(2026, 11, 22), 100)


def timed(run: Callable[[], None]) -> float:
    began = time.perf_counter()
    run()
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=300, help="sessions each user sends (at most 450)")
    args = parser.parse_args()
    with firestore_emulator() as (_stack, _client, lazy):
        users, challenges = FirestoreUserStore(lazy), FirestoreChallengeStore(lazy)
        profiles = FirestoreProfiles(lazy)
        alone, busy = "bench-alone", "bench-busy"
        ids = [
            create_challenge(
                challenges, "bench-admin", True, f"Bench {n}", TERMS, ChallengeVisibility.PUBLIC, NOW
            ).challenge.id
            for n in range(MAX_UNFINISHED)
        ]
        for challenge_id in ids:
            join_challenge(challenges, busy, challenge_id, NOW, DEFAULT_CONFIG)
        print(f"{busy} joined {len(ids)} challenges; {alone} none", flush=True)

        def send(uid: str, n: int) -> Callable[[], None]:
            def run() -> None:
                outcome = accept_sessions(users, uid, [raw_session(uid, n)], NOW, DEFAULT_CONFIG)
                assert outcome.items[0].status is SessionStatus.CREATED

            return run

        for n in range(30):  # warm up the emulator, the JIT and the client
            send(alone, args.sessions + n)()
            send(busy, args.sessions + n)()
        latencies: dict[str, list[float]] = {alone: [], busy: []}
        for n in range(args.sessions):
            first, second = (alone, busy) if n % 2 == 0 else (busy, alone)
            latencies[first].append(timed(send(first, n)))
            latencies[second].append(timed(send(second, n)))
            if (n + 1) % 100 == 0:
                print(f"{n + 1}/{args.sessions} sessions each", flush=True)
        progress = [challenge_detail(challenges, profiles, busy, cid, NOW).me.progress for cid in ids]
        assert len(set(progress)) == 1, progress  # every challenge moved alike
        assert progress[0] > 0, progress
    none, ten = summary(latencies[alone]), summary(latencies[busy])
    print(f"0 challenges {none}; 10 challenges {ten}; progress in each {progress[0]} minutes", flush=True)
    figures = {
        "bench": "challenges",
        "sessions_per_user": args.sessions,
        "challenges_0": none,
        "challenges_10": ten,
        "progress_minutes_each": progress[0],
        "challenge_overhead_ratio": round(ten["p50_ms"] / none["p50_ms"], 3),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
