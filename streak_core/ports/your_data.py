"""Reading everything stored about a user, a page at a time: their session log, days, devices and
challenge memberships (for the listing of sessions and the export of their data)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from streak_core.domain.challenges import Membership
from streak_core.domain.vocabulary import Platform
from streak_core.models.streaks import DayRecord, StoredSession


@dataclass(frozen=True, slots=True)
class SessionPosition:
    """Where a page of sessions, newest first, ended: the last one's start and id."""

    start_ms: int
    session_id: str


@dataclass(frozen=True, slots=True)
class Device:
    token: str
    platform: Platform
    registered_at: datetime | None


class UserDataReader(Protocol):
    def sessions_page(
        self, uid: str, lo_ms: int, hi_ms: int, limit: int, after: SessionPosition | None
    ) -> list[StoredSession]:
        """Sessions (never tombstones) starting in [lo_ms, hi_ms), newest start first (ties: id, descending),
        after the position if given."""
        ...

    def days_page(self, uid: str, after: date | None, limit: int) -> list[DayRecord]:
        """Day records in date order, after `after` if given."""
        ...

    def devices(self, uid: str) -> list[Device]: ...

    def memberships(self, uid: str) -> list[Membership]:
        """Every challenge the user joined (at most the ones unfinished plus those finished: bounded by
        what a user can join)."""
        ...
