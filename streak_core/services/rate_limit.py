"""Several request windows per caller, shared by every instance, decided in memory while well under them."""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from streak_core.domain.vocabulary import LimitScope
from streak_core.domain.windows import RateLimit, window_start
from streak_core.errors import TransientStoreError
from streak_core.ports.rate_limits import WindowCounters, WindowHit

log = logging.getLogger(__name__)

BATCH = 400  # counters per commit (Firestore takes 500 writes per commit)


@dataclass(frozen=True, slots=True)
class WindowStats:
    """What the `RateLimit-*` headers say: the window with the fewest requests left."""

    limit: int
    remaining: int
    reset_seconds: int


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    tightest: WindowStats | None  # None when the scope has no limits
    retry_after: int = 0  # whole seconds until every breached window has room


@dataclass(slots=True)
class _Window:
    """One window of one key as this instance knows it: the last shared total seen, plus its own requests
    not yet counted there (`pending`) or being counted (`sending`)."""

    hit: WindowHit
    synced: bool = False  # this instance has seen the window's shared count
    known: int = 0
    pending: int = 0
    sending: int = 0

    @property
    def estimate(self) -> int:
        return self.known + self.pending + self.sending

    @property
    def slot(self) -> tuple[str, int]:
        return self.hit.key, self.hit.start

    def counted(self, amount: int) -> WindowHit:
        return WindowHit(self.hit.key, self.hit.expiry, amount, self.hit.start)

    def send(self, extra: int = 0) -> int:
        """Move the pending counts (and `extra` more) to sending; how many are sent."""
        sent = self.pending + extra
        self.sending += sent
        self.pending = 0
        return sent

    def sent_back(self, amount: int) -> None:
        """`amount` sent counts did not reach the shared counters: pending again."""
        self.sending -= amount
        self.pending += amount

    def learned(self, amount: int, total: int) -> None:
        """`amount` sent counts reached the shared counters, which now hold `total`."""
        self.sending -= amount
        self.known, self.synced = max(self.known, total - self.sending), True

    def stats(self, limit: int, now: float) -> WindowStats:
        ends = self.hit.start + self.hit.expiry
        return WindowStats(limit, max(0, limit - self.estimate), max(1, math.ceil(ends - now)))


@dataclass
class SharedRateLimiter:
    """The `limits` library's fixed windows (`incr <= amount`) over counters every instance shares, with an
    in-memory pre-check in front: a request that leaves every window at most `fast_share` full, as this
    instance last saw it, is admitted at once and counted by a background flush; a request this instance
    already knows to be over is refused at once; only the rest wait for the shared counters (one commit for
    all their windows, which also tells this instance what the others counted). The first request of a
    window longer than `blind_expiry` on an instance always waits, so a fresh instance never admits blindly
    into a minute that others have used up. What can slip through: requests that reach two instances within
    one flush (milliseconds) of each other while both are under `fast_share`, and, for windows of
    `blind_expiry` or less, up to `fast_share` of the window per instance before it has seen the others."""

    policies: Mapping[LimitScope, Sequence[RateLimit]]
    counters: WindowCounters
    clock: Callable[[], float] = time.time
    fast_share: float = 0.5
    blind_expiry: int = 1  # windows this short may be admitted into before this instance has seen them
    background: bool = True  # tests flush by hand
    flush_delay: float = 0.2  # seconds a count waits for others to share its commit
    _windows: dict[tuple[str, int], _Window] = field(default_factory=dict, init=False)
    _dirty: dict[tuple[str, int], _Window] = field(default_factory=dict, init=False)  # with pending counts
    _pruned_at: float = field(default=0.0, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    _wake: threading.Event = field(default_factory=threading.Event, init=False)
    _thread: threading.Thread | None = field(default=None, init=False)

    def hit(self, scope: LimitScope, identity: str) -> Verdict:
        items = self.policies.get(scope, ())
        if not items:
            return Verdict(True, None)
        now = self.clock()
        with self._lock:
            windows = [self._window(item.key_for(scope, identity), item.expiry, now) for item in items]
            full = [w for w, item in zip(windows, items, strict=True) if w.estimate >= item.amount]
            if full:
                return self._refused(items, windows, full, now)
            if all(self._well_under(w, item) for w, item in zip(windows, items, strict=True)):
                for w in windows:
                    w.pending += 1
                    self._dirty[w.slot] = w
                verdict = Verdict(True, _tightest(items, windows, now))
                sent = None
            else:
                sent = [w.send(extra=1) for w in windows]
        if sent is not None:
            return self._exact(items, windows, sent, now)
        self._nudge()
        return verdict

    def _well_under(self, window: _Window, item: RateLimit) -> bool:
        seen = window.synced or window.hit.expiry <= self.blind_expiry
        return seen and window.estimate + 1 <= item.amount * self.fast_share

    def _exact(
        self, items: Sequence[RateLimit], windows: list[_Window], sent: list[int], now: float
    ) -> Verdict:
        try:
            totals = self.counters.incr_many([w.counted(n) for w, n in zip(windows, sent, strict=True)])
        except TransientStoreError:
            # The shared counters are out of reach: admit on what this instance knows rather than fail the
            # request; the counts are sent again with the next flush.
            log.warning("rate limit counters unavailable; admitting on local counts", exc_info=True)
            with self._lock:
                self._send_back(windows, sent)
                return Verdict(True, _tightest(items, windows, now))
        with self._lock:
            for w, n, total in zip(windows, sent, totals, strict=True):
                w.learned(n, total)
            over = [w for w, item in zip(windows, items, strict=True) if w.estimate > item.amount]
            if not over:
                return Verdict(True, _tightest(items, windows, now))
            for w in windows:
                w.pending -= 1  # a refused request takes nothing: the next flush gives it back
                self._dirty[w.slot] = w
            refused = self._refused(items, windows, over, now)
        self._nudge()
        return refused

    def _send_back(self, windows: Sequence[_Window], sent: Sequence[int]) -> None:
        for w, n in zip(windows, sent, strict=True):
            w.sent_back(n)
            self._dirty[w.slot] = w

    def _refused(
        self, items: Sequence[RateLimit], windows: list[_Window], over: list[_Window], now: float
    ) -> Verdict:
        retry = max(max(1, math.ceil(w.hit.start + w.hit.expiry - now)) for w in over)
        return Verdict(False, _tightest(items, windows, now), retry)

    def _window(self, key: str, expiry: int, now: float) -> _Window:
        slot = (key, window_start(now, expiry))
        window = self._windows.get(slot)
        if window is None:
            window = self._windows[slot] = _Window(WindowHit(key, expiry, 0, slot[1]))
        return window

    @property
    def windows_held(self) -> int:
        """Windows this instance remembers (those not yet ended, and ended ones until the next pruning)."""
        return len(self._windows)

    # --- the background count -----------------------------------------------------------------------------
    def flush(self) -> int:
        """Send what this instance admitted to the shared counters; the number of windows sent."""
        now = self.clock()
        with self._lock:
            due = [w for w in self._dirty.values() if w.pending]
            self._dirty.clear()
            sent = [w.send() for w in due]
            if now - self._pruned_at > 10.0:
                self._forget_ended(now)
                self._pruned_at = now
        for first in range(0, len(due), BATCH):
            chunk, amounts = due[first : first + BATCH], sent[first : first + BATCH]
            try:
                totals = self.counters.incr_many([w.counted(n) for w, n in zip(chunk, amounts, strict=True)])
            except TransientStoreError:
                with self._lock:
                    self._send_back(due[first:], sent[first:])
                raise
            with self._lock:
                for w, n, total in zip(chunk, amounts, totals, strict=True):
                    w.learned(n, total)
        return len(due)

    def _forget_ended(self, now: float) -> None:
        ended = [
            key
            for key, w in self._windows.items()
            if w.hit.start + w.hit.expiry <= now and not w.pending and not w.sending
        ]
        for key in ended:
            del self._windows[key]

    def _nudge(self) -> None:
        """Wake the background flush (started on first use)."""
        if not self.background:
            return
        if self._thread is None:
            with self._lock:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, name="rate-limit-flush", daemon=True)
                    self._thread.start()
        self._wake.set()

    def _run(self) -> None:
        backoff = 0.1
        while True:
            self._wake.wait()
            time.sleep(self.flush_delay)  # gather: one commit for many requests' counts
            self._wake.clear()
            try:
                self.flush()
                backoff = 0.1
            except TransientStoreError:
                log.warning("rate limit flush failed; retrying in %.1f s", backoff, exc_info=True)
                time.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
                self._wake.set()


def _tightest(items: Sequence[RateLimit], windows: list[_Window], now: float) -> WindowStats:
    stats = [w.stats(item.amount, now) for w, item in zip(windows, items, strict=True)]
    return min(stats, key=lambda s: (s.remaining, s.reset_seconds))
