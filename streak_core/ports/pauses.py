"""Pauses: set in advance, changed in one transaction with the streak they bridge."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from streak_core.models.streaks import Pause, StreakRecord
from streak_core.models.users import UserSettings

T = TypeVar("T")


@dataclass(slots=True)
class PauseSnapshot:
    """A user's pauses with what changing them depends on, read in one transaction."""

    settings: UserSettings
    streak: StreakRecord
    pauses: list[Pause]


class PauseTransaction(Protocol):
    def read(self) -> PauseSnapshot: ...

    def write(self, streak: StreakRecord, put: Pause | None = None, remove: str | None = None) -> None:
        """Store the streak with a pause created or changed (`put`) or gone (`remove`, by id)."""
        ...


class PauseStore(Protocol):
    def run_in_transaction(self, uid: str, body: Callable[[PauseTransaction], T]) -> T: ...

    def pauses(self, uid: str) -> list[Pause]:
        """The user's pauses, by first day."""
        ...
