"""The clock services read `now` from (the system clock in production, a fixed one in tests)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...
