"""Maintaining due users: close their finished local days and record what happened in the outbox."""

from __future__ import annotations

import contextvars
import logging
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from streak_core.domain.config import StreakConfig
from streak_core.domain.maintenance import close_days
from streak_core.errors import TransientStoreError
from streak_core.models.maintenance import DueUser, RetryTask
from streak_core.models.notifications import OutboxEntry
from streak_core.models.streaks import user_timezone
from streak_core.ports.followups import DispatchQueue
from streak_core.ports.maintenance import MaintenanceStore, RetryQueue
from streak_core.services.badges import award_badges
from streak_core.services.followups import announce
from streak_core.services.lifecycle import reactivate
from streak_core.services.views import end_of_today, local_today

T = TypeVar("T")
log = logging.getLogger(__name__)
# About 100 users per commit, 4 commits in flight, was fastest on the emulator (bench/maintenance.py);
# Firestore's own limit is 500 writes per commit.
MAX_WRITES_PER_COMMIT = 110
# A commit request may carry 10 MiB: staying under half of it whatever the users' histories weigh.
MAX_COMMIT_BYTES = 4 * 1024 * 1024
# Stored bytes of the documents one load holds at once; decoded, they take several times that.
MEMORY_BUDGET = 8 * 1024 * 1024
MAX_LOAD = 500  # users per batched read, before anything is known of what they weigh
MIN_LOAD = 20
ENTRY_BYTES = 1024  # an outbox entry and its event, written beside a user's streak
BREAKER_THRESHOLD = 5


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff with jitter for transient store errors; `attempts` includes the first try."""

    attempts: int = 3
    base_delay: float = 0.05
    max_delay: float = 2.0
    sleep: Callable[[float], None] = time.sleep

    def run(self, action: Callable[[], T]) -> T:
        for attempt in range(self.attempts):
            try:
                result = action()
            except TransientStoreError as exc:
                if attempt + 1 == self.attempts:
                    raise
                delay = min(self.max_delay, self.base_delay * 2**attempt) * random.uniform(0.5, 1.0)
                fields = {
                    "retry": True,
                    "attempt": attempt + 1,
                    "delay_s": round(delay, 3),
                    "error": str(exc),
                }
                log.warning("store call failed; retrying", extra=fields)
                self.sleep(delay)
                continue
            if attempt:
                log.info(
                    "store call succeeded on a retry", extra={"retry_success": True, "attempt": attempt + 1}
                )
            return result
        raise AssertionError("unreachable")


class CircuitBreaker:
    """Opens after `threshold` consecutive failures; once open, nothing more is attempted."""

    def __init__(self, threshold: int = BREAKER_THRESHOLD) -> None:
        self.threshold = threshold
        self._consecutive = 0
        self._lock = threading.Lock()

    @property
    def open(self) -> bool:
        return self._consecutive >= self.threshold

    def success(self) -> None:
        with self._lock:
            if not self.open:
                self._consecutive = 0

    def failure(self) -> None:
        with self._lock:
            self._consecutive += 1


class LoadSizing:
    """How many users to read at once: learned from what the documents read so far weighed (the mean
    stored size per user), so the next load holds about `budget` bytes. One per worker, kept across
    pages (a warm instance sizes its first page from the last)."""

    def __init__(self, budget: int = MEMORY_BUDGET, first: int = MAX_LOAD, least: int = MIN_LOAD) -> None:
        self.budget, self.first, self.least = budget, first, least
        self._mean: float | None = None
        self._lock = threading.Lock()

    def next_load(self, remaining: int) -> int:
        with self._lock:
            mean = self._mean
        fits = self.first if mean is None else int(self.budget / max(mean, 1.0))
        return max(1, min(remaining, max(self.least, min(fits, self.first * 4))))

    def weighed(self, users: list[DueUser]) -> None:
        if not users:
            return
        mean = sum(user.stored_bytes for user in users) / len(users)
        with self._lock:  # a moving mean: the population of one page says most about the next
            self._mean = mean if self._mean is None else 0.5 * self._mean + 0.5 * mean


@dataclass(slots=True)
class BatchReport:
    processed: list[str] = field(default_factory=list)
    redone: list[str] = field(default_factory=list)
    deferred: dict[str, str] = field(default_factory=dict)  # handed to the retry queue, with the error
    failed: dict[str, str] = field(
        default_factory=dict
    )  # not maintained and not queued: the next tick retries
    breaker_opened: bool = False
    not_announced: int = 0  # committed entries whose dispatch task could not be queued (the sweep sends them)

    @property
    def not_maintained(self) -> int:
        return len(self.deferred) + len(self.failed)


def maintain(user: DueUser, now: datetime, config: StreakConfig) -> list[OutboxEntry]:
    """Close the user's days up to their local yesterday and move their next due instant (in place)."""
    timezone = user_timezone(user.settings, user.streak)
    starts = user.settings.day_starts
    yesterday = local_today(now, timezone, starts) - timedelta(days=1)
    record = user.streak
    closing = close_days(
        record.state,
        record.weekly_bonus_weeks,
        record.last_maintained_date,
        yesterday,
        timezone,
        config,
        starts,
    )
    record.last_maintained_date = closing.last_closed or record.last_maintained_date
    record.maintenance_due_at = end_of_today(now, timezone, starts)
    events = [OutboxEntry(user.uid, e.kind, e.key, e.data, now) for e in closing.events]
    comeback = reactivate(user.uid, record, timezone, yesterday, now, config)
    events += [comeback] if comeback is not None else []  # a muted kind is skipped by the dispatch
    return events + award_badges(user.uid, record, now, push=not events)


# What a batch does to each user (in place): the outbox entries to write with it, or None when the user is
# left unchanged and nothing needs writing.
Work = Callable[[DueUser, datetime], list[OutboxEntry] | None]


@dataclass
class BatchWorker:
    """Works through one page of users: one batched read, chunked atomic writes, per-user fallback.

    The work is nightly maintenance unless another is given (excusing an outage)."""

    store: MaintenanceStore
    config: StreakConfig
    retry_queue: RetryQueue | None = None
    notify: DispatchQueue | None = None  # told about each committed outbox entry, after the commit
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    parallelism: int = 4
    max_writes: int = MAX_WRITES_PER_COMMIT
    max_commit_bytes: int = MAX_COMMIT_BYTES
    work: Work | None = None
    sizing: LoadSizing = field(default_factory=LoadSizing)

    def _work(self, user: DueUser, now: datetime) -> list[OutboxEntry] | None:
        return self.work(user, now) if self.work is not None else maintain(user, now, self.config)

    def run(self, uids: list[str], now: datetime, run_id: str | None = None) -> BatchReport:
        """The page in loads sized by memory: each load's documents weighed, the next one sized so that
        what is held at once stays near the sizing's budget."""
        report = BatchReport()
        breaker = CircuitBreaker()
        remaining = list(uids)
        while remaining:
            size = self.sizing.next_load(len(remaining))
            self._run_load(remaining[:size], now, run_id, report, breaker)
            remaining = remaining[size:]
        report.breaker_opened = breaker.open
        return report

    def _run_load(
        self, uids: list[str], now: datetime, run_id: str | None, report: BatchReport, breaker: CircuitBreaker
    ) -> None:
        lock = threading.Lock()
        try:
            users = self.policy.run(lambda: self.store.load(uids))
        except TransientStoreError as exc:
            for uid in uids:
                self._defer(report, uid, str(exc), now, run_id)
            return
        self.sizing.weighed(users)
        work: list[tuple[DueUser, list[OutboxEntry]]] = []
        for user in users:
            outbox = self._work(user, now)
            if outbox is None:
                report.processed.append(user.uid)  # nothing to write
            else:
                work.append((user, outbox))
        chunks = commit_chunks(work, self.max_writes, self.max_commit_bytes)

        def commit_chunk(chunk: list[tuple[DueUser, list[OutboxEntry]]]) -> None:
            if not breaker.open:
                try:
                    if self.policy.run(lambda: self.store.commit_all_if_unchanged(chunk)):
                        breaker.success()
                        with lock:
                            report.processed.extend(user.uid for user, _ in chunk)
                        self._announce([e for _, outbox in chunk for e in outbox], now, report, lock)
                        return
                except TransientStoreError:
                    pass  # nothing was written: try each user on their own
            for user, outbox in chunk:
                self._commit_one(user, outbox, now, breaker, report, lock, run_id)

        in_parallel(commit_chunk, chunks, self.parallelism)

    def _commit_one(
        self,
        user: DueUser,
        outbox: list[OutboxEntry],
        now: datetime,
        breaker: CircuitBreaker,
        report: BatchReport,
        lock: threading.Lock,
        run_id: str | None,
    ) -> None:
        if breaker.open:
            with lock:
                self._defer(report, user.uid, "circuit breaker open", now, run_id)
            return

        written: list[OutboxEntry] = []

        def redo(fresh: DueUser) -> list[OutboxEntry]:
            written[:] = self._work(fresh, now) or []  # the last run of the transaction body wins
            return written

        def attempt() -> bool:
            if self.store.commit_if_unchanged(user, outbox):
                written[:] = outbox
                return False
            self.store.redo_in_transaction(user.uid, redo)
            return True

        try:
            redone = self.policy.run(attempt)
        except TransientStoreError as exc:
            breaker.failure()
            with lock:
                self._defer(report, user.uid, str(exc), now, run_id)
            return
        breaker.success()
        with lock:
            report.processed.append(user.uid)
            if redone:
                report.redone.append(user.uid)
        self._announce(written, now, report, lock)

    def _announce(
        self, entries: list[OutboxEntry], now: datetime, report: BatchReport, lock: threading.Lock
    ) -> None:
        if self.notify is None or not entries:
            return
        lost = announce(self.notify, [e.id for e in entries], now)
        with lock:
            report.not_announced += lost

    def _defer(self, report: BatchReport, uid: str, error: str, now: datetime, run_id: str | None) -> None:
        if self.retry_queue is None:
            report.failed[uid] = error
            return
        try:
            self.retry_queue.enqueue(RetryTask(uid, run_id, now, error))
        except Exception as exc:  # the queue is down too: the user stays due, so the next tick retries
            report.failed[uid] = f"{error}; enqueue failed: {exc}"
            return
        report.deferred[uid] = error


def in_parallel(work: Callable[[T], object], items: list[T], threads: int) -> None:
    """`work` on each item on up to `threads` threads, each in a copy of the caller's context (its
    correlation id and time budget: context variables do not cross into pool threads on their own)."""
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for future in [pool.submit(contextvars.copy_context().run, work, item) for item in items]:
            future.result()


def commit_chunks(
    work: list[tuple[DueUser, list[OutboxEntry]]], max_writes: int, max_bytes: int = MAX_COMMIT_BYTES
) -> list[list[tuple[DueUser, list[OutboxEntry]]]]:
    """Group users so each commit stays under `max_writes` (one streak write plus one per outbox entry) and
    under `max_bytes` (at most the user's whole document and a kilobyte per entry)."""
    chunks: list[list[tuple[DueUser, list[OutboxEntry]]]] = [[]]
    writes = weight = 0
    for item in work:
        cost, size = 1 + len(item[1]), item[0].stored_bytes + ENTRY_BYTES * len(item[1])
        if chunks[-1] and (writes + cost > max_writes or weight + size > max_bytes):
            chunks.append([])
            writes = weight = 0
        chunks[-1].append(item)
        writes += cost
        weight += size
    return [chunk for chunk in chunks if chunk]
