"""Badges: awarding what a streak's facts earn, in the write that earns them; the catalogue users see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from streak_core.domain.badges import ACTIVE_USERS, CATALOGUE, Badge, measure, newly_earned
from streak_core.domain.notifications import PUSH_HELD
from streak_core.domain.vocabulary import NotificationKind
from streak_core.models.notifications import OutboxEntry
from streak_core.models.streaks import StreakRecord
from streak_core.ports.users import BadgeCounts, UserStore


def award_badges(
    uid: str, streak: StreakRecord, now: datetime, announce: bool = True, push: bool = True
) -> list[OutboxEntry]:
    """Award every badge of the catalogue the streak's facts earn and the user does not hold, on `streak`
    (with the rarity counters its write must move); a `badge_earned` entry each when `announce` (a rebuild
    awards silently). One push per change at most: the first entry's, and not even that when `push` is
    False (the same change already pushes another notification)."""
    earned = newly_earned(streak.badge_facts(), streak.badges)
    for badge in earned:
        streak.badges[badge.id] = now
    streak.counts_due = [badge.id for badge in earned]
    if not streak.counted_active and streak.latest_session_end_ms:
        streak.counted_active = True
        streak.counts_due.append(ACTIVE_USERS)
    if not announce:
        return []
    return [_entry(uid, badge, now, pushed=push and n == 0) for n, badge in enumerate(earned)]


def _entry(uid: str, badge: Badge, now: datetime, pushed: bool) -> OutboxEntry:
    data = {"badge": badge.id, "name": badge.name, "description": badge.description}
    return OutboxEntry(
        uid, NotificationKind.BADGE_EARNED, badge.id, data if pushed else {**data, PUSH_HELD: 1}, now
    )


@dataclass(frozen=True, slots=True)
class BadgeView:
    id: str
    name: str
    description: str
    earned_at: datetime | None
    current: int
    target: int
    rarity: float


def list_badges(users: UserStore, counts: BadgeCounts, uid: str) -> list[BadgeView]:
    """The whole catalogue for the user: when each badge was earned, how far they are, how rare it is
    (holders among users with any activity, from the counters)."""
    streak = users.snapshot(uid, (), ()).streak
    facts = streak.badge_facts()
    totals = counts.totals()
    active = max(totals.get(ACTIVE_USERS, 0), 1)
    return [
        BadgeView(
            badge.id,
            badge.name,
            badge.description,
            streak.badges.get(badge.id),
            min(measure(badge, facts), badge.target),
            badge.target,
            round(min(totals.get(badge.id, 0) / active, 1.0), 4),
        )
        for badge in CATALOGUE
    ]
