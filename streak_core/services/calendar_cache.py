"""A per-instance cache of calendars' focus seconds, keyed by the user's days version (no stale reads)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import date


class CalendarCache:
    """The least recently used `max_entries` (user, range) pairs. An entry serves only the version it was
    read at: any change of a day's seconds moves the version, so a new session is never hidden."""

    def __init__(self, max_entries: int = 10_000) -> None:
        self._entries: OrderedDict[tuple[str, date, date], tuple[int, dict[date, int]]] = OrderedDict()
        self._max = max_entries
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, uid: str, first: date, last: date, version: int) -> dict[date, int] | None:
        key = (uid, first, last)
        with self._lock:
            found = self._entries.get(key)
            if found is None or found[0] != version:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return found[1]

    def put(self, uid: str, first: date, last: date, version: int, seconds: dict[date, int]) -> None:
        with self._lock:
            self._entries[(uid, first, last)] = (version, seconds)
            self._entries.move_to_end((uid, first, last))
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)

    @property
    def hit_rate(self) -> float:
        asked = self.hits + self.misses
        return self.hits / asked if asked else 0.0
