"""The caller's own state: streak, calendar, one day explained, notifications, devices and settings."""

from __future__ import annotations

from urllib.parse import urlencode

from functions import pages
from functions.api.presenters.me import (
    CalendarOut,
    CalendarQuery,
    DayExplainedOut,
    DayPath,
    DeviceIn,
    DeviceOut,
    NotificationsPageOut,
    SettingsOut,
    SettingsPatch,
    UnsubscribeQuery,
    settings_change,
)
from functions.api.shared import DayOut, StreakOut
from functions.fields import (
    DATE_SCHEMA,
    PageQuery,
)
from functions.http import Binary, parse_model
from functions.routing import Auth, Call, Reply, RouteOptions, Routes, Tag
from streak_core.areas import MeDeps
from streak_core.services import devices, queries
from streak_core.services.queries import (
    DEFAULT_CALENDAR_DAYS,
    MAX_CALENDAR_DAYS,
    CalendarSource,
)
from streak_core.services.unsubscribe import PATH as UNSUBSCRIBE_PATH
from streak_core.services.unsubscribe import unsubscribe

MeCall = Call[MeDeps]


ROUTES: Routes[MeDeps] = Routes()


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
    return Reply(200, SettingsOut.model_validate(queries.get_settings(call.deps.store, call.uid, call.now)))


@ROUTES.patch("/v1/me/settings", {200: SettingsOut}, body=SettingsPatch, operation_id="updateSettings")
def patch_settings(call: MeCall) -> Reply:
    """Change the caller's settings

    Change some settings (fields left out stay as they are)
    """
    patch = call.body_as(SettingsPatch)
    view = queries.update_settings(call.deps.store, call.uid, settings_change(patch), call.now)
    return Reply(200, SettingsOut.model_validate(view))


def unsubscribe_route(operation_id: str) -> RouteOptions:
    """The link's page and its one-click POST: public (the signed token says whose and which), in HTML."""
    return RouteOptions(
        errors=(422, 429),
        query=UnsubscribeQuery,
        auth=Auth.PUBLIC,
        media_types=("text/html",),
        operation_id=operation_id,
    )


@ROUTES.get(UNSUBSCRIBE_PATH, {200: None}, **unsubscribe_route("getUnsubscribePage"))
def get_unsubscribe(call: MeCall) -> Reply:
    """Show an email's unsubscribe page

    The page of an email's unsubscribe link: a button that switches that kind of notification off (public: the
    signed token says whose and which)
    """
    token = call.query_as(UnsubscribeQuery).token
    found = call.deps.unsubscribes.read(token)  # a link we never signed is refused here already
    action = f"{UNSUBSCRIBE_PATH}?{urlencode({'token': token})}"
    return Reply(200, Binary(pages.unsubscribe_page(found.kind, action).encode(), "text/html"))


@ROUTES.post(UNSUBSCRIBE_PATH, {200: None}, **unsubscribe_route("unsubscribe"))
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
