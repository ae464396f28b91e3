"""Shares and the images they are drawn as."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from streak_core.domain.cards import Share


class Rasterizer(Protocol):
    def png(self, svg: str) -> bytes:
        """The SVG drawn as a PNG at its own size, with the fonts the project ships."""
        ...


class ShareStore(Protocol):
    def create(self, share: Share) -> None: ...

    def get(self, share_id: str) -> Share | None:
        """The share with its opens counted, or None (unknown or revoked)."""
        ...

    def of_user(self, uid: str, limit: int) -> list[Share]:
        """The user's shares, newest first."""
        ...

    def delete(self, share_id: str) -> None: ...

    def count_open(self, share_id: str, at: datetime | None = None) -> None:
        """One more view of the public page (sharded: a viral share is no write hot spot), and of the day's
        share opens (on `at`'s UTC date)."""
        ...
