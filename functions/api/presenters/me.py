"""The me area's schemas and presenters: its request and response models and how views become them."""

from __future__ import annotations

from datetime import date
from typing import Annotated, TypeVar

from pydantic import MISSING, ConfigDict, Field, StrictBool, StrictInt, StrictStr, model_validator
from pydantic_core import PydanticCustomError

from functions.api.shared import DayOut
from functions.fields import (
    ClockTime,
    ClockTimeOut,
    DateIn,
    DayStartIn,
    DisplayName,
    Instant,
    Model,
    Strict,
    TimeZoneName,
    View,
    derived,
)
from streak_core.domain.ids import MAX_CURSOR_CHARS
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
from streak_core.services.queries import (
    DEFAULT_CALENDAR_DAYS,
    MAX_CALENDAR_DAYS,
    DayExplanation,
    DaySession,
)

T = TypeVar("T")


class CalendarQuery(Model):
    from_: DateIn | None = Field(
        default=None, alias="from", description=f"First date (default: {DEFAULT_CALENDAR_DAYS} days back)"
    )
    to: DateIn | None = Field(
        default=None, description=f"Last date (default: today); at most {MAX_CALENDAR_DAYS} days"
    )


class CalendarOut(View):
    days: list[DayOut]


class DayPath(Model):
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


class DeviceOut(Model):
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


class DayStartNextOut(View):
    day_start: str = Field(description="The day start from `from` on")
    first: date = Field(serialization_alias="from", description="The local date it takes effect")


class SettingsOut(View):
    timezone: str | None
    display_name: str | None
    leaderboard_visibility: Visibility
    notifications: NotificationsOut
    locale: Locale
    day_start: str = Field(description="When the user's day starts, in force today (HH:MM, 00:00-12:00)")
    day_start_next: DayStartNextOut | None = Field(
        description="A change made today: it takes effect at the user's next day (null when none)"
    )


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
    day_start: DayStartIn | MISSING = MISSING


class UnsubscribeQuery(Model):
    token: str = Field(max_length=MAX_CURSOR_CHARS, description="The token of an email's unsubscribe link")


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
        day_start=_given(patch.day_start),
    )


def _given(value: T | MISSING) -> T | Unset:
    return UNSET if value is MISSING else value
