"""Reading a user's state: streak, calendar, one day explained, notifications; and changing settings."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from streak_core.domain import day_start
from streak_core.domain.config import StreakConfig
from streak_core.domain.day_start import DayStarts
from streak_core.domain.days import DayStatus, status_of
from streak_core.domain.sessions import FieldIssue
from streak_core.domain.timeline import zone_named
from streak_core.domain.vocabulary import Locale, Visibility
from streak_core.errors import DayStartTooSoon, InvalidRequest
from streak_core.models.notifications import StoredNotification
from streak_core.models.streaks import StreakRecord, user_timezone
from streak_core.models.users import NotificationPreferences, SettingsChange, Unset, UserSettings
from streak_core.ports.users import NotificationPosition, UserStore
from streak_core.services.calendar_cache import CalendarCache
from streak_core.services.cursors import Cursors
from streak_core.services.views import (
    StreakView,
    day_view,
    local_instant,
    streak_view,
    today_candidates,
    user_today,
)

MAX_CALENDAR_DAYS = 366
DEFAULT_CALENDAR_DAYS = 35


@dataclass(frozen=True, slots=True)
class DaySession:
    """A session's share of one day."""

    id: str
    start: datetime
    end: datetime
    timezone: str
    seconds_in_day: int


@dataclass(frozen=True, slots=True)
class DayExplanation(DayStatus):
    """A day and why: the sessions that touched it and the merged intervals its seconds come from."""

    sessions: list[DaySession]
    intervals: list[tuple[str, str]]
    threshold_seconds: int
    starts_at: str  # the day's bounds (its day start, DST and all), RFC 3339 in the user's zone
    ends_at: str


@dataclass(frozen=True, slots=True)
class NotificationPage:
    notifications: list[StoredNotification]
    next_cursor: str | None


def get_streak(store: UserStore, uid: str, now: datetime, config: StreakConfig) -> StreakView:
    snap = store.snapshot(uid, (), today_candidates(now))
    if not snap.settings.day_starts.midnight:  # a later day start: today may be the day before those read
        snap = store.snapshot(uid, (), today_candidates(now, late=True))
    return streak_view(snap.settings, snap.streak, snap.days, now, config)


class CalendarSource(StrEnum):
    """Where a calendar's focus came from: a log field, so hit rates can be counted."""

    CACHE = "cache"  # this instance's cache, at the user's current days version
    MONTHS = "months"  # the month documents
    DAYS = "days"  # the day documents (users whose months are not complete yet)


@dataclass(frozen=True, slots=True)
class Calendar:
    days: list[DayStatus]
    source: CalendarSource


def get_calendar(
    store: UserStore,
    uid: str,
    first: date | None,
    last: date | None,
    now: datetime,
    config: StreakConfig,
    cache: CalendarCache | None = None,
) -> Calendar:
    """Every local day of a range: flags from the streak (read each time), focus from the month documents
    or, at the same days version, this instance's cache."""
    snap = store.snapshot(uid, (), ())
    if first is None or last is None:
        today = user_today(snap.settings, snap.streak, now)
        last = last or (first + timedelta(days=DEFAULT_CALENDAR_DAYS - 1) if first else today)
        first = first or last - timedelta(days=DEFAULT_CALENDAR_DAYS - 1)
    if last < first:
        raise InvalidRequest([FieldIssue("to", "before_from", "must not be earlier than 'from'")])
    span = (last - first).days + 1
    if span > MAX_CALENDAR_DAYS:
        raise InvalidRequest(
            [FieldIssue("to", "range_too_long", f"a calendar covers at most {MAX_CALENDAR_DAYS} days")]
        )
    dates = [first + timedelta(days=n) for n in range(span)]
    state = snap.streak.state
    if not snap.streak.months_ready:  # history from before the month documents: until a rebuild
        records = store.days_between(uid, first, last)
        days = [day_view(d, records.get(d), snap.streak, config) for d in dates]
        return Calendar(days, CalendarSource.DAYS)
    version = snap.streak.days_version
    seconds = cache.get(uid, first, last, version) if cache is not None else None
    source = CalendarSource.CACHE
    if seconds is None:
        seconds, source = store.seconds_between(uid, first, last), CalendarSource.MONTHS
        if cache is not None:
            cache.put(uid, first, last, version, seconds)
    return Calendar([status_of(d, seconds.get(d, 0), state, config) for d in dates], source)


def explain_day(store: UserStore, uid: str, day: date, config: StreakConfig) -> DayExplanation:
    snap = store.snapshot(uid, (), (day,))
    record = snap.days.get(day)
    view = day_view(day, record, snap.streak, config)
    timezone = user_timezone(snap.settings, snap.streak)
    pieces = record.pieces if record else {}
    stored = store.snapshot(uid, pieces, ()).sessions if pieces else {}
    sessions = []
    for session_id, (start_ms, end_ms) in sorted(pieces.items(), key=lambda kv: (kv[1], kv[0])):
        found = stored.get(session_id)
        if found is None:  # the day names a session the log lacks: show the piece, never fail
            continue
        s = found.session
        sessions.append(DaySession(s.id, s.start, s.end, s.timezone, (end_ms - start_ms) // 1000))
    intervals = (
        [(local_instant(a, timezone), local_instant(b, timezone)) for a, b in record.state.intervals]
        if record
        else []
    )
    start, end = day_start.bounds(day, zone_named(timezone), snap.settings.day_starts)
    return DayExplanation(
        **{f.name: getattr(view, f.name) for f in fields(view)},
        sessions=sessions,
        intervals=intervals,
        threshold_seconds=config.threshold_seconds,
        starts_at=local_instant(start, timezone),
        ends_at=local_instant(end, timezone),
    )


def list_notifications(
    store: UserStore, cursors: Cursors, uid: str, limit: int, cursor: str | None
) -> NotificationPage:
    """A page of the user's notifications, newest first, with a signed cursor to the next page."""
    after = cursors.notification_position(cursor) if cursor is not None else None
    rows = store.notifications(uid, limit + 1, after)
    page = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        last = page[-1]
        next_cursor = cursors.notifications(NotificationPosition(last.created_at, last.id))
    return NotificationPage(page, next_cursor)


@dataclass(frozen=True, slots=True)
class DayStartNext:
    """A change of the day start made today: it takes effect on `first`."""

    day_start: str
    first: date


@dataclass(frozen=True, slots=True)
class SettingsView:
    timezone: str | None
    display_name: str | None
    leaderboard_visibility: Visibility
    notifications: NotificationPreferences
    locale: Locale
    day_start: str  # in force today
    day_start_next: DayStartNext | None  # a change not in force yet


def settings_view(settings: UserSettings, streak: StreakRecord, now: datetime) -> SettingsView:
    starts = settings.day_starts
    today = day_start.today(now, zone_named(user_timezone(settings, streak)), starts)
    last = starts.last_change()
    pending = None
    if last is not None and last > today:
        pending = DayStartNext(day_start.format_day_start(starts.on(last)), last)
    return SettingsView(
        settings.timezone,
        settings.display_name,
        settings.leaderboard_visibility,
        settings.notifications,
        settings.locale,
        day_start.format_day_start(starts.on(today)),
        pending,
    )


def get_settings(store: UserStore, uid: str, now: datetime) -> SettingsView:
    snap = store.snapshot(uid, (), ())
    return settings_view(snap.settings, snap.streak, now)


def update_settings(store: UserStore, uid: str, change: SettingsChange, now: datetime) -> SettingsView:
    """Apply a partial update (its values already checked); nothing is written when nothing changes. A new
    day start is a change from the user's next local day (DayStartTooSoon within 7 days of the last)."""
    snap = store.snapshot(uid, (), ())
    current = snap.settings
    updated = change.applied_to(current)
    if not isinstance(change.day_start, Unset):
        updated = replace(updated, day_starts=_day_start_changed(updated, snap.streak, change.day_start, now))
    if updated != current:
        store.save_settings(uid, updated, now)
    return settings_view(updated, snap.streak, now)


def _day_start_changed(
    settings: UserSettings, streak: StreakRecord, minutes: int, now: datetime
) -> DayStarts:
    """The day starts with `minutes` from the user's next local day; unchanged if that is already so."""
    starts = settings.day_starts
    zone = zone_named(user_timezone(settings, streak))
    first = day_start.change_takes_effect(now, zone, starts)
    if starts.on(first) == minutes:
        return starts
    allowed = day_start.change_allowed_from(starts)
    if allowed is not None and first - timedelta(days=1) < allowed:
        raise DayStartTooSoon(allowed)
    return starts.changed(first, minutes)
