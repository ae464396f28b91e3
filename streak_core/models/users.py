"""A user's settings: who they are on boards, their zone, and how they want to hear from us; partial
changes of them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import Enum

from streak_core.domain.day_start import MIDNIGHT, DayStarts
from streak_core.domain.notifications import QuietHours
from streak_core.domain.vocabulary import (
    Locale,
    NotificationKind,
    Visibility,
)

MAX_DISPLAY_NAME = 50


@dataclass(frozen=True, slots=True)
class NotificationPreferences:
    push: bool = True
    email: bool = True
    muted: frozenset[NotificationKind] = frozenset()  # kinds the user switched off
    quiet_hours: QuietHours | None = None  # local time; may wrap midnight
    reminder_hour: int = 20  # local hour of the "today is at risk" reminder

    @property
    def kinds(self) -> dict[NotificationKind, bool]:
        """Every kind, with whether the user hears about it."""
        return {kind: kind not in self.muted for kind in NotificationKind}

    def allows(self, kind: NotificationKind) -> bool:
        return kind not in self.muted


@dataclass(frozen=True, slots=True)
class UserSettings:
    timezone: str | None = None
    display_name: str | None = None
    leaderboard_visibility: Visibility = Visibility.FRIENDS
    notifications: NotificationPreferences = field(default_factory=NotificationPreferences)
    locale: Locale = Locale.EN
    day_starts: DayStarts = (
        MIDNIGHT  # each change with the local date it takes effect (DESIGN.md "The day start")
    )


def display_name_rule(name: str) -> str:
    """The name as shown: trimmed, 1-50 printable characters; ValueError otherwise."""
    trimmed = name.strip()
    if not 1 <= len(trimmed) <= MAX_DISPLAY_NAME or not trimmed.isprintable():
        raise ValueError(f"must be 1-{MAX_DISPLAY_NAME} printable characters, or null")
    return trimmed


class Unset(Enum):
    """A field a partial update leaves as it is (distinct from None, which clears a nullable field)."""

    UNSET = "unset"


UNSET = Unset.UNSET


@dataclass(frozen=True, slots=True)
class NotificationsChange:
    push: bool | Unset = UNSET
    email: bool | Unset = UNSET
    kinds: Mapping[NotificationKind, bool] | Unset = UNSET
    quiet_hours: QuietHours | Unset | None = UNSET
    reminder_hour: int | Unset = UNSET

    def applied_to(self, current: NotificationPreferences) -> NotificationPreferences:
        muted = set(current.muted)
        if not isinstance(self.kinds, Unset):
            muted |= {kind for kind, enabled in self.kinds.items() if not enabled}
            muted -= {kind for kind, enabled in self.kinds.items() if enabled}
        return NotificationPreferences(
            push=current.push if isinstance(self.push, Unset) else self.push,
            email=current.email if isinstance(self.email, Unset) else self.email,
            muted=frozenset(muted),
            quiet_hours=current.quiet_hours if isinstance(self.quiet_hours, Unset) else self.quiet_hours,
            reminder_hour=(
                current.reminder_hour if isinstance(self.reminder_hour, Unset) else self.reminder_hour
            ),
        )


@dataclass(frozen=True, slots=True)
class SettingsChange:
    """A partial update of the settings, already validated field by field."""

    timezone: str | Unset | None = UNSET
    display_name: str | Unset | None = UNSET
    leaderboard_visibility: Visibility | Unset = UNSET
    locale: Locale | Unset = UNSET
    notifications: NotificationsChange = NotificationsChange()
    day_start: int | Unset = UNSET  # minutes after midnight; recorded as a change by `update_settings`

    def applied_to(self, current: UserSettings) -> UserSettings:
        return replace(
            current,
            timezone=current.timezone if isinstance(self.timezone, Unset) else self.timezone,
            display_name=current.display_name if isinstance(self.display_name, Unset) else self.display_name,
            leaderboard_visibility=(
                current.leaderboard_visibility
                if isinstance(self.leaderboard_visibility, Unset)
                else self.leaderboard_visibility
            ),
            locale=current.locale if isinstance(self.locale, Unset) else self.locale,
            notifications=self.notifications.applied_to(current.notifications),
        )
