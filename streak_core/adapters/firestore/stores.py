"""Which Firestore adapter serves each store port, by `module:Class`: the production container registers each
of them once, and an adapter's module is imported when a function first builds it (an `api` instance serving
sessions never imports the leagues', webhooks' or maintenance adapters)."""

from __future__ import annotations

from typing import Any

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

FIRESTORE = "streak_core.adapters.firestore"
ADAPTERS: dict[type[Any], str] = {
    AnalyticsStore: f"{FIRESTORE}.analytics:FirestoreAnalytics",
    BadgeCounts: f"{FIRESTORE}.badges:FirestoreBadgeCounts",
    ChallengeStore: f"{FIRESTORE}.challenges:FirestoreChallengeStore",
    DeadLetterStore: f"{FIRESTORE}.dead_letters:FirestoreDeadLetters",
    Eraser: f"{FIRESTORE}.erasure:FirestoreEraser",
    FriendStore: f"{FIRESTORE}.friends:FirestoreFriendStore",
    FriendStreakStore: f"{FIRESTORE}.friend_streaks:FirestoreFriendStreakStore",
    JobStore: f"{FIRESTORE}.jobs:FirestoreJobStore",
    LeaderboardStore: f"{FIRESTORE}.boards:FirestoreLeaderboardStore",
    LeagueStore: f"{FIRESTORE}.leagues:FirestoreLeagueStore",
    MaintenanceStore: f"{FIRESTORE}.maintenance:FirestoreMaintenanceStore",
    OutageStore: f"{FIRESTORE}.outages:FirestoreOutageStore",
    PauseStore: f"{FIRESTORE}.pauses:FirestorePauseStore",
    Profiles: f"{FIRESTORE}.users:FirestoreProfiles",
    RebuildStore: f"{FIRESTORE}.rebuild:FirestoreRebuildStore",
    ReminderStore: f"{FIRESTORE}.reminders:FirestoreReminderStore",
    RunStore: f"{FIRESTORE}.runs:FirestoreRunStore",
    ShareStore: f"{FIRESTORE}.shares:FirestoreShareStore",
    UserDataReader: f"{FIRESTORE}.your_data:FirestoreUserData",
    UserStore: f"{FIRESTORE}.users:FirestoreUserStore",
    WebhookStore: f"{FIRESTORE}.webhooks:FirestoreWebhookStore",
}
