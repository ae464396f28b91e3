"""The real clock, the only place the backend reads the time of day."""

from __future__ import annotations

from datetime import UTC, datetime

from streak_core.ports.clock import Clock


class SystemClock(Clock):
    def now(self) -> datetime:
        return datetime.now(UTC)
