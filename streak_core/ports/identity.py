"""Who is calling: a Firebase ID token checked into a principal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Principal:
    uid: str
    admin: bool = False


class InvalidToken(Exception):
    """The bearer token is missing, malformed, expired, revoked or not issued for this project."""


class TokenVerifier(Protocol):
    def verify(self, token: str) -> Principal: ...

    def forget(self, uid: str) -> None:
        """Trust no cached check of this user's tokens any more, on this instance (their account is being
        deleted: once it is gone, their tokens are refused at once)."""
        ...
