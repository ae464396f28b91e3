"""A user's phones: the FCM registration tokens push notifications go to."""

from __future__ import annotations

from datetime import datetime

from streak_core.domain.vocabulary import Platform
from streak_core.ports.users import UserStore


def register_device(store: UserStore, uid: str, token: str, platform: Platform, now: datetime) -> bool:
    """Remember the token (True if it is new; a known one is refreshed)."""
    return store.add_device(uid, token, platform, now)


def forget_device(store: UserStore, uid: str, token: str) -> None:
    """Send nothing more to the token (nothing happens if it was not registered)."""
    store.remove_device(uid, token)
