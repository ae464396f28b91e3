"""`rebuild --all --dry-run` of the operator CLI over seeded users, next to a bare read of the same documents.

Run: python -m bench.rebuild --users 10000
Seeds N users with one to three weeks of sessions each (their days, streak, board entries and a few pauses,
as a rebuild would have written them; bulk writes, not timed), then corrupts the streak of 1% of them.
Measures, on the same Firestore emulator and with the same number of threads:
- the baseline: every document a rebuild reads (user, streak, sessions, days, pauses, board entries), read
  bare, the way the CLI reads a page, without looking at it;
- the CLI as an operator runs it, `python -m ops rebuild --all --dry-run`, in its own process
  (its users/s is its own report; its peak RSS that process's): it reads a page of users at once, rebuilds
  each in memory, and looks again in a read-only transaction at those that differ.
The JSON line carries ratio_to_raw_reads = CLI users/s / baseline users/s, and whether the dry run found
exactly the corrupted users.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from typing import Any
from zoneinfo import ZoneInfo

from rich.progress import Progress

from bench.emulated import firestore_emulator
from bench.maintenance import bulk_write, streak_document
from streak_core.adapters.firestore import paths
from streak_core.adapters.firestore.client import pages_of
from streak_core.adapters.firestore.documents import (
    BOARD_ENTRY_DOC,
    PAUSE_DOC,
    day_to_doc,
    month_changes,
    session_to_doc,
    settings_to_doc,
)
from streak_core.adapters.firestore.rebuild import SUBCOLLECTIONS, documents_under_users
from streak_core.domain.boards import scores_touched
from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.sessions import Session
from streak_core.domain.timeline import split_by_local_day
from streak_core.models.streaks import Pause, StoredSession, StreakRecord
from streak_core.models.users import UserSettings
from streak_core.ports.rebuild import UserHistory
from streak_core.services.badges import award_badges
from streak_core.services.rebuild import rebuilt_days, rebuilt_entries, rebuilt_streak

ZONES = ["UTC", "Europe/Paris", "America/New_York", "Asia/Tokyo", "Australia/Sydney", "America/Los_Angeles"]
PAGE = 500


def user_history(rnd: random.Random, uid: str, today: date) -> UserHistory:
    """One to three weeks up to yesterday: most days 20-80 min of focus, some two sessions; rarely a pause."""
    zone = rnd.choice(ZONES)
    tz = ZoneInfo(zone)
    sessions = []
    for back in range(rnd.randint(7, 21), 0, -1):
        day = today - timedelta(days=back)
        for n in range(rnd.choices((0, 1, 2), (20, 68, 12))[0]):
            start = datetime.combine(day, clock_time(8 + 5 * n + rnd.randint(0, 3)), tz).astimezone(UTC)
            session = Session(
                f"{day.isoformat()}-{n}", start, start + timedelta(minutes=rnd.randint(20, 80)), zone
            )
            touched = tuple(d for d, _, _ in split_by_local_day(session.start_ms, session.end_ms, tz))
            sessions.append(StoredSession(session, session.end, touched))
    pauses = []
    if rnd.random() < 0.05:
        first = today - timedelta(days=rnd.randint(3, 12))
        pauses.append(Pause(f"p-{uid}", first, first + timedelta(days=2), datetime.now(UTC)))
    settings = UserSettings(timezone=zone, display_name=f"Focus {uid[-6:]}")
    return UserHistory(True, settings, StreakRecord(), sessions, {}, pauses)


def user_documents(client: Any, uid: str, history: UserHistory, now: datetime) -> tuple[list[Any], list[str]]:
    """(ref, data) of every document the user has, as a rebuild makes them; and their board keys."""
    days = rebuilt_days(history.sessions, history.settings.day_starts)
    streak = rebuilt_streak(history, days, DEFAULT_CONFIG)
    award_badges(uid, streak, now, announce=False)
    streak.months_ready = True  # a rebuild writes the calendar's month documents (below) and says so
    scores = scores_touched(streak.state, streak.state.qualified_dates())
    entries = rebuilt_entries(uid, history, scores, streak, {}, now)
    docs: list[Any] = [
        (paths.user(client, uid), settings_to_doc(history.settings)),
        streak_document(client, uid, streak),
    ]
    docs += [(paths.session(client, uid, s.session.id), session_to_doc(s)) for s in history.sessions]
    docs += [(paths.day(client, uid, d.isoformat()), day_to_doc(record)) for d, record in days.items()]
    months = month_changes((d, record.state.seconds) for d, record in days.items())
    docs += [(paths.month(client, uid, key), month) for key, month in months.items()]
    docs += [(paths.pauses(client, uid).document(p.id), PAUSE_DOC.dump(p)) for p in history.pauses]
    docs += [
        (paths.board_entry(client, key, uid), BOARD_ENTRY_DOC.dump(e)) for key, e in entries.items() if e
    ]
    return docs, sorted(scores)


def seed(client: Any, users: int, rnd: random.Random) -> tuple[dict[str, list[str]], int]:
    """Every user's board keys, and how many documents were written."""
    now, today = datetime.now(UTC), datetime.now(UTC).date()
    keys: dict[str, list[str]] = {}
    written = 0
    with Progress() as progress:
        task = progress.add_task("seeding", total=users)
        for first in range(0, users, PAGE):
            docs: list[Any] = []
            for n in range(first, min(first + PAGE, users)):
                uid = f"u{n:07d}"
                made, keys[uid] = user_documents(client, uid, user_history(rnd, uid, today), now)
                docs += made
            bulk_write(client, docs)
            written += len(docs)
            progress.advance(task, min(PAGE, users - first))
    return keys, written


def corrupt(client: Any, uids: list[str]) -> None:
    batch = client.batch()
    for uid in uids:
        batch.update(paths.streak(client, uid), {"qualified_days": 0, "longest_streak": 0})
    batch.commit()


def bare_read(client: Any, keys: dict[str, list[str]], workers: int) -> tuple[float, int]:
    """Read every document a rebuild reads, the same way round (pages of ids; per page the top documents in
    one call and each subcollection in one collection-group query; board entries per user, on threads),
    and nothing more: (seconds, documents read)."""

    def boards(uid: str) -> int:
        refs = [paths.board_entry(client, key, uid) for key in keys[uid]]
        return len([d for d in client.get_all(refs) if d.exists]) if refs else 0

    query = client.collection("streaks").order_by("__name__").select([]).limit(PAGE)
    began = time.perf_counter()
    read = 0
    with ThreadPoolExecutor(workers) as pool:
        for page in pages_of(query):
            uids = [doc.id for doc in page]
            top = [ref for uid in uids for ref in (paths.user(client, uid), paths.streak(client, uid))]
            read += len(list(client.get_all(top)))
            for name in SUBCOLLECTIONS:
                read += sum(map(len, documents_under_users(client, name, uids[0], uids[-1]).values()))
            read += sum(pool.map(boards, uids))
    return time.perf_counter() - began, read


def run_cli(env: dict[str, str], workers: int) -> tuple[dict[str, Any], float]:
    """The operator's dry run in its own process: (its summary line, its peak RSS in MB)."""
    command = [
        sys.executable,
        "-m",
        "ops",
        "rebuild",
        "--all",
        "--dry-run",
        "--workers",
        str(workers),
    ]
    process = subprocess.Popen(command, env={**os.environ, **env}, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"the CLI exited {process.returncode}: {out}")
    summary = json.loads(out.strip().splitlines()[-1])
    return summary, usage.ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args()
    rnd = random.Random(11)
    with firestore_emulator() as (stack, client, _lazy):
        began = time.perf_counter()
        keys, documents = seed(client, args.users, rnd)
        print(f"seeded {args.users:,} users, {documents:,} documents in {time.perf_counter() - began:.0f} s")
        corrupted = sorted(rnd.sample(sorted(keys), max(1, args.users // 100)))
        corrupt(client, corrupted)

        print("baseline: a bare read of the same documents ...", flush=True)
        raw_seconds, raw_documents = bare_read(client, keys, args.workers)
        raw_rate = args.users / raw_seconds
        print(f"  {raw_seconds:.1f} s, {raw_rate:,.0f} users/s, {raw_documents:,} documents", flush=True)

        print("python -m ops rebuild --all --dry-run ...", flush=True)
        summary, rss = run_cli(stack.env(), args.workers)
        print(f"  {json.dumps(summary)}", flush=True)
    print(
        json.dumps(
            {
                "bench": "rebuild",
                "users": args.users,
                "documents": documents,
                "workers": args.workers,
                "dry_run_seconds": summary["seconds"],
                "dry_run_users_per_second": summary["users_per_second"],
                "raw_read_seconds": round(raw_seconds, 3),
                "raw_read_users_per_second": round(raw_rate, 1),
                "raw_documents_read": raw_documents,
                "users_changed": summary["users_changed"],
                "users_corrupted": len(corrupted),
                "found_exactly_the_corrupted": summary["users_changed"] == len(corrupted)
                and not summary["failed"],
                "ratio_to_raw_reads": round(summary["users_per_second"] / raw_rate, 3),
                "peak_rss_mb": round(rss, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
