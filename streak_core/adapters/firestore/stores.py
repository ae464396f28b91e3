"""Which Firestore adapter serves each store port: the production container registers each of them once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from streak_core.adapters.firestore.analytics import FirestoreAnalytics
from streak_core.adapters.firestore.badges import FirestoreBadgeCounts
from streak_core.adapters.firestore.boards import FirestoreLeaderboardStore
from streak_core.adapters.firestore.challenges import FirestoreChallengeStore
from streak_core.adapters.firestore.client import LazyFirestore
from streak_core.adapters.firestore.dead_letters import FirestoreDeadLetters
from streak_core.adapters.firestore.erasure import FirestoreEraser
from streak_core.adapters.firestore.friend_streaks import FirestoreFriendStreakStore
from streak_core.adapters.firestore.friends import FirestoreFriendStore
from streak_core.adapters.firestore.jobs import FirestoreJobStore
from streak_core.adapters.firestore.leagues import FirestoreLeagueStore
from streak_core.adapters.firestore.maintenance import FirestoreMaintenanceStore
from streak_core.adapters.firestore.outages import FirestoreOutageStore
from streak_core.adapters.firestore.pauses import FirestorePauseStore
from streak_core.adapters.firestore.rebuild import FirestoreRebuildStore
from streak_core.adapters.firestore.reminders import FirestoreReminderStore
from streak_core.adapters.firestore.runs import FirestoreRunStore
from streak_core.adapters.firestore.shares import FirestoreShareStore
from streak_core.adapters.firestore.users import FirestoreProfiles, FirestoreUserStore
from streak_core.adapters.firestore.webhooks import FirestoreWebhookStore
from streak_core.adapters.firestore.your_data import FirestoreUserData
from streak_core.ports.analytics import AnalyticsStore
from streak_core.ports.boards import LeaderboardStore
from streak_core.ports.challenges import ChallengeStore
from streak_core.ports.erasure import Eraser
from streak_core.ports.friend_streaks import FriendStreakStore
from streak_core.ports.friends import FriendStore
from streak_core.ports.jobs import JobStore
from streak_core.ports.leagues import LeagueStore
from streak_core.ports.maintenance import DeadLetterStore, MaintenanceStore, OutageStore, RunStore
from streak_core.ports.notifications import ReminderStore
from streak_core.ports.pauses import PauseStore
from streak_core.ports.rebuild import RebuildStore
from streak_core.ports.shares import ShareStore
from streak_core.ports.users import BadgeCounts, Profiles, UserStore
from streak_core.ports.webhooks import WebhookStore
from streak_core.ports.your_data import UserDataReader

ADAPTERS: dict[type[Any], Callable[[LazyFirestore], Any]] = {
    AnalyticsStore: FirestoreAnalytics,
    BadgeCounts: FirestoreBadgeCounts,
    ChallengeStore: FirestoreChallengeStore,
    DeadLetterStore: FirestoreDeadLetters,
    Eraser: FirestoreEraser,
    FriendStore: FirestoreFriendStore,
    FriendStreakStore: FirestoreFriendStreakStore,
    JobStore: FirestoreJobStore,
    LeaderboardStore: FirestoreLeaderboardStore,
    LeagueStore: FirestoreLeagueStore,
    MaintenanceStore: FirestoreMaintenanceStore,
    OutageStore: FirestoreOutageStore,
    PauseStore: FirestorePauseStore,
    Profiles: FirestoreProfiles,
    RebuildStore: FirestoreRebuildStore,
    ReminderStore: FirestoreReminderStore,
    RunStore: FirestoreRunStore,
    ShareStore: FirestoreShareStore,
    UserDataReader: FirestoreUserData,
    UserStore: FirestoreUserStore,
    WebhookStore: FirestoreWebhookStore,
}
