"""Erasing a user (GDPR art. 17): their documents a page at a time, and their Firebase Auth account."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from streak_core.domain.vocabulary import ErasureStep


@dataclass(frozen=True, slots=True)
class ErasureReceipt:
    """That a user was erased, and when: found by their id, holding nothing about them."""

    requested_at: datetime
    finished_at: datetime | None


class Eraser(Protocol):
    def receipt(self, uid: str) -> ErasureReceipt | None: ...

    def begin(self, uid: str, now: datetime) -> ErasureReceipt:
        """The receipt of this user's erasure, written if it is the first request."""
        ...

    def erase(self, uid: str, step: ErasureStep, limit: int) -> int:
        """Erase up to `limit` documents of the step (with the counters they moved, in the same commit):
        how many; 0 once the step has nothing left."""
        ...

    def finish(self, uid: str, now: datetime) -> None: ...


class AccountDirectory(Protocol):
    """The Firebase Auth accounts."""

    def delete(self, uid: str) -> None:
        """Delete the account (nothing happens if it is gone already)."""
        ...

    def existing(self, uids: list[str]) -> set[str]:
        """Those of these users who still have an account."""
        ...
