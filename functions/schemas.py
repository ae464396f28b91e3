"""Request and response schemas of the HTTP API (API.md); the OpenAPI document is generated from them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SessionIn(Strict):
    id: StrictStr = Field(description="Client-chosen id, 1-128 characters of [A-Za-z0-9_-]")
    start: StrictStr = Field(description="RFC 3339 instant with offset")
    end: StrictStr = Field(description="RFC 3339 instant with offset, after start, at most 24 h later")
    timezone: StrictStr = Field(description="IANA time zone the session's local days are counted in")
    user_id: StrictStr | None = Field(default=None, description="Optional; must equal the token's uid")


class BatchIn(Strict):
    sessions: list[dict[str, object]] = Field(max_length=100, description="Up to 100 session bodies")


class TodayOut(BaseModel):
    date: str
    seconds: int
    qualified: bool
    seconds_to_qualify: int


class StreakOut(BaseModel):
    current_streak: int
    longest_streak: int
    qualified_days: int
    freezes_available: int
    timezone: str
    today: TodayOut
    at_risk: bool
    xp: int
    level: int


class DayOut(BaseModel):
    date: str
    seconds: int
    qualified: bool
    frozen: bool
    recovered: bool


class StoredSessionOut(BaseModel):
    id: str
    start: str
    end: str
    timezone: str
    received_at: str
    days: list[str]


class SessionAcceptedOut(BaseModel):
    session: StoredSessionOut
    duplicate: bool
    streak: StreakOut
    days: list[DayOut]


class ErrorBody(BaseModel):
    code: str
    message: str
    details: object | None = None


class ErrorOut(BaseModel):
    error: ErrorBody


class BatchItemOut(BaseModel):
    id: str | None
    status: int
    error: ErrorBody | None = None


class BatchOut(BaseModel):
    results: list[BatchItemOut]
    streak: StreakOut


class CalendarOut(BaseModel):
    days: list[DayOut]


class DaySessionOut(BaseModel):
    id: str
    start: str
    end: str
    timezone: str
    seconds_in_day: int


class DayExplainedOut(DayOut):
    sessions: list[DaySessionOut]
    intervals: list[list[str]]
    threshold_seconds: int


class QuietHoursBody(Strict):
    start: str = Field(description="Local time HH:MM")
    end: str = Field(description="Local time HH:MM; before start for a window over midnight")


class NotificationsOut(BaseModel):
    push: bool
    email: bool
    kinds: dict[str, bool]
    quiet_hours: QuietHoursBody | None
    reminder_hour: int


class SettingsOut(BaseModel):
    timezone: str | None
    display_name: str | None
    leaderboard_visibility: Literal["public", "friends", "hidden"]
    notifications: NotificationsOut
    locale: str


class NotificationsPatch(Strict):
    push: bool | None = None
    email: bool | None = None
    kinds: dict[str, bool] | None = None
    quiet_hours: dict[str, object] | None = None
    reminder_hour: int | None = None


class SettingsPatch(Strict):
    """Shape and types only: the service checks the values, so every bad field is reported at once."""

    timezone: str | None = None
    display_name: str | None = None
    leaderboard_visibility: str | None = Field(
        default=None, json_schema_extra={"enum": ["public", "friends", "hidden", None]}
    )
    notifications: NotificationsPatch | None = None
    locale: str | None = Field(default=None, json_schema_extra={"enum": ["en", "fr", None]})


class MaintenanceRunOut(BaseModel):
    run_id: str
    status: Literal["running", "done", "failed"]
    users_due: int
    users_processed: int
    users_failed: int
    batches: int | None
    started_at: str | None
    finished_at: str | None


class ReplayIn(Strict):
    limit: int = Field(default=100, ge=1, le=500, description="Dead letters to replay in this call")


class ReplayOut(BaseModel):
    replayed: list[str]
    still_failing: dict[str, str]


class NotificationOut(BaseModel):
    id: str
    kind: str
    created_at: str
    channels: dict[str, str]
    data: dict[str, object]


class NotificationsPageOut(BaseModel):
    notifications: list[NotificationOut]
    next_cursor: str | None


class DeviceIn(Strict):
    token: StrictStr = Field(min_length=1, max_length=4096, pattern=r"^[^\s/]+$", description="FCM token")
    platform: Literal["ios", "android", "web"]


class DeviceOut(BaseModel):
    token: str
    platform: str
    registered: bool


class LeaderboardEntryOut(BaseModel):
    rank: int
    user_id: str
    display_name: str | None
    score: int
    current_streak: int
    longest_streak: int


class LeaderboardMeOut(BaseModel):
    rank: int = Field(description="Where the caller stands among the users they can see, hidden or not")
    score: int


class LeaderboardOut(BaseModel):
    entries: list[LeaderboardEntryOut]
    next_cursor: str | None
    me: LeaderboardMeOut


class FriendRequestIn(Strict):
    user_id: StrictStr = Field(min_length=1, max_length=128, pattern=r"^[^/\s]+$")


class FriendshipOut(BaseModel):
    user_id: str
    status: Literal["pending", "friends"]


class FriendTodayOut(BaseModel):
    date: str | None
    seconds: int
    qualified: bool


class FriendOut(BaseModel):
    user_id: str
    display_name: str | None
    since: str | None
    current_streak: int
    today: FriendTodayOut


class PendingRequestOut(BaseModel):
    user_id: str
    display_name: str | None
    created_at: str | None


class FriendRequestsOut(BaseModel):
    incoming: list[PendingRequestOut]
    outgoing: list[PendingRequestOut]


class FriendsOut(BaseModel):
    friends: list[FriendOut]
    requests: FriendRequestsOut
