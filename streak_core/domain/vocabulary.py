"""The words of the system, one StrEnum per concept: the only place a kind, status or choice is spelled."""

from __future__ import annotations

from enum import StrEnum


class NotificationKind(StrEnum):
    """Everything the backend tells a user about; each one has texts and can be switched off."""

    MILESTONE = "milestone"
    STREAK_BROKEN = "streak_broken"
    FREEZE_APPLIED = "freeze_applied"
    FREEZE_EARNED = "freeze_earned"
    WEEKLY_BONUS = "weekly_bonus"
    STREAK_RESTORED = "streak_restored"
    STREAK_RECOVERED = "streak_recovered"
    REMINDER = "reminder"
    BADGE_EARNED = "badge_earned"
    CHALLENGE_COMPLETED = "challenge_completed"
    LEAGUE_FINISHED = "league_finished"
    FRIEND_STREAK_INVITED = "friend_streak_invited"
    FRIEND_STREAK_EXTENDED = "friend_streak_extended"
    FRIEND_STREAK_BROKEN = "friend_streak_broken"
    FRIEND_STREAK_NUDGE = "friend_streak_nudge"
    REACTIVATION = "reactivation"


class Channel(StrEnum):
    PUSH = "push"
    EMAIL = "email"


class DeliveryStatus(StrEnum):
    """Where one channel of one notification stands; all but `pending` are final."""

    PENDING = "pending"
    SENT = "sent"
    SKIPPED = "skipped"
    FAILED = "failed"

    @property
    def settled(self) -> bool:
        return self is not DeliveryStatus.PENDING


class Visibility(StrEnum):
    """Who sees a user on leaderboards: everyone, friends only, or nobody."""

    PUBLIC = "public"
    FRIENDS = "friends"
    HIDDEN = "hidden"


class Period(StrEnum):
    ALL = "all"
    WEEK = "week"
    MONTH = "month"


class Tier(StrEnum):
    """League tiers, lowest first: a week's top of a cohort moves one up, its bottom one down."""

    BRONZE = "bronze"
    SILVER = "silver"
    GOLD = "gold"
    SAPPHIRE = "sapphire"
    RUBY = "ruby"
    EMERALD = "emerald"
    AMETHYST = "amethyst"
    PEARL = "pearl"
    OBSIDIAN = "obsidian"
    DIAMOND = "diamond"


class LeagueOutcome(StrEnum):
    """Where a settled league week left a member."""

    PROMOTED = "promoted"
    STAYED = "stayed"
    DEMOTED = "demoted"


class Scope(StrEnum):
    GLOBAL = "global"
    FRIENDS = "friends"


class BoardStart(StrEnum):
    """Where a board's first page begins: its top, or the caller's own row ("jump to me")."""

    TOP = "top"
    ME = "me"


class Locale(StrEnum):
    EN = "en"
    FR = "fr"


class Platform(StrEnum):
    IOS = "ios"
    ANDROID = "android"
    WEB = "web"


class RunStatus(StrEnum):
    """A maintenance run: running until every batch reported; then done, or failed if any user failed."""

    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class SessionStatus(StrEnum):
    """The fate of one submitted session."""

    CREATED = "created"
    DUPLICATE = "duplicate"  # same id, same body: nothing written
    CONFLICT = "conflict"  # same id, another body: nothing written
    INVALID = "invalid"
    FORBIDDEN = "forbidden"  # another user's `user_id`: nothing written
    DELETED = "deleted"  # the id of a session the user deleted: it cannot be used again


class FriendStatus(StrEnum):
    PENDING = "pending"
    FRIENDS = "friends"


class FriendStreakStatus(StrEnum):
    """A friend streak: invited until the friend accepts, then active until either side ends it."""

    INVITED = "invited"
    ACTIVE = "active"


class RetryOutcome(StrEnum):
    """What one retry-queue attempt at a user's maintenance came to."""

    MAINTAINED = "maintained"
    RETRY = "retry"
    DEAD_LETTERED = "dead_lettered"


class ChallengeKind(StrEnum):
    """What a challenge counts inside its window."""

    QUALIFIED_DAYS = "qualified_days"
    FOCUS_MINUTES = "focus_minutes"


class ChallengeVisibility(StrEnum):
    PUBLIC = "public"  # listed for everyone; created by admins
    PRIVATE = "private"  # the id is the invitation


class ChallengeStatus(StrEnum):
    """Where a challenge's window stands, anywhere on Earth."""

    UPCOMING = "upcoming"
    ACTIVE = "active"
    ENDED = "ended"


class ImageFormat(StrEnum):
    PNG = "png"
    SVG = "svg"


class WindowUnit(StrEnum):
    """The units of a rate-limit window, as the `limits` notation names them ("20/10 seconds")."""

    SECOND = "second"
    MINUTE = "minute"
    HOUR = "hour"
    DAY = "day"
    MONTH = "month"
    YEAR = "year"


class LimitScope(StrEnum):
    """Which rate limits a request counts against: a user's reads or writes, or a client address's public
    page views."""

    READ = "read"
    WRITE = "write"
    PUBLIC = "public"


class JobStatus(StrEnum):
    """An asynchronous batch of sessions (`Prefer: respond-async`)."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ErasureStep(StrEnum):
    """The steps of erasing a user, in order: what moves others' counters first, their own documents last."""

    SHARES = "shares"  # first: the public pages are gone at once
    CHALLENGES = "challenges"
    FRIENDS = "friends"
    BOARDS = "boards"
    LEAGUES = "leagues"  # league weeks and claimed seats (others' cohorts no longer list the user)
    NOTIFICATIONS = "notifications"
    EVENTS = "events"  # webhook events and their deliveries (user.deleted is written after the steps)
    JOBS = "jobs"
    OWN_DOCUMENTS = "own_documents"
    STREAK = "streak"
    USER = "user"


class EventType(StrEnum):
    """What a webhook subscriber can hear about (API.md "Webhooks"); `*` subscribes to all of them."""

    STREAK_STARTED = "streak.started"
    STREAK_EXTENDED = "streak.extended"
    STREAK_BROKEN = "streak.broken"
    STREAK_RECOVERED = "streak.recovered"
    STREAK_FREEZE_APPLIED = "streak.freeze_applied"
    STREAK_FREEZE_EARNED = "streak.freeze_earned"
    MILESTONE_REACHED = "milestone.reached"
    BADGE_EARNED = "badge.earned"
    CHALLENGE_COMPLETED = "challenge.completed"
    LEAGUE_FINISHED = "league.finished"
    FRIEND_STREAK_EXTENDED = "friend_streak.extended"
    FRIEND_STREAK_BROKEN = "friend_streak.broken"
    USER_DELETED = "user.deleted"


class EndpointStatus(StrEnum):
    """A webhook endpoint is sent events while enabled; failing every attempt for the retry window, or an
    operator, disables it."""

    ENABLED = "enabled"
    DISABLED = "disabled"


class DisabledReason(StrEnum):
    """Why an endpoint was disabled."""

    GONE = "gone"  # it answered 410 Gone: the receiver says it is gone for good (Standard Webhooks)
    FAILING = "failing"  # every attempt failed for the retry window
    OPERATOR = "operator"  # PATCH status disabled


class HookDeliveryStatus(StrEnum):
    """One event's delivery to one endpoint: pending until a 2xx, or until the retry window is spent."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"
