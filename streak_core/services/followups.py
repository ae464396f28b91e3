"""What a commit asks of the queues once it stands: a dispatch of each notice it wrote, the fan-out of its
webhook lane, a check of each of the user's friend streaks. A failure to ask is counted, never raised: the
commit stands, and the sweep or the nightly pass does what was not asked.

Apart from the dispatcher (services/dispatch.py) and the friend streaks' service, which an acceptance never
runs: a session's cold start imports what it asks, not what answers."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TypeVar

from streak_core.ports.followups import DispatchQueue, FriendStreakQueue

T = TypeVar("T")


def announce(queue: DispatchQueue, entry_ids: Iterable[str], now: datetime) -> int:
    """Enqueue a dispatch for each committed entry; returns how many could not be (the sweep sends those)."""
    return enqueue_each(entry_ids, lambda entry_id: queue.dispatch_at(entry_id, now))


def announce_events(queue: DispatchQueue, lane: int | None, now: datetime) -> int:
    """Ask for the fan-out of the webhook lane a commit wrote events in (None: it wrote none); 1 when that
    could not be asked (the sweep fans those events out)."""
    return enqueue_each([] if lane is None else [lane], lambda lane: queue.fan_out_lane(lane, now))


def ask_pair_checks(
    checks: FriendStreakQueue, uid: str, streak_ids: Iterable[str], change: str, now: datetime
) -> int:
    """Ask for each of the user's pairs to be checked after a committed change of their days (`change`
    names it, so it asks once); returns how many could not be asked (the nightly check heals those)."""
    return enqueue_each(streak_ids, lambda streak_id: checks.refresh(streak_id, f"{uid}-{change}", now))


def enqueue_each(items: Iterable[T], enqueue: Callable[[T], None]) -> int:
    """Ask a queue for each item after a commit; how many could not be asked. Any failure is one lost task
    that a sweep or a nightly pass heals: the commit stands, so nothing is raised."""
    lost = 0
    for item in items:
        try:
            enqueue(item)
        except Exception:  # see the docstring: lost, counted, healed later
            lost += 1
    return lost
