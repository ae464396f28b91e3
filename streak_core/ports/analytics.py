"""The product team's daily figures: sharded counters moved by the writes that already happen."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Protocol

from streak_core.domain.analytics import Count


class AnalyticsStore(Protocol):
    def days(self, first: date, last: date) -> dict[date, dict[str, int]]:
        """Each UTC date's counters (dates without any left out), summed over the shards: one batched read."""
        ...

    def count(self, counts: Iterable[Count]) -> None:
        """Move counters on their own (a write that has no other document to go with)."""
        ...
