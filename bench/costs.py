"""Firestore documents read, written and deleted per use case, counted at the client's RPCs, and what a
million of each costs at Firestore's list prices.

Run: python -m bench.costs [--users 100]
Starts its own Firestore emulator and drives the production adapters (the container `make dev` uses). The
counting wrapper sits on the Firestore client's RPCs, so nothing of ours can be missed: every document a
BatchGetDocuments returns (found or missing: both are billed), every document a query returns (an empty
query is billed one read), every write of a commit (a set, update or transform) and every delete.
Firestore also bills index entries read by queries beyond the documents; that is not counted here.
"""

from __future__ import annotations

import argparse
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.emulated import firestore_emulator
from streak_core.bootstrap import production
from streak_core.dependencies import ApiDependencies, derive_api
from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.sessions import SessionFields
from streak_core.domain.vocabulary import BoardStart, Period, Scope, SessionStatus
from streak_core.services.export import export_user
from streak_core.services.leaderboard import BoardRequest
from streak_core.services.maintenance import BatchWorker
from streak_core.services.sessions import accept_sessions
from streak_core.settings import Settings

# Firestore's list prices in USD per 100,000 operations, multi-region (nam5, eur3), as the pricing page lists
# them (https://cloud.google.com/firestore/pricing); a regional database costs less.
PRICE_PER_100K = {"reads": 0.06, "writes": 0.18, "deletes": 0.02}
NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)


@dataclass
class Tally:
    reads: int = 0
    writes: int = 0
    deletes: int = 0

    def dollars_per_million(self) -> float:
        return round(sum(getattr(self, k) * p * 10 for k, p in PRICE_PER_100K.items()), 2)


class Counter:
    """Counts what the Firestore client's RPCs read and write, for all its threads."""

    def __init__(self) -> None:
        self.tally = Tally()
        self._lock = threading.Lock()

    def add(self, **moves: int) -> None:
        with self._lock:
            for name, n in moves.items():
                setattr(self.tally, name, getattr(self.tally, name) + n)

    def install(self) -> None:
        from google.cloud.firestore_v1.services.firestore.client import FirestoreClient

        counter = self
        batch_get, run_query, commit = (
            FirestoreClient.batch_get_documents,
            FirestoreClient.run_query,
            FirestoreClient.commit,
        )

        def counted_get(self: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
            for response in batch_get(self, *args, **kwargs):
                counter.add(reads=int(bool(response.found) or bool(response.missing)))
                yield response

        def counted_query(self: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
            returned = 0
            for response in run_query(self, *args, **kwargs):
                returned += int(bool(response.document))
                yield response
            counter.add(reads=max(returned, 1))

        def counted_commit(self: Any, request: Any = None, *args: Any, **kwargs: Any) -> Any:
            writes = (request or {}).get("writes", []) if isinstance(request, dict) else request.writes
            deletes = sum(1 for w in writes if _is_delete(w))
            counter.add(writes=len(writes) - deletes, deletes=deletes)
            return commit(self, request, *args, **kwargs)

        FirestoreClient.batch_get_documents = counted_get  # type: ignore[method-assign]
        FirestoreClient.run_query = counted_query  # type: ignore[method-assign]
        FirestoreClient.commit = counted_commit  # type: ignore[method-assign]

    def measure(self, action: Callable[[], object], times: int = 1) -> Tally:
        """What `action` costs, per run (averaged over `times`)."""
        before = Tally(**vars(self.tally))
        for _ in range(times):
            action()
        after = self.tally
        return Tally(*(round((getattr(after, k) - getattr(before, k)) / times, 1) for k in vars(before)))  # type: ignore[arg-type]


def _is_delete(write: Any) -> bool:
    if isinstance(write, dict):
        return "delete" in write
    return bool(getattr(write, "delete", ""))


def session(uid: str, day: datetime, sid: str, minutes: int = 40) -> SessionFields:
    start = day.replace(hour=9)
    return SessionFields(
        sid, start.isoformat(), (start + timedelta(minutes=minutes)).isoformat(), "Europe/Paris"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50, help="users per measured use case (averaged)")
    args = parser.parse_args()
    with firestore_emulator():
        counter = Counter()
        deps: ApiDependencies = derive_api(production(Settings.from_environ()))
        store = deps.sessions.store
        counter.install()
        users = [f"cost{n:04d}" for n in range(args.users)]
        history = [NOW - timedelta(days=back) for back in range(12, 2, -1)]  # ten days, then a gap
        for uid in users:  # not counted: every user with ten days behind them
            batch = [session(uid, day, f"h{n}") for n, day in enumerate(history)]
            accept_sessions(store, uid, batch, NOW, DEFAULT_CONFIG)
        rows: dict[str, Tally] = {}

        def each(make: Callable[[str], object]) -> Callable[[], object]:
            pending = iter(users)
            return lambda: make(next(pending))

        def accept(uid: str, raw: SessionFields, at: datetime) -> None:
            answer = accept_sessions(store, uid, [raw], at, DEFAULT_CONFIG)
            assert answer.items[0].status is SessionStatus.CREATED

        n = len(users)
        today = NOW.replace(hour=0)
        rows["a session on a new day"] = counter.measure(
            each(lambda u: accept(u, session(u, today, "new"), NOW)), n
        )
        rows["a session on the same day"] = counter.measure(
            each(lambda u: accept(u, session(u, today.replace(hour=11), "same", 20), NOW)), n
        )
        late = NOW - timedelta(days=2)  # the gap's first day, filled late
        rows["a late session"] = counter.measure(each(lambda u: accept(u, session(u, late, "late"), NOW)), n)
        worker: BatchWorker = deps.admin.replay_worker

        def night(hours: int) -> Tally:
            return _per(counter.measure(lambda: worker.run(users, NOW + timedelta(hours=hours)), 1), n)

        rows["a night after a day of focus"] = night(14)  # the 21st closed: bookkeeping, a freeze earned
        rows["a night without focus"] = night(38)  # the 22nd had none: a freeze spent, or the streak broken
        rows["a quiet night"] = night(62)  # nothing to tell: the due time moves on

        def export(uid: str) -> None:
            found = export_user(deps.data.export, uid, NOW, DEFAULT_CONFIG)
            for part in (found.sessions, found.days, found.notifications):
                for _ in part:
                    pass

        rows["an export (12 days of a user)"] = counter.measure(each(export), n)
        page = BoardRequest(Period.ALL, Scope.GLOBAL, 50, None, BoardStart.TOP)
        rows["a board page (50 rows)"] = counter.measure(
            lambda: deps.social.leaderboards.board(users[0], page, NOW + timedelta(minutes=5)), 1
        )
    for name, tally in rows.items():
        print(
            f"  {name:32} reads {tally.reads:6}  writes {tally.writes:6}  deletes {tally.deletes:5}"
            f"  ${tally.dollars_per_million():,.2f} per million",
            flush=True,
        )
    table = {name: {**vars(t), "usd_per_million": t.dollars_per_million()} for name, t in rows.items()}
    print(
        json.dumps(
            {"bench": "costs", "users": args.users, "prices_per_100k": PRICE_PER_100K, "use_cases": table}
        )
    )


def _per(tally: Tally, n: int) -> Tally:
    return Tally(round(tally.reads / n, 1), round(tally.writes / n, 1), round(tally.deletes / n, 1))  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
