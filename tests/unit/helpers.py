"""Small builders shared by the domain unit tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

from streak_core.domain.config import DEFAULT_CONFIG, StreakConfig
from streak_core.domain.days import DayState
from streak_core.domain.engine import SessionOutcome, apply_session
from streak_core.domain.sessions import Session, parse_instant
from streak_core.domain.streaks import StreakState

FAR_FUTURE_NOW = datetime(2100, 1, 1, tzinfo=UTC)


def session(start: str, end: str, tz: str, sid: str = "s") -> Session:
    return Session(id=sid, start=parse_instant(start), end=parse_instant(end), timezone=tz)


class History:
    """One user's days and streak, fed session by session as the adapter would."""

    def __init__(self, config: StreakConfig = DEFAULT_CONFIG) -> None:
        self.config = config
        self.days: dict[date, DayState] = {}
        self.streak = StreakState()

    def add(self, start: str, end: str, tz: str) -> SessionOutcome:
        return apply_session(self.days, self.streak, session(start, end, tz), self.config)

    def seconds(self, day: str) -> int:
        state = self.days.get(date.fromisoformat(day))
        return state.seconds if state else 0

    def qualify(self, *days: str) -> None:
        """Give each day a full hour of focus at local noon in UTC."""
        for d in days:
            self.add(f"{d}T12:00:00Z", f"{d}T13:00:00Z", "UTC")


def daily_bodies(
    prefix: str, month: str, days: range, start: str = "08:00", end: str = "09:00", zone: str = "UTC"
) -> list[dict[str, str]]:
    """One session a day (`{prefix}{day}`) in `month` (`2026-11`), as a client posts it."""
    return [
        {
            "id": f"{prefix}{d}",
            "start": f"{month}-{d:02d}T{start}:00Z",
            "end": f"{month}-{d:02d}T{end}:00Z",
            "timezone": zone,
        }
        for d in days
    ]
