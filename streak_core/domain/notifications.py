"""What a notification says and when it may be sent: templates per kind, channel and locale, quiet hours."""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from string import Formatter

from streak_core.domain import day_start
from streak_core.domain.config import StreakConfig
from streak_core.domain.day_start import MIDNIGHT, DayStarts
from streak_core.domain.days import recovery_seconds, seconds_to_qualify
from streak_core.domain.texts import TEMPLATES, VARIANTS
from streak_core.domain.timeline import zone_named
from streak_core.domain.vocabulary import Locale
from streak_core.domain.vocabulary import NotificationKind as Kind

# What a notification carries for its texts and for the app: flat, so it is the same in Firestore, in an
# FCM data payload (strings) and in the API.
NotificationData = Mapping[str, int | str]
# A data key: the entry goes to the notification list and by email, but is not pushed (several badges
# earned at once make one push, for the first).
PUSH_HELD = "push_held"


@dataclass(frozen=True, slots=True)
class Message:
    title: str  # push title, email subject
    body: str  # push body, email plain text
    html: str  # email HTML (values escaped)


_NOUNS: dict[str, dict[Locale, tuple[str, str]]] = {
    # format spec -> locale -> (singular, plural); French uses the singular for 0 and 1
    "days": {Locale.EN: ("{} day", "{} days"), Locale.FR: ("{} jour", "{} jours")},
    # as an adjective: "a 7-day streak"
    "day": {Locale.EN: ("{}-day", "{}-day"), Locale.FR: ("{} jour", "{} jours")},
    "minutes": {Locale.EN: ("{} minute", "{} minutes"), Locale.FR: ("{} minute", "{} minutes")},
    "more_minutes": {
        Locale.EN: ("{} more minute", "{} more minutes"),
        Locale.FR: ("encore {} minute", "encore {} minutes"),
    },
}


def _counted(n: object, spec: str, locale: Locale) -> str:
    count = n if isinstance(n, int) else int(str(n))
    singular, plural = _NOUNS[spec][locale]
    one = count in (0, 1) if locale is Locale.FR else count == 1
    return (singular if one else plural).format(count)


class _Localized(Formatter):
    def __init__(self, locale: Locale, escape: bool) -> None:
        self.locale, self.escape = locale, escape

    def format_field(self, value: object, format_spec: str) -> str:
        text = (
            _counted(value, format_spec, self.locale)
            if format_spec in _NOUNS
            else super().format_field(value, format_spec)
        )
        return html.escape(text) if self.escape else text


def render(kind: Kind, locale: Locale, data: NotificationData) -> Message:
    """The message for `kind` in `locale`; KeyError for a missing value, so a template and its data can
    never silently disagree."""
    title, body = TEMPLATES[locale][kind]
    for key, texts in VARIANTS[locale].get(kind, ()):
        if key in data:
            title, body = texts
            break
    plain = _Localized(locale, escape=False)
    escaped = _Localized(locale, escape=True)
    return Message(
        title=plain.format(title, **data),
        body=plain.format(body, **data),
        html=f"<h1>{escaped.format(title, **data)}</h1>\n<p>{escaped.format(body, **data)}</p>",
    )


# The link's label, and the line of the plain text holding it.
UNSUBSCRIBE = {
    Locale.EN: ("Stop these emails", "Stop these emails: {url}"),
    Locale.FR: ("Ne plus recevoir ces e-mails", "Ne plus recevoir ces e-mails : {url}"),
}


def with_unsubscribe(message: Message, locale: Locale, url: str) -> Message:
    """The email with the link that switches this kind of notification off (RFC 8058's page for people;
    mail clients use the List-Unsubscribe header)."""
    label, line = UNSUBSCRIBE[locale]
    return Message(
        title=message.title,
        body=f"{message.body}\n\n{line.format(url=url)}",
        html=f'{message.html}\n<p><a href="{html.escape(url)}">{html.escape(label)}</a></p>',
    )


@dataclass(frozen=True, slots=True)
class QuietHours:
    """A daily window of local time with no notifications; it may wrap midnight (22:00-07:00)."""

    start: time
    end: time

    def holds(self, local: time) -> bool:
        if self.start <= self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end


def release_at(now: datetime, timezone: str, quiet: QuietHours | None) -> datetime:
    """When a notification due at `now` may be sent: `now`, or the end of the quiet hours it falls in.

    Held, never dropped. The end is the local wall time in the user's zone on the right date; on a DST
    day where that wall time does not exist, zoneinfo's reading of it is used (it lands just after the gap).
    """
    if quiet is None:
        return now
    zone = zone_named(timezone)
    local = now.astimezone(zone)
    if not quiet.holds(local.time().replace(tzinfo=None)):
        return now
    end_day = local.date()
    if local.time().replace(tzinfo=None) >= quiet.end:  # in the evening part of a window wrapping midnight
        end_day += timedelta(days=1)
    release = datetime.combine(end_day, quiet.end, tzinfo=zone)
    return max(release.astimezone(now.tzinfo), now)


@dataclass(frozen=True, slots=True)
class ReminderPlan:
    """Where `now` stands against a user's daily reminder hour."""

    due_on: date | None  # the local date whose reminder hour `now` falls in, if it does
    next_at: datetime  # the next reminder hour strictly after `now` (UTC)


def plan_reminder(now: datetime, timezone: str, hour: int, starts: DayStarts = MIDNIGHT) -> ReminderPlan:
    """The reminder hour is a one-hour window of local time, so an hourly tick meets each one exactly once;
    it belongs to the user's day it falls in (with a day start at 04:00, 02:00 is late in the day before).

    On a DST day where the hour does not exist, zoneinfo's reading of it is used (just after the gap).
    """
    zone = zone_named(timezone)
    today = day_start.today(now, zone, starts)
    slot = _reminder_slot(today, hour, zone, now, starts)
    due_on = today if slot <= now < slot + timedelta(hours=1) else None
    next_at = slot if slot > now else _reminder_slot(today + timedelta(days=1), hour, zone, now, starts)
    return ReminderPlan(due_on, next_at)


def _reminder_slot(day: date, hour: int, zone: tzinfo, now: datetime, starts: DayStarts) -> datetime:
    wall_date = day if hour * 60 >= starts.on(day) else day + timedelta(days=1)
    return datetime.combine(wall_date, time(hour), tzinfo=zone).astimezone(now.tzinfo)


def minutes_to_go(focus_seconds: int, config: StreakConfig) -> int:
    """Whole minutes still needed today, rounded up so that doing them is always enough."""
    return -(-seconds_to_qualify(focus_seconds, config) // 60)


def minutes_to_recover(focus_seconds: int, config: StreakConfig) -> int:
    """Whole minutes still needed today to recover yesterday's break, rounded up."""
    return -(-max(0, recovery_seconds(config) - focus_seconds) // 60)
