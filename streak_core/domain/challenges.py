"""Challenges: windows of local dates, what a participant's days count towards them, and when they end."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, timezone

from streak_core.domain.config import StreakConfig
from streak_core.domain.day_start import LATEST_MINUTES
from streak_core.domain.days import qualifies
from streak_core.domain.sessions import FieldIssue
from streak_core.domain.vocabulary import ChallengeKind, ChallengeStatus, ChallengeVisibility

MAX_WINDOW_DAYS = 92
MAX_REWARD_XP = 1000
MAX_TARGET = MAX_WINDOW_DAYS * 24 * 60  # focus minutes a longest window holds: no target can be larger
MAX_UNFINISHED = 10  # unfinished challenges a user may be in at once: the acceptance reads them all
MAX_TITLE = 80
# A window of local dates is open somewhere on Earth from its first day's midnight in the easternmost zone
# to its last day's end in the westernmost one, for a user whose day starts at the latest day start allowed
# (12:00: their local date D lasts until 12:00 on D+1). Days start no earlier than midnight.
EARLIEST_ZONE = timezone(timedelta(hours=14))
LATEST_ZONE = timezone(timedelta(hours=-12))
LATEST_DAY_END = timedelta(days=1, minutes=LATEST_MINUTES)  # after a local date's midnight


@dataclass(frozen=True, slots=True)
class ChallengeTerms:
    """What a challenge asks: `target` of `kind` on the participant's local dates starts_on..ends_on."""

    kind: ChallengeKind
    target: int
    starts_on: date
    ends_on: date
    reward_xp: int

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    def contains(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    @property
    def opens_at(self) -> datetime:
        return datetime.combine(self.starts_on, time(), EARLIEST_ZONE).astimezone(UTC)

    @property
    def closes_at(self) -> datetime:
        return (datetime.combine(self.ends_on, time(), LATEST_ZONE) + LATEST_DAY_END).astimezone(UTC)

    def status(self, now: datetime) -> ChallengeStatus:
        if now < self.opens_at:
            return ChallengeStatus.UPCOMING
        return ChallengeStatus.ACTIVE if now < self.closes_at else ChallengeStatus.ENDED

    def final_at(self, config: StreakConfig) -> datetime:
        """From then on no session can still land in the window anywhere: standings are final."""
        return self.closes_at + config.late_data_limit

    def counted(self, seconds: int, config: StreakConfig) -> int:
        """What one day with `seconds` of focus adds to the raw count: a qualified day, or its seconds."""
        if self.kind is ChallengeKind.QUALIFIED_DAYS:
            return 1 if qualifies(seconds, config) else 0
        return seconds

    def progress(self, count: int) -> int:
        """The raw count as progress, capped at the target: past it, completion time ranks."""
        value = count // 60 if self.kind is ChallengeKind.FOCUS_MINUTES else count
        return min(value, self.target)


@dataclass(frozen=True, slots=True)
class Challenge:
    id: str
    title: str
    terms: ChallengeTerms
    visibility: ChallengeVisibility
    created_by: str
    created_at: datetime
    participants: int = 0


@dataclass(frozen=True, slots=True)
class Membership:
    """A user in a challenge: the terms they joined, the raw count of their window (qualified days or
    focus seconds), and when they completed it. Kept on the streak while unfinished."""

    challenge_id: str
    title: str
    terms: ChallengeTerms
    joined_at: datetime
    count: int = 0
    completed_at: datetime | None = None

    @property
    def progress(self) -> int:
        return self.terms.progress(self.count)

    @property
    def reached(self) -> bool:
        return self.progress >= self.terms.target

    def moved(self, day: date, before_seconds: int, after_seconds: int, config: StreakConfig) -> Membership:
        """The count after `day` went from `before_seconds` to `after_seconds` of focus."""
        if self.completed_at is not None or not self.terms.contains(day):
            return self
        delta = self.terms.counted(after_seconds, config) - self.terms.counted(before_seconds, config)
        return replace(self, count=self.count + delta) if delta else self

    def standing_key(self) -> str:
        """Sorts ascending in ranking order: more progress first, then earlier completion. Equal keys tie."""
        done = (
            self.completed_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ") if self.completed_at else "~"
        )
        return f"{self.terms.target - self.progress:010d}:{done}"


def window_count(terms: ChallengeTerms, seconds_by_day: Mapping[date, int], config: StreakConfig) -> int:
    """The raw count of a whole window from each local day's focus seconds (days outside are ignored)."""
    return sum(terms.counted(s, config) for d, s in seconds_by_day.items() if terms.contains(d))


def unfinished(memberships: Mapping[str, Membership], today: date) -> int:
    """Challenges that count against MAX_UNFINISHED: not completed, and not over on the user's `today`."""
    return sum(1 for m in memberships.values() if m.completed_at is None and m.terms.ends_on >= today)


def terms_issues(
    title: str, terms: ChallengeTerms, visibility: ChallengeVisibility, now: datetime
) -> list[FieldIssue]:
    """Each rule a new challenge breaks."""
    issues: list[FieldIssue] = []
    stripped = title.strip()
    if not 1 <= len(stripped) <= MAX_TITLE or not stripped.isprintable():
        issues.append(FieldIssue("title", "invalid_title", f"must be 1-{MAX_TITLE} printable characters"))
    if terms.ends_on < terms.starts_on:
        issues.append(FieldIssue("ends_on", "before_starts_on", "must not be earlier than starts_on"))
    elif terms.days > MAX_WINDOW_DAYS:
        issues.append(
            FieldIssue("ends_on", "window_too_long", f"a window lasts at most {MAX_WINDOW_DAYS} days")
        )
    elif terms.kind is ChallengeKind.QUALIFIED_DAYS and terms.target > terms.days:
        issues.append(FieldIssue("target", "unreachable", f"the window has only {terms.days} days"))
    elif terms.kind is ChallengeKind.FOCUS_MINUTES and terms.target > terms.days * 24 * 60:
        issues.append(FieldIssue("target", "unreachable", "more minutes than the window holds"))
    if terms.target < 1:
        issues.append(FieldIssue("target", "too_small", "must be at least 1"))
    if not 0 <= terms.reward_xp <= MAX_REWARD_XP:
        issues.append(FieldIssue("reward_xp", "out_of_range", f"must be between 0 and {MAX_REWARD_XP}"))
    elif visibility is ChallengeVisibility.PRIVATE and terms.reward_xp != 0:
        issues.append(FieldIssue("reward_xp", "private_reward", "private challenges grant no XP: must be 0"))
    if terms.closes_at <= now:
        issues.append(FieldIssue("ends_on", "in_past", "has already passed everywhere"))
    return issues
