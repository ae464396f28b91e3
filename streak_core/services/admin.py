"""What operators do to one user: grant freezes (and, in rebuild.py, rebuild their projections)."""

from __future__ import annotations

from streak_core.domain.config import StreakConfig
from streak_core.domain.ids import is_user_id
from streak_core.errors import UserNotFound
from streak_core.ports.users import UserStore, UserTransaction, UserWrites

MAX_FREEZE_GRANT = 5  # freezes one grant may give


def grant_freezes(store: UserStore, uid: str, count: int, config: StreakConfig) -> int:
    """Give a user up to `count` freezes, never above the cap; returns the freezes they now hold."""
    if not is_user_id(uid):
        raise UserNotFound

    def body(tx: UserTransaction) -> int:
        snap = tx.read((), ())
        if not snap.known:
            raise UserNotFound
        snap.streak.state.grant_freezes(count, config)
        tx.apply(UserWrites([], [], snap.streak))
        return snap.streak.state.freezes_available

    return store.run_in_transaction(uid, body)
