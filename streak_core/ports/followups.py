"""The queues a commit asks once it stands: a dispatch of each notification entry and the fan-out of the
webhook lane it wrote, a check of each of the user's friend streaks (services/followups.py asks them). Apart
from the ports of what answers those asks: a session's cold start imports what it asks."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class DispatchQueue(Protocol):
    def dispatch_at(self, entry_id: str, when: datetime) -> None:
        """Ask for this entry to be dispatched at `when` (a Cloud Tasks task with that schedule time)."""
        ...

    def fan_out_lane(self, lane: int, at: datetime) -> None:
        """Ask for the webhook events of `lane` not fanned out yet to be fanned out shortly, by `at`'s clock:
        events committed before this call are in that fan-out, and the writers asking within a moment share
        it (one task per lane and moment)."""
        ...


class FriendStreakQueue(Protocol):
    def refresh(self, streak_id: str, key: str, at: datetime) -> None:
        """Ask for the pair to be checked soon, as of `at` (the change's instant, honoured where the clock
        may be overridden); `key` names the change, so a change asks once."""
        ...
