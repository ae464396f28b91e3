"""The HTTP API's request and response models (API.md); the OpenAPI document is generated from them.

Requests are parsed here, field by field, with the domain's own rules as validators; responses serialise
the services' views (`from_attributes`), so what is sent is exactly what the document says."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Annotated, Any, Literal

from pydantic import (
    MISSING,
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    JsonValue,
    PlainSerializer,
    RootModel,
    StrictBool,
    StrictInt,
    StrictStr,
    WithJsonSchema,
    model_serializer,
    model_validator,
)
from pydantic_core import PydanticCustomError

from streak_core.domain.cards import CardField
from streak_core.domain.challenges import MAX_TITLE
from streak_core.domain.ids import SESSION_ID_PATTERN, is_document_id, is_user_id
from streak_core.domain.insights import MAX_WEEKS
from streak_core.domain.notifications import QuietHours
from streak_core.domain.sessions import parse_date, parse_instant
from streak_core.domain.timeline import zone_named
from streak_core.domain.vocabulary import (
    ChallengeKind,
    ChallengeStatus,
    ChallengeVisibility,
    Channel,
    DeliveryStatus,
    FriendStatus,
    ImageFormat,
    Locale,
    NotificationKind,
    Period,
    Platform,
    RunStatus,
    Scope,
    Visibility,
)
from streak_core.models import MAX_DISPLAY_NAME, display_name_rule

HH_MM = re.compile(r"([01]\d|2[0-3]):[0-5]\d", re.ASCII)


# --- field types: one per rule, each carrying its JSON schema -------------------------------------------
def _rule(code: str, check: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A validator applying a domain rule (which raises ValueError) under a stable error code."""

    def validate(value: Any) -> Any:
        try:
            return check(value)
        except ValueError as exc:
            raise PydanticCustomError(code, str(exc)) from None

    return validate


def _zone(name: str) -> str:
    zone_named(name)
    return name


def _date(value: object) -> date:
    if not isinstance(value, str):
        raise ValueError("must be a date as YYYY-MM-DD")
    return parse_date(value)


def _instant(value: object) -> datetime:
    if not isinstance(value, str):
        raise ValueError("must be an RFC 3339 instant with an offset")
    return parse_instant(value)


def _clock_time(value: object) -> time:
    if not isinstance(value, str) or not HH_MM.fullmatch(value):
        raise ValueError('must be a local time as "HH:MM"')
    return time.fromisoformat(value)


def _holds(rule: Callable[[str], bool], what: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        if not rule(value):
            raise ValueError(f"is not {what}")
        return value

    return check


Instant = Annotated[
    datetime,
    PlainSerializer(lambda moment: moment.isoformat(), return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
InstantIn = Annotated[
    datetime,
    BeforeValidator(_rule("invalid_instant", _instant)),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
DateIn = Annotated[
    date,
    BeforeValidator(_rule("invalid_date", _date)),
    WithJsonSchema({"type": "string", "format": "date"}),
]
TimeZoneName = Annotated[
    StrictStr,
    AfterValidator(_rule("unknown_timezone", _zone)),
    WithJsonSchema({"type": "string", "description": "An IANA time zone name, e.g. Europe/Paris"}),
]
DisplayName = Annotated[
    StrictStr,
    AfterValidator(_rule("invalid_display_name", display_name_rule)),
    WithJsonSchema(
        {"type": "string", "description": f"1-{MAX_DISPLAY_NAME} printable characters once trimmed"}
    ),
]
ClockTimeOut = Annotated[
    time,
    PlainSerializer(lambda t: f"{t:%H:%M}", return_type=str),
    WithJsonSchema({"type": "string", "pattern": f"^{HH_MM.pattern}$"}),
]
ClockTime = Annotated[ClockTimeOut, BeforeValidator(_rule("invalid_time", _clock_time))]
UserId = Annotated[
    StrictStr,
    AfterValidator(_rule("invalid_user_id", _holds(is_user_id, "an id any user can have"))),
    WithJsonSchema({"type": "string", "minLength": 1, "maxLength": 128, "pattern": "^[^/]+$"}),
]
DocumentId = Annotated[
    StrictStr, AfterValidator(_rule("invalid_id", _holds(is_document_id, "a storable id")))
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class View(BaseModel):
    """A response: read from a service's view (a dataclass) by attribute."""

    model_config = ConfigDict(from_attributes=True)


# --- sessions -------------------------------------------------------------------------------------------
EXAMPLE_SESSION: dict[str, JsonValue] = {
    "id": "3f1c-focus-1",
    "start": "2026-11-21T09:00:00+01:00",
    "end": "2026-11-21T10:00:00+01:00",
    "timezone": "Europe/Paris",
}


class SessionIn(Strict):
    """Shape and types; the values are checked by the domain's rules, each broken rule reported."""

    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_SESSION]})

    id: StrictStr = Field(
        description="Client-chosen id, 1-128 characters of [A-Za-z0-9_-], not of the form __x__",
        json_schema_extra={"pattern": f"^{SESSION_ID_PATTERN.pattern}$", "not": {"pattern": "^__.*__$"}},
    )
    start: StrictStr = Field(
        description="RFC 3339 instant with offset", json_schema_extra={"format": "date-time"}
    )
    end: StrictStr = Field(
        description="RFC 3339 instant with offset, after start, at most 24 h later",
        json_schema_extra={"format": "date-time"},
    )
    timezone: StrictStr = Field(description="IANA time zone the session's local days are counted in")
    user_id: StrictStr | None = Field(default=None, description="Optional; must equal the token's uid")


class BatchIn(Strict):
    """Items are checked one by one (an item that is not even an object is a 422 result of its own)."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"sessions": [EXAMPLE_SESSION, {**EXAMPLE_SESSION, "id": "3f1c-2"}]}]}
    )

    sessions: Annotated[
        list[Any],
        WithJsonSchema(
            {
                "type": "array",
                "maxItems": 100,
                # Any value: each item is judged on its own (API.md), so the document must not promise a
                # refusal of the whole batch for an item that breaks SessionIn.
                "items": {
                    "description": "A session body as SessionIn describes it. An item that breaks SessionIn"
                    " (even one that is not an object) is a 422 result of its own; the others still count",
                    "examples": [EXAMPLE_SESSION],
                },
            }
        ),
    ] = Field(max_length=100, description="Up to 100 session bodies")


class TodayOut(View):
    date: date
    seconds: int
    qualified: bool
    seconds_to_qualify: int


class RecoveryOut(View):
    day: date = Field(description="The broken day that focus today can recover")
    deadline: Instant = Field(description="The end of today in the user's zone")
    seconds: int = Field(description="Focus so far today")
    seconds_needed: int = Field(description="Focus today needs in all to recover the day")


class StreakOut(View):
    current_streak: int
    longest_streak: int
    qualified_days: int
    freezes_available: int
    timezone: str
    today: TodayOut
    at_risk: bool
    xp: int
    level: int
    xp_to_next_level: int | None = Field(description="XP still needed for the next level; null at the top")
    recovery: RecoveryOut | None = Field(description="Present while a broken streak can still be recovered")
    recoveries_used: int
    next_recovery_on: date | None = Field(description="When a recovery is possible again, if not now")
    paused_today: bool


class DayOut(View):
    date: date
    seconds: int
    qualified: bool
    frozen: bool
    recovered: bool
    paused: bool
    excused: bool


class SessionOut(View):
    id: str
    start: Instant
    end: Instant
    timezone: str
    received_at: Instant
    days: list[date]


class SessionAcceptedOut(View):
    session: SessionOut
    duplicate: bool
    streak: StreakOut
    days: list[DayOut]


class ErrorBody(BaseModel):
    code: str
    message: str
    details: Any = None


class ErrorOut(BaseModel):
    error: ErrorBody


class BatchItemOut(BaseModel):
    id: str | None = Field(description="The item's id, or null when it had none")
    status: int
    error: ErrorBody | None = Field(default=None, description="Present when the item was not accepted")

    @model_serializer(mode="wrap")
    def _without_absent_error(self, handler: Any) -> Any:
        data = handler(self)
        if data.get("error") is None:
            data.pop("error", None)
        return data


class BatchOut(BaseModel):
    results: list[BatchItemOut]
    streak: StreakOut


class CalendarOut(View):
    days: list[DayOut]


class DaySessionOut(View):
    id: str
    start: Instant
    end: Instant
    timezone: str
    seconds_in_day: int


class DayExplainedOut(DayOut):
    sessions: list[DaySessionOut]
    intervals: list[tuple[str, str]]
    threshold_seconds: int


# --- queries ----------------------------------------------------------------------------------------------
class CalendarQuery(BaseModel):
    from_: DateIn | None = Field(default=None, alias="from", description="First date (default: 35 days back)")
    to: DateIn | None = Field(default=None, description="Last date (default: today); at most 366 days")


class PageQuery(BaseModel):
    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = Field(default=None, description="next_cursor of the previous page, as returned")


class LeaderboardQuery(PageQuery):
    period: Period = Period.ALL
    scope: Scope = Scope.GLOBAL


class DayPath(BaseModel):
    date: DateIn


# --- settings ---------------------------------------------------------------------------------------------
class QuietHoursBody(Strict):
    start: ClockTime = Field(description="Local time HH:MM")
    end: ClockTime = Field(description="Local time HH:MM; before start for a window over midnight")

    @model_validator(mode="after")
    def _not_empty(self) -> QuietHoursBody:
        if self.start == self.end:
            raise PydanticCustomError("empty_window", "start and end must differ")
        return self

    def window(self) -> QuietHours:
        return QuietHours(self.start, self.end)


class QuietHoursOut(View):
    start: ClockTimeOut
    end: ClockTimeOut


class NotificationsOut(View):
    push: bool
    email: bool
    kinds: dict[NotificationKind, bool]
    quiet_hours: QuietHoursOut | None
    reminder_hour: int


class SettingsOut(View):
    timezone: str | None
    display_name: str | None
    leaderboard_visibility: Visibility
    notifications: NotificationsOut
    locale: Locale


class NotificationsPatch(Strict):
    """Each field may be left out; only `quiet_hours` may be null (no quiet hours)."""

    push: StrictBool | MISSING = MISSING
    email: StrictBool | MISSING = MISSING
    kinds: dict[NotificationKind, StrictBool] | MISSING = MISSING
    quiet_hours: QuietHoursBody | MISSING | None = MISSING
    reminder_hour: Annotated[StrictInt, Field(ge=0, le=23)] | MISSING = MISSING


class SettingsPatch(Strict):
    """Each field may be left out; `timezone` and `display_name` may be null (cleared)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "timezone": "Europe/Paris",
                    "display_name": "Ada",
                    "leaderboard_visibility": "public",
                    "notifications": {"quiet_hours": {"start": "22:00", "end": "07:00"}},
                }
            ]
        }
    )

    timezone: TimeZoneName | MISSING | None = MISSING
    display_name: DisplayName | MISSING | None = MISSING
    leaderboard_visibility: Visibility | MISSING = MISSING
    notifications: NotificationsPatch | MISSING = MISSING
    locale: Locale | MISSING = MISSING


# --- pauses -----------------------------------------------------------------------------------------------
class PauseIn(Strict):
    model_config = ConfigDict(json_schema_extra={"examples": [{"from": "2026-12-24", "to": "2026-12-31"}]})

    from_: DateIn = Field(alias="from", description="First paused day, the user's local today or later")
    to: DateIn = Field(description="Last paused day; at most 14 days from the first")


class PauseOut(View):
    id: str
    first: date = Field(serialization_alias="from")
    last: date = Field(serialization_alias="to")
    created_at: Instant


class PauseCreatedOut(View):
    pause: PauseOut


class PausesOut(View):
    pauses: list[PauseOut]


# --- badges -----------------------------------------------------------------------------------------------
class BadgeProgressOut(BaseModel):
    current: int = Field(ge=0)
    target: int = Field(ge=1)


class BadgeOut(View):
    id: str
    name: str
    description: str
    earned_at: Instant | None
    progress: BadgeProgressOut
    rarity: float = Field(ge=0.0, le=1.0, description="Holders among the users with any activity")


class BadgesOut(View):
    badges: list[BadgeOut]


# --- insights ---------------------------------------------------------------------------------------------
class InsightsQuery(BaseModel):
    weeks: int = Field(default=12, ge=1, le=MAX_WEEKS, description="Whole weeks ending with local yesterday")


class PreviousPeriodOut(BaseModel):
    qualified_rate: float = Field(ge=0.0, le=1.0)
    average_seconds_per_day: int


class PredictionOut(View):
    keep_streak_7_days: float = Field(ge=0.0, le=1.0, description="Chance of no break over 7 days from today")
    weakest_weekday: str | None
    weekday_chances: dict[str, float] = Field(description="The model's chance of qualifying on each weekday")


class InsightsOut(BaseModel):
    first: date = Field(serialization_alias="from")
    to: date
    days: int
    active_days: int
    qualified_days: int
    qualified_rate: float = Field(ge=0.0, le=1.0)
    average_seconds_per_day: int
    average_seconds_per_active_day: int
    average_sessions_per_active_day: float
    weekday_rates: dict[str, float]
    best_weekday: str | None
    hour_seconds: list[int] = Field(min_length=24, max_length=24, description="Focus by local hour, 0-23")
    previous_period: PreviousPeriodOut
    prediction: PredictionOut


class HeatmapQuery(BaseModel):
    weeks: int = Field(default=53, ge=1, le=53, description="Week columns, the last holding local today")


# --- sharing ----------------------------------------------------------------------------------------------
class ShareCardQuery(BaseModel):
    format: ImageFormat = ImageFormat.PNG


class ShareIn(Strict):
    model_config = ConfigDict(json_schema_extra={"examples": [{"include": ["level", "longest_streak"]}]})

    include: list[CardField] | None = Field(
        default=None,
        max_length=len(CardField),
        description="What the card shows besides the current streak (always there); all of it when absent",
    )


class ShareLinksOut(BaseModel):
    twitter: str
    linkedin: str
    facebook: str


class ShareOut(BaseModel):
    id: str
    url: str
    image_url: str
    links: ShareLinksOut
    created_at: Instant
    opens: int
    include: list[CardField]


class ShareCreatedOut(BaseModel):
    share: ShareOut


class SharesOut(BaseModel):
    shares: list[ShareOut]


# --- challenges -------------------------------------------------------------------------------------------
class ChallengeIn(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "title": "7-day study sprint",
                    "kind": "qualified_days",
                    "target": 7,
                    "starts_on": "2026-12-01",
                    "ends_on": "2026-12-07",
                    "reward_xp": 0,
                    "visibility": "private",
                }
            ]
        }
    )

    title: StrictStr = Field(min_length=1, max_length=MAX_TITLE, description="1-80 printable characters")
    kind: ChallengeKind
    target: StrictInt = Field(description="Qualified days, or focus minutes; at least 1, reachable")
    starts_on: DateIn = Field(description="First local date of the window (each participant's own)")
    ends_on: DateIn = Field(description="Last local date; at most 92 days after starts_on, not yet past")
    reward_xp: StrictInt = Field(default=0, description="0-1000; private challenges grant none (0)")
    visibility: ChallengeVisibility = Field(
        default=ChallengeVisibility.PRIVATE, description="public needs the admin claim"
    )


class ChallengeOut(BaseModel):
    id: str
    title: str
    kind: ChallengeKind
    target: int
    starts_on: date
    ends_on: date
    reward_xp: int
    visibility: ChallengeVisibility
    created_by: str
    participants: int
    status: ChallengeStatus = Field(description="The window's status somewhere on Earth (UTC+14 to UTC-12)")


class ChallengeMeOut(View):
    joined: bool
    progress: int = Field(description="Qualified days or focus minutes in the window, capped at the target")
    completed_at: Instant | None
    rank: int | None = Field(description="1 + the participants ahead; null when not joined")


class ChallengeTopOut(View):
    rank: int
    user_id: str
    display_name: str | None
    progress: int
    completed_at: Instant | None


class ChallengeCreatedOut(BaseModel):
    challenge: ChallengeOut


class ChallengesOut(BaseModel):
    challenges: list[ChallengeOut]
    next_cursor: str | None


class ChallengeJoinedOut(BaseModel):
    challenge: ChallengeOut
    me: ChallengeMeOut


class ChallengeDetailOut(BaseModel):
    challenge: ChallengeOut
    me: ChallengeMeOut
    top: list[ChallengeTopOut] = Field(description="The first 20, by progress then completion time")


class ChallengesQuery(PageQuery):
    status: ChallengeStatus = ChallengeStatus.ACTIVE


# --- admin ------------------------------------------------------------------------------------------------
class MaintenanceRunOut(View):
    run_id: str
    status: RunStatus
    users_due: int
    users_processed: int
    users_failed: int
    batches: int | None
    started_at: Instant | None
    finished_at: Instant | None


class RebuildQuery(BaseModel):
    dry_run: bool = Field(default=False, description="true: compare only, write nothing")


class CountersOut(View):
    current_streak: int
    longest_streak: int
    qualified_days: int
    freezes_available: int
    recoveries_used: int


class RebuildOut(View):
    uid: str
    dry_run: bool
    changed: bool
    before: CountersOut
    after: CountersOut
    days_changed: int
    boards_changed: int


class FreezesIn(Strict):
    count: StrictInt = Field(
        ge=1, le=5, description="Freezes to give; the user never holds more than the cap"
    )


class FreezesOut(BaseModel):
    freezes_available: int


class OutageIn(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "start": "2026-11-20T22:00:00Z",
                    "end": "2026-11-21T03:00:00Z",
                    "reason": "database incident",
                }
            ]
        }
    )

    start: InstantIn
    end: InstantIn = Field(description="After start, at most 72 hours later, not in the future")
    reason: StrictStr = Field(min_length=1, max_length=500)
    dry_run: StrictBool = Field(default=False, description="true: count the users affected, write nothing")


class OutageOut(View):
    id: str
    start: Instant
    end: Instant
    reason: str


class OutageRecordedOut(BaseModel):
    outage: OutageOut
    run_id: str


class OutageDryRunOut(BaseModel):
    users_affected: int


class ReplayIn(Strict):
    limit: StrictInt = Field(default=100, ge=1, le=500, description="Dead letters to replay in this call")


class ReplayOut(View):
    replayed: list[str]
    still_failing: dict[str, str]


# --- notifications and devices ------------------------------------------------------------------------
class NotificationOut(View):
    id: str
    kind: NotificationKind
    created_at: Instant
    channels: dict[Channel, DeliveryStatus]
    data: dict[str, int | str]


class NotificationsPageOut(View):
    notifications: list[NotificationOut]
    next_cursor: str | None


class DeviceIn(Strict):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"token": "fcm:APA91b-abc_123", "platform": "ios"}]}
    )

    token: StrictStr = Field(min_length=1, max_length=4096, pattern=r"^[^\s/]+$", description="FCM token")
    platform: Platform


class DeviceOut(BaseModel):
    token: str
    platform: Platform
    registered: bool


# --- leaderboards and friends ---------------------------------------------------------------------------
class LeaderboardEntryOut(View):
    rank: int
    user_id: str
    display_name: str | None
    score: int
    current_streak: int
    longest_streak: int


class LeaderboardMeOut(View):
    rank: int = Field(description="Where the caller stands among the users they can see, hidden or not")
    score: int


class LeaderboardOut(View):
    entries: list[LeaderboardEntryOut]
    next_cursor: str | None
    me: LeaderboardMeOut


class FriendRequestIn(Strict):
    user_id: UserId


class FriendshipOut(BaseModel):
    user_id: str
    status: FriendStatus


class FriendTodayOut(View):
    date: date | None
    seconds: int
    qualified: bool


class FriendOut(View):
    user_id: str
    display_name: str | None
    since: Instant | None
    current_streak: int
    today: FriendTodayOut


class PendingRequestOut(View):
    user_id: str
    display_name: str | None = Field(description="null when unknown, or hidden by that user's settings")
    created_at: Instant | None


class FriendRequestsOut(View):
    incoming: list[PendingRequestOut]
    outgoing: list[PendingRequestOut]


class FriendsOut(View):
    friends: list[FriendOut]
    requests: FriendRequestsOut


class Document(RootModel[dict[str, Any]]):
    """A JSON document served as it is (the OpenAPI document)."""

    model_config = ConfigDict(json_schema_extra={"type": "object"})


# --- asynchronous acceptance ------------------------------------------------------------------------------
class JobOut(BaseModel):
    id: str
    status: Literal["queued", "running", "done", "failed"]
    created_at: Instant
    updated_at: Instant
    attempts: int
    result: BatchOut | None = Field(
        default=None, exclude_if=lambda v: v is None, description="The synchronous batch's body, once done"
    )
    error: ErrorBody | None = Field(
        default=None, exclude_if=lambda v: v is None, description="Why the job failed, once failed"
    )


class JobEnvelope(BaseModel):
    job: JobOut


class BatchAnswer(RootModel[BatchOut | JobEnvelope]):
    """200 to a batch: its results; or, asked for asynchronously again with the same Idempotency-Key, the job
    it already is."""
