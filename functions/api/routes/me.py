"""The caller's own state: streak, calendar, one day explained, notifications, devices and settings."""

from __future__ import annotations

from typing import Annotated, TypeVar
from urllib.parse import urlencode

from pydantic import MISSING, BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, model_validator
from pydantic_core import PydanticCustomError

from functions import pages
from functions.api.shared import DayOut, StreakOut
from functions.fields import (
    DATE_SCHEMA,
    ClockTime,
    ClockTimeOut,
    DateIn,
    DisplayName,
    Instant,
    PageQuery,
    Strict,
    TimeZoneName,
    View,
    derived,
)
from functions.http import Binary, parse_model
from functions.routing import Auth, Call, Reply, Routes, Tag
from streak_core.dependencies import MeDeps
from streak_core.domain.notifications import QuietHours
from streak_core.domain.vocabulary import (
    Channel,
    DeliveryStatus,
    Locale,
    NotificationKind,
    Platform,
    Visibility,
)
from streak_core.models.users import UNSET, NotificationsChange, SettingsChange, Unset
from streak_core.services import devices, queries
from streak_core.services.cursors import MAX_CURSOR_CHARS
from streak_core.services.queries import (
    DEFAULT_CALENDAR_DAYS,
    MAX_CALENDAR_DAYS,
    CalendarSource,
    DayExplanation,
    DaySession,
)
from streak_core.services.unsubscribe import PATH as UNSUBSCRIBE_PATH
from streak_core.services.unsubscribe import unsubscribe

MeCall = Call[MeDeps]
T = TypeVar("T")


# --- schemas ----------------------------------------------------------------------------------------------
class CalendarQuery(BaseModel):
    from_: DateIn | None = Field(
        default=None, alias="from", description=f"First date (default: {DEFAULT_CALENDAR_DAYS} days back)"
    )
    to: DateIn | None = Field(
        default=None, description=f"Last date (default: today); at most {MAX_CALENDAR_DAYS} days"
    )


class CalendarOut(View):
    days: list[DayOut]


class DayPath(BaseModel):
    date: DateIn


@derived(DaySession)
class DaySessionOut(View):
    pass


@derived(
    DayExplanation,
    fields={
        "intervals": Field(
            description="The merged [start, end] pairs the day's seconds come from, in the day's zone",
            json_schema_extra={"items": {"type": "string", "format": "date-time"}},
        )
    },
)
class DayExplainedOut(View):
    pass


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


class UnsubscribeQuery(BaseModel):
    token: str = Field(max_length=MAX_CURSOR_CHARS, description="The token of an email's unsubscribe link")


ROUTES: Routes[MeDeps] = Routes()


# --- handlers ---------------------------------------------------------------------------------------------
@ROUTES.get("/v1/me/streak", {200: StreakOut}, operation_id="getStreak")
def get_streak(call: MeCall) -> Reply:
    """Get the caller's streak

    The caller's streak
    """
    view = queries.get_streak(call.deps.store, call.uid, call.now, call.deps.config)
    return Reply(200, StreakOut.model_validate(view))


@ROUTES.get(
    "/v1/me/calendar",
    {200: CalendarOut, 304: None},
    errors=(422,),
    query=CalendarQuery,
    description=f"Every local day in a range (at most {MAX_CALENDAR_DAYS}; default the last"
    f" {DEFAULT_CALENDAR_DAYS}); ETag, If-None-Match gives 304",
    operation_id="getCalendar",
)
def get_calendar(call: MeCall) -> Reply:
    """List the caller's days in a range"""
    query = call.query_as(CalendarQuery)
    deps = call.deps
    found = queries.get_calendar(
        deps.store, call.uid, query.from_, query.to, call.now, deps.config, deps.calendar_cache
    )
    out = CalendarOut(days=[DayOut.model_validate(day) for day in found.days])
    fields = {"calendar_source": found.source.value, "cache_hit": found.source is CalendarSource.CACHE}
    return Reply(200, out, cache_control="private, no-cache", log_fields=fields)


@ROUTES.get(
    "/v1/me/days/{date}",
    {200: DayExplainedOut},
    errors=(422,),
    path_schemas={"date": DATE_SCHEMA},
    operation_id="getDay",
)
def get_day(call: MeCall) -> Reply:
    """Explain one day

    One day explained
    """
    day = parse_model(DayPath, call.params).date
    view = queries.explain_day(call.deps.store, call.uid, day, call.deps.config)
    return Reply(200, DayExplainedOut.model_validate(view))


@ROUTES.get(
    "/v1/me/notifications",
    {200: NotificationsPageOut},
    errors=(422,),
    query=PageQuery,
    operation_id="listNotifications",
)
def get_notifications(call: MeCall) -> Reply:
    """List the caller's notifications

    The caller's notifications, newest first, with their delivery status per channel
    """
    query = call.query_as(PageQuery)
    page = queries.list_notifications(call.deps.store, call.deps.cursors, call.uid, query.limit, query.cursor)
    return Reply(200, NotificationsPageOut.model_validate(page))


@ROUTES.post("/v1/me/devices", {201: DeviceOut, 200: DeviceOut}, body=DeviceIn, operation_id="registerDevice")
def post_device(call: MeCall) -> Reply:
    """Register a device for push

    Register an FCM token for push (201 new, 200 already known)
    """
    device = call.body_as(DeviceIn)
    created = devices.register_device(call.deps.store, call.uid, device.token, device.platform, call.now)
    out = DeviceOut(token=device.token, platform=device.platform, registered=True)
    return Reply(201 if created else 200, out)


@ROUTES.delete(
    "/v1/me/devices/{token}",
    {204: None},
    path_schemas={"token": {"type": "string", "minLength": 1, "maxLength": 4096}},
    operation_id="forgetDevice",
)
def delete_device(call: MeCall) -> Reply:
    """Forget a device

    Forget an FCM token (204, also when it was not registered)
    """
    devices.forget_device(call.deps.store, call.uid, call.params["token"])
    return Reply(204)


@ROUTES.get("/v1/me/settings", {200: SettingsOut}, operation_id="getSettings")
def get_settings(call: MeCall) -> Reply:
    """Get the caller's settings

    The caller's settings
    """
    return Reply(200, SettingsOut.model_validate(queries.get_settings(call.deps.store, call.uid)))


@ROUTES.patch("/v1/me/settings", {200: SettingsOut}, body=SettingsPatch, operation_id="updateSettings")
def patch_settings(call: MeCall) -> Reply:
    """Change the caller's settings

    Change some settings (fields left out stay as they are)
    """
    patch = call.body_as(SettingsPatch)
    view = queries.update_settings(call.deps.store, call.uid, settings_change(patch), call.now)
    return Reply(200, SettingsOut.model_validate(view))


def settings_change(patch: SettingsPatch) -> SettingsChange:
    """The patch as the service's typed change: a field left out stays UNSET, null clears."""
    notifications = NotificationsChange()
    if (prefs := patch.notifications) is not MISSING:
        quiet = prefs.quiet_hours
        notifications = NotificationsChange(
            push=_given(prefs.push),
            email=_given(prefs.email),
            kinds=_given(prefs.kinds),
            quiet_hours=UNSET if quiet is MISSING else quiet.window() if quiet is not None else None,
            reminder_hour=_given(prefs.reminder_hour),
        )
    return SettingsChange(
        timezone=_given(patch.timezone),
        display_name=_given(patch.display_name),
        leaderboard_visibility=_given(patch.leaderboard_visibility),
        locale=_given(patch.locale),
        notifications=notifications,
    )


def _given(value: T | MISSING) -> T | Unset:
    return UNSET if value is MISSING else value


@ROUTES.get(
    UNSUBSCRIBE_PATH,
    {200: None},
    errors=(422, 429),
    query=UnsubscribeQuery,
    auth=Auth.PUBLIC,
    media_types=("text/html",),
    operation_id="getUnsubscribePage",
)
def get_unsubscribe(call: MeCall) -> Reply:
    """Show an email's unsubscribe page

    The page of an email's unsubscribe link: a button that switches that kind of notification off (public: the
    signed token says whose and which)
    """
    token = call.query_as(UnsubscribeQuery).token
    found = call.deps.unsubscribes.read(token)  # a link we never signed is refused here already
    action = f"{UNSUBSCRIBE_PATH}?{urlencode({'token': token})}"
    return Reply(200, Binary(pages.unsubscribe_page(found.kind, action).encode(), "text/html"))


@ROUTES.post(
    UNSUBSCRIBE_PATH,
    {200: None},
    errors=(422, 429),
    query=UnsubscribeQuery,
    auth=Auth.PUBLIC,
    media_types=("text/html",),
    operation_id="unsubscribe",
)
def post_unsubscribe(call: MeCall) -> Reply:
    """Unsubscribe in one click

    One-click unsubscribe (RFC 8058): switch the link's kind of notification off for its user (again: nothing
    changes)
    """
    # RFC 8058's one-click POST (a mail client's, body `List-Unsubscribe=One-Click`, or the page's form).
    token = call.query_as(UnsubscribeQuery).token
    done = unsubscribe(call.deps.store, call.deps.unsubscribes, token, call.now)
    return Reply(200, Binary(pages.unsubscribe_page(done.kind, None).encode(), "text/html"))


TAG = Tag(
    "Streak",
    "The caller's streak, days, settings, notifications and devices, and the unsubscribe link of emails.",
)
