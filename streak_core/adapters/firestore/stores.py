"""Which Firestore adapter serves each store port, by `module:Class`: the production container registers each
of them once, and an adapter's module is imported when a function first builds it (an `api` instance serving
sessions never imports the leagues', webhooks' or maintenance adapters)."""

from __future__ import annotations

FIRESTORE = "streak_core.adapters.firestore"
PORTS = "streak_core.ports"
# Port (`module:Qualname`, as the container names it: no port module is imported here) to adapter.
ADAPTERS: dict[str, str] = {
    f"{PORTS}.analytics:AnalyticsStore": f"{FIRESTORE}.analytics:FirestoreAnalytics",
    f"{PORTS}.users:BadgeCounts": f"{FIRESTORE}.badges:FirestoreBadgeCounts",
    f"{PORTS}.challenges:ChallengeStore": f"{FIRESTORE}.challenges:FirestoreChallengeStore",
    f"{PORTS}.maintenance:DeadLetterStore": f"{FIRESTORE}.dead_letters:FirestoreDeadLetters",
    f"{PORTS}.erasure:Eraser": f"{FIRESTORE}.erasure:FirestoreEraser",
    f"{PORTS}.friends:FriendStore": f"{FIRESTORE}.friends:FirestoreFriendStore",
    f"{PORTS}.friend_streaks:FriendStreakStore": f"{FIRESTORE}.friend_streaks:FirestoreFriendStreakStore",
    f"{PORTS}.jobs:JobStore": f"{FIRESTORE}.jobs:FirestoreJobStore",
    f"{PORTS}.boards:LeaderboardStore": f"{FIRESTORE}.boards:FirestoreLeaderboardStore",
    f"{PORTS}.leagues:LeagueStore": f"{FIRESTORE}.leagues:FirestoreLeagueStore",
    f"{PORTS}.maintenance:MaintenanceStore": f"{FIRESTORE}.maintenance:FirestoreMaintenanceStore",
    f"{PORTS}.maintenance:OutageStore": f"{FIRESTORE}.outages:FirestoreOutageStore",
    f"{PORTS}.pauses:PauseStore": f"{FIRESTORE}.pauses:FirestorePauseStore",
    f"{PORTS}.users:Profiles": f"{FIRESTORE}.users:FirestoreProfiles",
    f"{PORTS}.rebuild:RebuildStore": f"{FIRESTORE}.rebuild:FirestoreRebuildStore",
    f"{PORTS}.notifications:ReminderStore": f"{FIRESTORE}.reminders:FirestoreReminderStore",
    f"{PORTS}.maintenance:RunStore": f"{FIRESTORE}.runs:FirestoreRunStore",
    f"{PORTS}.shares:ShareStore": f"{FIRESTORE}.shares:FirestoreShareStore",
    f"{PORTS}.your_data:UserDataReader": f"{FIRESTORE}.your_data:FirestoreUserData",
    f"{PORTS}.users:UserStore": f"{FIRESTORE}.users:FirestoreUserStore",
    f"{PORTS}.webhooks:WebhookStore": f"{FIRESTORE}.webhooks:FirestoreWebhookStore",
}
