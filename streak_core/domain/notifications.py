"""What a notification says and when it may be sent: templates per kind, channel and locale, quiet hours."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from string import Formatter

from streak_core.domain.timeline import zone_named

DEFAULT_LOCALE = "en"


@dataclass(frozen=True, slots=True)
class Message:
    title: str  # push title, email subject
    body: str  # push body, email plain text
    html: str  # email HTML (values escaped)


def _days(n: object, locale: str) -> str:
    count = n if isinstance(n, int) else int(str(n))
    if locale == "fr":
        return f"{count} jour" if count in (0, 1) else f"{count} jours"
    return f"{count} day" if count == 1 else f"{count} days"


# {days:days} renders a count with its noun, plural-aware per locale; other fields are plain values.
TEMPLATES: dict[str, dict[str, tuple[str, str]]] = {
    "en": {
        "milestone": ("{days:days} of focus!", "You reached a {days:days} streak. Keep it going!"),
        "freeze_applied": (
            "A freeze saved your streak",
            "You missed a day, so a freeze kept your {streak:days} streak alive. "
            "Freezes left: {freezes_left}.",
        ),
        "streak_broken": (
            "Your streak ended",
            "Your {length_lost:days} streak ended. Start a new one today!",
        ),
        "weekly_bonus": (
            "Weekly bonus: +{xp} XP",
            "You focused on {qualified_days:days} in week {week} and earned {xp} XP.",
        ),
        "streak_restored": (
            "Your streak is back",
            "Late sessions filled the gap: your streak is {days:days} again.",
        ),
        "freeze_earned": ("You earned a freeze", "{streak:days} in a row! You now hold {freezes} freezes."),
        "reminder": (
            "Keep your {streak:days} streak",
            "{minutes} more minutes of focus today keep your {streak:days} streak.",
        ),
    },
    "fr": {
        "milestone": (
            "{days:days} de concentration !",
            "Vous avez atteint une série de {days:days}. Continuez !",
        ),
        "freeze_applied": (
            "Un gel a sauvé votre série",
            "Vous avez manqué un jour : un gel a préservé votre série de {streak:days}. "
            "Gels restants : {freezes_left}.",
        ),
        "streak_broken": (
            "Votre série est terminée",
            "Votre série de {length_lost:days} est terminée. Commencez-en une nouvelle aujourd'hui !",
        ),
        "weekly_bonus": (
            "Bonus de la semaine : +{xp} XP",
            "Vous vous êtes concentré {qualified_days:days} pendant la semaine {week} : +{xp} XP.",
        ),
        "streak_restored": (
            "Votre série est de retour",
            "Des sessions tardives ont comblé le trou : votre série est de nouveau de {days:days}.",
        ),
        "freeze_earned": ("Vous avez gagné un gel", "{streak:days} d'affilée ! Vous avez {freezes} gels."),
        "reminder": (
            "Gardez votre série de {streak:days}",
            "Encore {minutes} minutes de concentration aujourd'hui pour garder votre série de {streak:days}.",
        ),
    },
}
LOCALES = tuple(TEMPLATES)


class _Localized(Formatter):
    def __init__(self, locale: str, escape: bool) -> None:
        self.locale, self.escape = locale, escape

    def format_field(self, value: object, format_spec: str) -> str:
        text = (
            _days(value, self.locale) if format_spec == "days" else super().format_field(value, format_spec)
        )
        return html.escape(text) if self.escape else text


def render(kind: str, locale: str | None, data: dict[str, object]) -> Message:
    """The message for `kind` in `locale` (English when the locale is unknown); KeyError for an unknown kind
    or a missing value, so a template and its data can never silently disagree."""
    chosen = locale if locale in TEMPLATES else DEFAULT_LOCALE
    title, body = TEMPLATES[chosen][kind]
    plain = _Localized(chosen, escape=False)
    escaped = _Localized(chosen, escape=True)
    return Message(
        title=plain.format(title, **data),
        body=plain.format(body, **data),
        html=f"<h1>{escaped.format(title, **data)}</h1>\n<p>{escaped.format(body, **data)}</p>",
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
