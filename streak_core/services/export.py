"""A user's copy of their data (GDPR art. 15 and 20): every stored fact about them, the long parts a page at
a time, so a user with years of sessions is exported in the memory of a page."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from streak_core.domain.cards import Share
from streak_core.domain.challenges import Membership
from streak_core.domain.config import StreakConfig
from streak_core.domain.days import DayStatus
from streak_core.models.leagues import LeagueMember
from streak_core.models.notifications import StoredNotification
from streak_core.models.streaks import Pause, StoredSession
from streak_core.ports.leagues import LeagueStore
from streak_core.ports.pauses import PauseStore
from streak_core.ports.shares import ShareStore
from streak_core.ports.users import BadgeCounts, NotificationPosition, UserStore
from streak_core.ports.your_data import Device, SessionPosition, UserDataReader
from streak_core.services.badges import BadgeView, list_badges
from streak_core.services.friend_streaks import FriendStreaks, FriendStreakView
from streak_core.services.friends import Friends, FriendsList
from streak_core.services.queries import SettingsView, settings_view
from streak_core.services.session_log import EARLIEST_MS, LATEST_MS
from streak_core.services.views import StreakView, day_view, streak_view, today_candidates

PAGE = 500  # documents read, and then serialised, at a time
MAX_SHARES = 1000  # a user's shares, exported whole
MAX_LEAGUE_WEEKS = 1000  # a user's league weeks (nearly twenty years), exported whole


@dataclass(frozen=True, slots=True)
class ExportSources:
    """The stores a user's data is read from."""

    users: UserStore
    data: UserDataReader
    pauses: PauseStore
    badge_counts: BadgeCounts
    friends: Friends
    friend_streaks: FriendStreaks
    shares: ShareStore
    leagues: LeagueStore


@dataclass(frozen=True, slots=True)
class UserExport:
    """Everything about one user; the long parts are pages read when iterated (once)."""

    exported_at: datetime
    user_id: str
    settings: SettingsView
    streak: StreakView
    sessions: Iterator[list[StoredSession]]
    days: Iterator[list[DayStatus]]
    pauses: list[Pause]
    badges: list[BadgeView]
    challenges: list[Membership]
    friends: FriendsList
    friend_streaks: list[FriendStreakView]
    devices: list[Device]
    notifications: Iterator[list[StoredNotification]]
    shares: list[Share]
    leagues: list[LeagueMember]


def export_user(sources: ExportSources, uid: str, now: datetime, config: StreakConfig) -> UserExport:
    snap = sources.users.snapshot(uid, (), today_candidates(now, late=True))
    streak = snap.streak

    def sessions() -> Iterator[list[StoredSession]]:
        after = None
        while page := sources.data.sessions_page(uid, EARLIEST_MS, LATEST_MS, PAGE, after):
            yield page
            after = SessionPosition(page[-1].session.start_ms, page[-1].session.id)

    def days() -> Iterator[list[DayStatus]]:
        after = None
        while page := sources.data.days_page(uid, after, PAGE):
            yield [day_view(record.day, record, streak, config) for record in page]
            after = page[-1].day

    def notifications() -> Iterator[list[StoredNotification]]:
        after = None
        while page := sources.users.notifications(uid, PAGE, after):
            yield page
            after = NotificationPosition(page[-1].created_at, page[-1].id)

    return UserExport(
        exported_at=now,
        user_id=uid,
        settings=settings_view(snap.settings, snap.streak, now),
        streak=streak_view(snap.settings, streak, snap.days, now, config),
        sessions=sessions(),
        days=days(),
        pauses=sources.pauses.pauses(uid),
        badges=list_badges(sources.users, sources.badge_counts, uid),
        challenges=sources.data.memberships(uid),
        friends=sources.friends.listing(uid, now),
        friend_streaks=sources.friend_streaks.listing(uid, now),
        devices=sources.data.devices(uid),
        notifications=notifications(),
        shares=sources.shares.of_user(uid, MAX_SHARES),
        leagues=sources.leagues.weeks(uid, MAX_LEAGUE_WEEKS),
    )
