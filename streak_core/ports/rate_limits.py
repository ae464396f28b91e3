"""Request counters every instance of a function sees (the shared rate limits)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class WindowHit:
    """`amount` more requests in the window of `expiry` seconds starting at `start` (epoch seconds) of the
    `limits` key `key`."""

    key: str
    expiry: int
    amount: int
    start: int


class WindowCounters(Protocol):
    """Request counters every instance sees (the `limits` library's fixed windows, one commit per call)."""

    def incr_many(self, hits: Sequence[WindowHit]) -> list[int]:
        """Add to the windows' counters in one commit; their new totals, in order."""
        ...
