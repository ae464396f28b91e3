"""Stored shapes of a user's data, shared by services, ports and adapters (pure dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from streak_core.domain.days import DayState
from streak_core.domain.sessions import Session
from streak_core.domain.streaks import StreakState

VISIBILITIES = ("public", "friends", "hidden")
NOTIFICATION_KINDS = (
    "milestone",
    "streak_broken",
    "freeze_applied",
    "weekly_bonus",
    "streak_restored",
    "reminder",
)


@dataclass(frozen=True, slots=True)
class StoredSession:
    """An accepted session as kept in the event log; `canonical` decides duplicate vs conflict."""

    session: Session
    received_at: datetime
    days: tuple[date, ...]

    @property
    def canonical(self) -> dict[str, str]:
        return self.session.canonical()


@dataclass(slots=True)
class DayRecord:
    """A local day: the merged intervals plus each session's own piece of the day."""

    state: DayState
    pieces: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def day(self) -> date:
        return self.state.day


@dataclass(slots=True)
class StreakRecord:
    """The read model `streaks/{uid}`: the streak state plus what "today" and maintenance need."""

    state: StreakState = field(default_factory=StreakState)
    latest_session_end_ms: int = 0
    latest_session_timezone: str | None = None
    weekly_bonus_weeks: list[str] = field(default_factory=list)
    maintenance_due_at: datetime | None = None
    last_maintained_date: date | None = None
    # A copy of the user's timezone setting, kept in step by the settings transaction, so maintenance
    # reads one document per user instead of two.
    timezone_setting: str | None = None
    reminder_at: datetime | None = None  # when the hourly reminder tick next looks at this user


@dataclass(frozen=True, slots=True)
class NotificationPreferences:
    push: bool = True
    email: bool = True
    kinds: tuple[tuple[str, bool], ...] = tuple((kind, True) for kind in NOTIFICATION_KINDS)
    quiet_hours: tuple[str, str] | None = None  # local "HH:MM" start and end; may wrap midnight
    reminder_hour: int = 20  # local hour of the "today is at risk" reminder

    def as_json(self) -> dict[str, object]:
        quiet = {"start": self.quiet_hours[0], "end": self.quiet_hours[1]} if self.quiet_hours else None
        return {
            "push": self.push,
            "email": self.email,
            "kinds": dict(self.kinds),
            "quiet_hours": quiet,
            "reminder_hour": self.reminder_hour,
        }


@dataclass(frozen=True, slots=True)
class UserSettings:
    timezone: str | None = None
    display_name: str | None = None
    leaderboard_visibility: str = "friends"
    notifications: NotificationPreferences = field(default_factory=NotificationPreferences)
    locale: str = "en"

    def as_json(self) -> dict[str, object]:
        """The API's settings body, which is also how they are stored."""
        return {
            "timezone": self.timezone,
            "display_name": self.display_name,
            "leaderboard_visibility": self.leaderboard_visibility,
            "notifications": self.notifications.as_json(),
            "locale": self.locale,
        }


@dataclass(slots=True)
class UserSnapshot:
    """Everything one request reads about a user, fetched in a single batched read."""

    settings: UserSettings
    streak: StreakRecord
    days: dict[date, DayRecord]
    sessions: dict[str, StoredSession]


# An outbox entry not settled by then is the sweep's: its task was lost, or it is still being retried.
SWEEP_GRACE = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """A notification to send, written with the state change that causes it. The id is deterministic
    (user, kind, day or week), so a retried write can never create a second one."""

    uid: str
    kind: str
    key: str
    data: dict[str, object]
    created_at: datetime

    @property
    def id(self) -> str:
        return f"{self.uid}:{self.kind}:{self.key}"


@dataclass(slots=True)
class DueUser:
    """A user read for maintenance, with the version its write must still match."""

    uid: str
    settings: UserSettings
    streak: StreakRecord
    version: object


def new_maintenance_run(run_id: str, now: datetime) -> dict[str, object]:
    """The record of a run that has just started; `batches` stays None until the fan-out is complete."""
    return {
        "run_id": run_id,
        "status": "running",
        "users_due": 0,
        "users_processed": 0,
        "users_failed": 0,
        "batches": None,
        "batches_done": 0,
        "started_at": now,
        "finished_at": None,
    }


def user_timezone(settings: UserSettings, streak: StreakRecord) -> str:
    """The zone of the user's "today": their setting, else the zone of their latest session, else UTC."""
    return settings.timezone or streak.latest_session_timezone or "UTC"
