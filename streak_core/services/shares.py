"""Share cards: the user's current card, frozen snapshots under unguessable ids, their public views."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime

from streak_core.domain.badges import BADGES
from streak_core.domain.cards import CardContent, CardField, Share, TextMetrics, card_svg
from streak_core.domain.config import StreakConfig
from streak_core.domain.ids import is_document_id
from streak_core.errors import ShareNotFound
from streak_core.ports.shares import ShareStore
from streak_core.ports.users import UserStore
from streak_core.services.views import streak_view, user_today

MAX_SHARES_LISTED = 100


def card_content(
    store: UserStore, uid: str, included: Iterable[CardField], now: datetime, config: StreakConfig
) -> CardContent:
    """What the card shows now: the current streak always, the rest only where included (and the name only
    where the user has one)."""
    wanted = set(included)
    snap = store.snapshot(uid, (), ())
    view = streak_view(snap.settings, snap.streak, snap.days, now, config)
    held = sorted(snap.streak.badges.items(), key=lambda kv: (kv[1], kv[0]), reverse=True)
    return CardContent(
        current_streak=view.current_streak,
        as_of=user_today(snap.settings, snap.streak, now),
        display_name=snap.settings.display_name if CardField.DISPLAY_NAME in wanted else None,
        level=view.level if CardField.LEVEL in wanted else None,
        longest_streak=view.longest_streak if CardField.LONGEST_STREAK in wanted else None,
        badges=tuple(BADGES[b].name for b, _ in held if b in BADGES) if CardField.BADGES in wanted else None,
    )


def current_card(
    store: UserStore, metrics: TextMetrics, uid: str, now: datetime, config: StreakConfig
) -> str:
    """The caller's own card with everything on it, as SVG."""
    return card_svg(card_content(store, uid, CardField, now, config), metrics)


def create_share(
    users: UserStore,
    shares: ShareStore,
    uid: str,
    included: Iterable[CardField] | None,
    now: datetime,
    config: StreakConfig,
) -> Share:
    """Freeze the card as it is now, with only the included fields (all of them when not said), under an
    id of 192 random bits."""
    fields = tuple(dict.fromkeys(CardField if included is None else included))
    content = card_content(users, uid, fields, now, config)
    share = Share(secrets.token_urlsafe(24), uid, content, fields, now)
    shares.create(share)
    return share


def list_shares(shares: ShareStore, uid: str) -> list[Share]:
    return shares.of_user(uid, MAX_SHARES_LISTED)


def revoke_share(shares: ShareStore, uid: str, share_id: str) -> None:
    """ShareNotFound for an unknown id or another user's share (which is not revealed)."""
    share = shares.get(share_id) if is_document_id(share_id) else None
    if share is None or share.uid != uid:
        raise ShareNotFound
    shares.delete(share_id)


def public_share(shares: ShareStore, share_id: str, count_open: bool, now: datetime | None = None) -> Share:
    """The share a public link names (counting one open for a page view); ShareNotFound once revoked."""
    share = shares.get(share_id) if is_document_id(share_id) else None
    if share is None:
        raise ShareNotFound
    if count_open:
        shares.count_open(share_id, now)
    return share
