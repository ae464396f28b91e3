"""One user's transactions on one instance, one at a time: they queue in memory instead of contending.

Two transactions that read the same document (a user's streak) and then write it hold shared locks that
neither can upgrade: on the Firestore emulator each waits for its lock timeout (about 2 s) before one is
aborted and retried, so five concurrent sessions of one user took 2 to 10 s (`python -m bench.contention`
is the repro; tests/e2e/test_contention.py holds five writers under 5 s). Production Firestore resolves the
same conflict by aborting one at once (wound-wait), but every abort is a wasted attempt all the same.
Requests of one user that reach one instance (a phone retrying, a watch and a phone, an offline batch beside
a live session) wait here for each other, a few milliseconds each; instances still meet in Firestore, which
stays the arbiter."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from streak_core import context
from streak_core.errors import TransientStoreError

T = TypeVar("T")


class KeyedQueue:
    """A lock per key, made on first use and dropped when nobody holds or awaits it (memory stays bounded
    by the keys in flight)."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, tuple[threading.Lock, int]] = {}

    @contextmanager
    def turn(self, key: str) -> Iterator[None]:
        """Wait for `key`'s turn, within what is left of the request's time budget (else a transient error:
        a 503 the client retries, as for any store that does not answer in time)."""
        with self._guard:
            lock, waiting = self._locks.get(key, (threading.Lock(), 0))
            self._locks[key] = (lock, waiting + 1)
        try:
            left = context.time_left()
            if not lock.acquire(timeout=-1 if left is None else max(left, 0.0)):
                raise TransientStoreError("timed out waiting for this user's earlier request")
            try:
                yield
            finally:
                lock.release()
        finally:
            with self._guard:
                lock, waiting = self._locks[key]
                if waiting == 1:
                    del self._locks[key]
                else:
                    self._locks[key] = (lock, waiting - 1)

    def __len__(self) -> int:
        return len(self._locks)

    def run(self, key: str, work: Callable[[], T]) -> T:
        with self.turn(key):
            return work()
