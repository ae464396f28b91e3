"""Stored shapes of the system's data, shared by services, ports and adapters (pure dataclasses)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, tzinfo
from enum import Enum

from streak_core.domain.badges import BadgeFacts, BadgeTally, DayMarks, piece_marks
from streak_core.domain.boards import BoardEntry
from streak_core.domain.challenges import Membership
from streak_core.domain.config import StreakConfig
from streak_core.domain.days import DayState, qualifies
from streak_core.domain.notifications import NotificationData, QuietHours
from streak_core.domain.sessions import Session
from streak_core.domain.streaks import StreakState
from streak_core.domain.vocabulary import (
    Channel,
    DeliveryStatus,
    JobStatus,
    Locale,
    NotificationKind,
    RunStatus,
    Visibility,
)

MAX_DISPLAY_NAME = 50


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
    early: bool = False  # some piece starts before 07:00 local (badges)
    late: bool = False  # some piece runs past 22:00 local (badges)

    def add_piece(self, session_id: str, start_ms: int, end_ms: int, zone: tzinfo) -> None:
        """Record a session's piece of the day (its time is merged into `state` by the engine)."""
        self.pieces[session_id] = (start_ms, end_ms)
        early, late = piece_marks(start_ms, end_ms, zone)
        self.early, self.late = self.early or early, self.late or late

    def marks(self, config: StreakConfig) -> DayMarks:
        seconds = self.state.seconds
        return DayMarks(qualifies(seconds, config), self.early, self.late, seconds)

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
    badges: dict[str, datetime] = field(default_factory=dict)  # badge id -> when it was earned
    badge_tally: BadgeTally = field(default_factory=BadgeTally)
    counted_active: bool = False  # counted once among the users with any activity (badge rarity)
    # The unfinished challenges the user is in, so the acceptance that moves them reads nothing more; and
    # the reward of each completed one (facts of XP, granted once: keyed by challenge).
    challenges: dict[str, Membership] = field(default_factory=dict)
    challenge_rewards: dict[str, int] = field(default_factory=dict)
    # The calendar's month documents hold every day's focus (from the first session on, or since a rebuild),
    # and the version of that focus, moved whenever a day's seconds change (the calendar cache's key).
    months_ready: bool = False
    days_version: int = 0
    # Not stored: the rarity counters the write of this streak must move with it (badges just awarded, and
    # the active-user count on first activity); set by the award, consumed by whichever adapter writes.
    counts_due: list[str] = field(default_factory=list, compare=False)

    def badge_facts(self) -> BadgeFacts:
        state = self.state
        return BadgeFacts(
            state.longest_streak,
            state.qualified_days,
            tuple(self.weekly_bonus_weeks),
            len(state.recovered),
            self.badge_tally,
            len(self.challenge_rewards),
        )

    def complete(self, membership: Membership) -> None:
        """The challenge is done: its reward counts once, and it leaves the unfinished ones."""
        self.challenges.pop(membership.challenge_id, None)
        self.challenge_rewards[membership.challenge_id] = membership.terms.reward_xp

    def note_session(self, session: Session) -> None:
        """Keep the zone of the session that ended last in real time (order independent)."""
        end_ms = session.end_ms
        if end_ms > self.latest_session_end_ms or (
            end_ms == self.latest_session_end_ms and session.timezone > (self.latest_session_timezone or "")
        ):
            self.latest_session_end_ms = end_ms
            self.latest_session_timezone = session.timezone


@dataclass(frozen=True, slots=True)
class NotificationPreferences:
    push: bool = True
    email: bool = True
    muted: frozenset[NotificationKind] = frozenset()  # kinds the user switched off
    quiet_hours: QuietHours | None = None  # local time; may wrap midnight
    reminder_hour: int = 20  # local hour of the "today is at risk" reminder

    @property
    def kinds(self) -> dict[NotificationKind, bool]:
        """Every kind, with whether the user hears about it."""
        return {kind: kind not in self.muted for kind in NotificationKind}

    def allows(self, kind: NotificationKind) -> bool:
        return kind not in self.muted


@dataclass(frozen=True, slots=True)
class UserSettings:
    timezone: str | None = None
    display_name: str | None = None
    leaderboard_visibility: Visibility = Visibility.FRIENDS
    notifications: NotificationPreferences = field(default_factory=NotificationPreferences)
    locale: Locale = Locale.EN


def display_name_rule(name: str) -> str:
    """The name as shown: trimmed, 1-50 printable characters; ValueError otherwise."""
    trimmed = name.strip()
    if not 1 <= len(trimmed) <= MAX_DISPLAY_NAME or not trimmed.isprintable():
        raise ValueError(f"must be 1-{MAX_DISPLAY_NAME} printable characters, or null")
    return trimmed


class Unset(Enum):
    """A field a partial update leaves as it is (distinct from None, which clears a nullable field)."""

    UNSET = "unset"


UNSET = Unset.UNSET


@dataclass(frozen=True, slots=True)
class NotificationsChange:
    push: bool | Unset = UNSET
    email: bool | Unset = UNSET
    kinds: Mapping[NotificationKind, bool] | Unset = UNSET
    quiet_hours: QuietHours | Unset | None = UNSET
    reminder_hour: int | Unset = UNSET

    def applied_to(self, current: NotificationPreferences) -> NotificationPreferences:
        muted = set(current.muted)
        if not isinstance(self.kinds, Unset):
            muted |= {kind for kind, enabled in self.kinds.items() if not enabled}
            muted -= {kind for kind, enabled in self.kinds.items() if enabled}
        return NotificationPreferences(
            push=current.push if isinstance(self.push, Unset) else self.push,
            email=current.email if isinstance(self.email, Unset) else self.email,
            muted=frozenset(muted),
            quiet_hours=current.quiet_hours if isinstance(self.quiet_hours, Unset) else self.quiet_hours,
            reminder_hour=(
                current.reminder_hour if isinstance(self.reminder_hour, Unset) else self.reminder_hour
            ),
        )


@dataclass(frozen=True, slots=True)
class SettingsChange:
    """A partial update of the settings, already validated field by field."""

    timezone: str | Unset | None = UNSET
    display_name: str | Unset | None = UNSET
    leaderboard_visibility: Visibility | Unset = UNSET
    locale: Locale | Unset = UNSET
    notifications: NotificationsChange = NotificationsChange()

    def applied_to(self, current: UserSettings) -> UserSettings:
        return replace(
            current,
            timezone=current.timezone if isinstance(self.timezone, Unset) else self.timezone,
            display_name=current.display_name if isinstance(self.display_name, Unset) else self.display_name,
            leaderboard_visibility=(
                current.leaderboard_visibility
                if isinstance(self.leaderboard_visibility, Unset)
                else self.leaderboard_visibility
            ),
            locale=current.locale if isinstance(self.locale, Unset) else self.locale,
            notifications=self.notifications.applied_to(current.notifications),
        )


# An outbox entry not settled by then is the sweep's: its task was lost, or it is still being retried.
SWEEP_GRACE = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """A notification to send, written with the state change that causes it. The id is deterministic
    (user, kind, day or week), so a retried write can never create a second one."""

    uid: str
    kind: NotificationKind
    key: str
    data: NotificationData
    created_at: datetime

    @property
    def id(self) -> str:
        return f"{self.uid}:{self.kind}:{self.key}"


@dataclass(frozen=True, slots=True)
class StoredNotification:
    """An outbox entry as stored: what it says and where each channel of its delivery stands."""

    id: str
    uid: str
    kind: NotificationKind
    data: NotificationData
    created_at: datetime
    channels: Mapping[Channel, DeliveryStatus]
    attempts: Mapping[Channel, int] = field(default_factory=dict)

    def status(self, channel: Channel) -> DeliveryStatus:
        return self.channels.get(channel, DeliveryStatus.PENDING)


@dataclass(slots=True)
class DueUser:
    """A user read for maintenance, with the version its write must still match."""

    uid: str
    settings: UserSettings
    streak: StreakRecord
    version: object


@dataclass(frozen=True, slots=True)
class Outage:
    """A window of our own failure, recorded once by an operator; users' days in it are excused."""

    id: str
    start: datetime
    end: datetime
    reason: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class MaintenanceTick:
    """What starts a run: nightly maintenance, or the excusing of an outage (`outage_id`)."""

    run_id: str
    now: datetime | None = None
    outage_id: str | None = None


@dataclass(frozen=True, slots=True)
class MaintenanceBatch:
    """One page of a run's users: the message a tick publishes for a batch function."""

    run_id: str
    batch: int
    uids: tuple[str, ...]
    now: datetime
    outage_id: str | None = None


@dataclass(frozen=True, slots=True)
class RetryTask:
    """One user's maintenance handed to the retry queue."""

    uid: str
    run_id: str | None
    now: datetime
    error: str | None = None

    @property
    def letter_id(self) -> str:
        """The dead letter this task becomes if every attempt fails: one per run and user."""
        return f"{self.run_id or 'manual'}:{self.uid}"


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A user whose maintenance exhausted its retries, kept for an operator's replay."""

    id: str
    uid: str
    run_id: str | None
    now: datetime
    error: str
    attempts: int
    failed_at: datetime


@dataclass(frozen=True, slots=True)
class MaintenanceRun:
    """`maintenance_runs/{run_id}`: a run's progress; the counters are exact once it is done."""

    run_id: str
    status: RunStatus
    users_due: int
    users_processed: int
    users_failed: int
    batches: int | None  # None until the fan-out is complete
    batches_done: int
    started_at: datetime
    finished_at: datetime | None

    @classmethod
    def started(cls, run_id: str, now: datetime) -> MaintenanceRun:
        return cls(run_id, RunStatus.RUNNING, 0, 0, 0, None, 0, now, None)

    def fanned_out(self, users_due: int, batches: int, now: datetime) -> MaintenanceRun:
        return replace(self, users_due=users_due, batches=batches)._finished_if_complete(now)

    def with_batch(self, processed: int, failed: int, now: datetime) -> MaintenanceRun:
        return replace(
            self,
            users_processed=self.users_processed + processed,
            users_failed=self.users_failed + failed,
            batches_done=self.batches_done + 1,
        )._finished_if_complete(now)

    def _finished_if_complete(self, now: datetime) -> MaintenanceRun:
        if self.batches is not None and self.batches_done >= self.batches:
            return replace(self, status=RunStatus.DONE, finished_at=now)
        return self


@dataclass(frozen=True, slots=True)
class Pause:
    """Days a user set aside in advance (`first` to `last`, local dates, inclusive)."""

    id: str
    first: date
    last: date
    created_at: datetime

    @property
    def length(self) -> int:
        """Days from `first` to `last`, both counted (0 when `last` is before `first`)."""
        return max((self.last - self.first).days + 1, 0)

    @property
    def days(self) -> list[date]:
        """Every day of the pause: only for a pause already checked against `pause_max_days`."""
        return [self.first + timedelta(days=n) for n in range(self.length)]

    def days_in_year(self, year: int) -> int:
        """How many of the pause's days fall in the calendar year `year`."""
        first = max(self.first, date(year, 1, 1))
        last = min(self.last, date(year, 12, 31))
        return max((last - first).days + 1, 0)


@dataclass(frozen=True, slots=True)
class FriendLink:
    """Another user linked to this one: a friend (`at` = since) or a pending request (`at` = sent)."""

    user_id: str
    at: datetime | None


@dataclass(frozen=True, slots=True)
class FriendLinks:
    friends: tuple[FriendLink, ...]
    incoming: tuple[FriendLink, ...]
    outgoing: tuple[FriendLink, ...]


@dataclass(frozen=True, slots=True)
class BoardRow:
    """One ranked line of a board page, as served and as kept in a board snapshot."""

    rank: int
    entry: BoardEntry
    current_streak: int
    longest_streak: int

    @property
    def user_id(self) -> str:
        return self.entry.uid

    @property
    def display_name(self) -> str | None:
        return self.entry.display_name

    @property
    def score(self) -> int:
        return self.entry.score


@dataclass(frozen=True, slots=True)
class BoardSnapshot:
    """The materialized first page of a global board and when it was built."""

    built_at: datetime
    rows: tuple[BoardRow, ...]


def user_timezone(settings: UserSettings, streak: StreakRecord) -> str:
    """The zone of the user's "today": their setting, else the zone of their latest session, else UTC."""
    return settings.timezone or streak.latest_session_timezone or "UTC"


@dataclass(frozen=True, slots=True)
class SessionJob:
    """`jobs/{id}`: a batch of sessions accepted asynchronously (`Prefer: respond-async`). The request and
    the result are kept as the JSON the API received and would have answered, so the job's result is exactly
    the synchronous batch's; `now` is the instant of the request, which the run judges the sessions at."""

    id: str
    uid: str
    status: JobStatus
    created_at: datetime
    updated_at: datetime
    attempts: int
    request_json: str
    request_digest: str
    now: datetime
    correlation_id: str | None = None
    result_json: str | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class StreakSummary:
    """What a board row or a friend shows of someone's streak."""

    timezone: str
    last_run: tuple[date, date, int] | None  # start, end, qualified days of the latest run
    longest_streak: int

    def current_streak(self, today: date) -> int:
        """The streak engine's rule, applied to the latest run (the only one that can be live)."""
        if self.last_run is None:
            return 0
        start, end, length = self.last_run
        return StreakState([start.toordinal()], [end.toordinal()], [length]).current_streak(today)
