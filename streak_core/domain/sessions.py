"""Focus sessions: parsing the client's fields and enforcing DESIGN.md's validity rules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from streak_core.domain.config import StreakConfig
from streak_core.domain.ids import is_session_id
from streak_core.domain.timeline import zone_named

DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
# RFC 3339 date-time: a full date, 'T' (or space), time with optional fraction, and a mandatory offset.
MAX_INSTANT_CHARS = 35  # 2026-03-08T01:30:00.123456789+05:30: the longest instant RFC3339_PATTERN matches
MAX_ZONE_CHARS = 64  # longer than any IANA zone name (the longest has 32 characters)
RFC3339_PATTERN = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})", re.ASCII
)
# Instants the engine can do calendar arithmetic around (a late-data window before, days after, any zone)
# without leaving the years datetime can hold.
EARLIEST_INSTANT = datetime(1900, 1, 1, tzinfo=UTC)
LATEST_INSTANT = datetime(9000, 1, 1, tzinfo=UTC)
EARLIEST_DATE, LATEST_DATE = date(1900, 1, 1), date(8999, 12, 31)


def parse_date(text: str) -> date:
    """A calendar date written YYYY-MM-DD, in the supported range; ValueError otherwise (2026-02-30 is not
    a date)."""
    if not DATE_PATTERN.fullmatch(text):
        raise ValueError("must be a real date as YYYY-MM-DD")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError("must be a real date as YYYY-MM-DD") from None
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValueError(f"must lie between {EARLIEST_DATE} and {LATEST_DATE}")
    return day


@dataclass(frozen=True, slots=True)
class FieldIssue:
    """Why one field of a request is unacceptable, phrased for the person who sent it."""

    field: str
    code: str
    message: str


class SessionRejected(ValueError):
    """A session breaks one or more validity rules; `issues` says which and why."""

    def __init__(self, issues: list[FieldIssue]) -> None:
        super().__init__("; ".join(f"{i.field}: {i.message}" for i in issues))
        self.issues = issues


@dataclass(frozen=True, slots=True)
class Session:
    """A valid focus session: an interval of real time, attributed to days in its own time zone."""

    id: str
    start: datetime
    end: datetime
    timezone: str

    @property
    def zone(self) -> ZoneInfo:
        return zone_named(self.timezone)

    @property
    def start_ms(self) -> int:
        return instant_ms(self.start)

    @property
    def end_ms(self) -> int:
        return instant_ms(self.end)

    def canonical(self) -> dict[str, str]:
        """The fields that define the session; two submissions are the same session iff these match."""
        return {
            "id": self.id,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "timezone": self.timezone,
        }


def instant_ms(moment: datetime) -> int:
    """Milliseconds since the epoch, exact (no float rounding) for any aware datetime."""
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


_EPOCH = datetime.fromisoformat("1970-01-01T00:00:00+00:00")


def parse_instant(text: str) -> datetime:
    """Parse an RFC 3339 instant; the offset is mandatory because a bare local time is ambiguous."""
    if not RFC3339_PATTERN.fullmatch(text):
        raise ValueError("must be an RFC 3339 date-time with an offset, e.g. 2026-03-08T01:30:00-05:00")
    normalized = text.replace("t", "T").replace(" ", "T")
    if normalized.endswith(("z", "Z")):
        normalized = normalized[:-1] + "+00:00"
    head, dot, rest = normalized.partition(".")
    if dot:  # fromisoformat takes at most 6 fraction digits; nanoseconds are truncated, never rounded up
        digits = re.match(r"\d+", rest)
        assert digits is not None
        fraction = digits.group(0)
        normalized = f"{head}.{fraction[:6].ljust(6, '0')}{rest[len(fraction) :]}"
    try:
        moment = datetime.fromisoformat(normalized)
    except ValueError:
        raise ValueError("is not a real date-time") from None
    if not _supported(moment):
        raise ValueError("must lie between 1900-01-01 and 9000-01-01 (UTC)")
    return moment


def _supported(moment: datetime) -> bool:
    """Whether the instant is in the supported range. The wall clock is checked first: converting
    9999-12-31T23:59:59-12:00 or 0001-01-01T00:00:00+14:00 to UTC would overflow."""
    wall, day = moment.replace(tzinfo=None), timedelta(days=1)
    if not EARLIEST_INSTANT.replace(tzinfo=None) - day <= wall <= LATEST_INSTANT.replace(tzinfo=None) + day:
        return False
    return EARLIEST_INSTANT <= moment < LATEST_INSTANT


@dataclass(frozen=True, slots=True)
class SessionFields:
    """A session as a client sent it: text still to be checked against the rules."""

    id: str
    start: str
    end: str
    timezone: str
    user_id: str | None = None  # optional in the body; must be the caller's own


def _timing_issues(
    start: datetime | None, end: datetime | None, now: datetime, config: StreakConfig
) -> list[FieldIssue]:
    """The rules on when a session lies: after its start, not too long, not in the future, not too late."""
    issues: list[FieldIssue] = []
    if start is not None and end is not None:
        if end <= start:
            issues.append(FieldIssue("end", "end_not_after_start", "must be later than start"))
        elif end - start > config.max_session_duration:
            hours = config.max_session_duration.total_seconds() / 3600
            issues.append(FieldIssue("end", "too_long", f"a session may last at most {hours:g} hours"))
    if end is not None and end > now + config.future_tolerance:
        minutes = config.future_tolerance.total_seconds() / 60
        issues.append(
            FieldIssue("end", "in_future", f"must not be more than {minutes:g} minutes in the future")
        )
    if start is not None and start < now - config.late_data_limit:
        days = config.late_data_limit.total_seconds() / 86_400
        issues.append(
            FieldIssue("start", "too_old", f"sessions older than {days:g} days are no longer accepted")
        )
    return issues


def parse_session(raw: SessionFields, now: datetime, config: StreakConfig) -> Session:
    """Build a Session from client fields, or raise SessionRejected listing every broken rule."""
    issues: list[FieldIssue] = []

    session_id = raw.id
    if not is_session_id(session_id):
        issues.append(
            FieldIssue(
                "id",
                "invalid_id",
                "must be 1-128 characters of letters, digits, '_' or '-', not of the form __x__",
            )
        )

    instants: dict[str, datetime] = {}
    for name, value in (("start", raw.start), ("end", raw.end)):
        try:
            instants[name] = parse_instant(value)
        except ValueError as exc:
            issues.append(FieldIssue(name, "invalid_instant", str(exc)))

    timezone = raw.timezone
    try:
        zone_named(timezone)
    except ValueError as exc:
        issues.append(FieldIssue("timezone", "unknown_timezone", str(exc)))

    start, end = instants.get("start"), instants.get("end")
    issues += _timing_issues(start, end, now, config)
    if issues:
        raise SessionRejected(issues)
    assert start is not None
    assert end is not None
    return Session(id=session_id, start=start, end=end, timezone=timezone)
