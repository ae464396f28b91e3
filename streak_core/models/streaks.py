"""The stored shapes of a user's focus: accepted sessions, local days, pauses and the streak read model."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

from streak_core.domain.analytics import Count, Group
from streak_core.domain.badges import BadgeFacts, BadgeTally, DayMarks, piece_marks
from streak_core.domain.challenges import Membership
from streak_core.domain.config import StreakConfig
from streak_core.domain.day_start import MIDNIGHT, DayStarts
from streak_core.domain.days import DayState, qualifies
from streak_core.domain.sessions import Session
from streak_core.domain.streaks import StreakState
from streak_core.models.users import UserSettings


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


@dataclass(frozen=True, slots=True)
class Absence:
    """The latest reactivation step a user reached: their absence since `since` (the last local day with
    focus), the step (quiet days), the UTC date it was reached (where it is counted), their group, the local
    day whose closing reached it, and whether they came back (a qualified day within 7 days after that)."""

    since: date
    step: int
    reached_on: date
    group: Group
    closed: date
    returned: bool = False


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
    # A copy of the settings' day starts, so that maintenance, reminders and boards never read the user.
    day_starts_setting: DayStarts = MIDNIGHT
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
    # Analytics: the UTC dates the user was last counted active and qualifying (each counted once a date),
    # their focus per year (the yearly histogram's bucket), and where their latest absence stands.
    active_on: date | None = None
    qualifying_on: date | None = None
    year_seconds: dict[str, int] = field(default_factory=dict)
    absence: Absence | None = None
    # Not stored: the rarity counters the write of this streak must move with it (badges just awarded, and
    # the active-user count on first activity); set by the award, consumed by whichever adapter writes.
    counts_due: list[str] = field(default_factory=list, compare=False)
    # Not stored: the daily analytics counters the write of this streak moves with it (the acceptance's
    # sessions and focus, a reactivation step reached, a return).
    analytics_due: list[Count] = field(default_factory=list, compare=False)

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


def user_timezone(settings: UserSettings, streak: StreakRecord) -> str:
    """The zone of the user's "today": their setting, else the zone of their latest session, else UTC."""
    return settings.timezone or streak.latest_session_timezone or "UTC"
