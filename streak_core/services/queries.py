"""Reading a user's state: streak, calendar, one day explained, and settings."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime, timedelta

from streak_core.domain.config import StreakConfig
from streak_core.domain.notifications import LOCALES
from streak_core.domain.sessions import FieldIssue
from streak_core.domain.timeline import zone_named
from streak_core.models import (
    NOTIFICATION_KINDS,
    VISIBILITIES,
    NotificationPreferences,
    UserSettings,
    user_timezone,
)
from streak_core.ports import UserStore
from streak_core.services.views import (
    day_json,
    local_instant,
    local_today,
    streak_json,
    today_candidates,
)

QUIET_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
MAX_CALENDAR_DAYS = 366
DEFAULT_CALENDAR_DAYS = 35
MAX_DISPLAY_NAME = 50


class InvalidRequest(ValueError):
    """The request's parameters break a rule; `issues` lists each field and why."""

    def __init__(self, issues: list[FieldIssue]) -> None:
        super().__init__("; ".join(f"{i.field}: {i.message}" for i in issues))
        self.issues = issues


def get_streak(store: UserStore, uid: str, now: datetime, config: StreakConfig) -> dict[str, object]:
    snap = store.snapshot(uid, (), today_candidates(now))
    return streak_json(snap.settings, snap.streak, snap.days, now, config)


def get_calendar(
    store: UserStore,
    uid: str,
    first: date | None,
    last: date | None,
    now: datetime,
    config: StreakConfig,
) -> list[dict[str, object]]:
    snap = store.snapshot(uid, (), ())
    if first is None or last is None:
        today = local_today(now, user_timezone(snap.settings, snap.streak))
        last = last or (first + timedelta(days=DEFAULT_CALENDAR_DAYS - 1) if first else today)
        first = first or last - timedelta(days=DEFAULT_CALENDAR_DAYS - 1)
    if last < first:
        raise InvalidRequest([FieldIssue("to", "before_from", "must not be earlier than 'from'")])
    span = (last - first).days + 1
    if span > MAX_CALENDAR_DAYS:
        raise InvalidRequest(
            [FieldIssue("to", "range_too_long", f"a calendar covers at most {MAX_CALENDAR_DAYS} days")]
        )
    records = store.days_between(uid, first, last)
    dates = [first + timedelta(days=n) for n in range(span)]
    return [day_json(d, records.get(d), snap.streak, config) for d in dates]


def explain_day(store: UserStore, uid: str, day: date, config: StreakConfig) -> dict[str, object]:
    snap = store.snapshot(uid, (), (day,))
    record = snap.days.get(day)
    timezone = user_timezone(snap.settings, snap.streak)
    result = day_json(day, record, snap.streak, config)
    if record is None:
        return {**result, "sessions": [], "intervals": [], "threshold_seconds": config.threshold_seconds}
    stored = store.snapshot(uid, record.pieces, ()).sessions
    sessions = []
    for session_id, (start_ms, end_ms) in sorted(record.pieces.items(), key=lambda kv: (kv[1], kv[0])):
        found = stored.get(session_id)
        if found is None:  # the day names a session the log lacks: show the piece, never fail
            continue
        s = found.session
        sessions.append(
            {
                "id": s.id,
                "start": s.start.isoformat(),
                "end": s.end.isoformat(),
                "timezone": s.timezone,
                "seconds_in_day": (end_ms - start_ms) // 1000,
            }
        )
    intervals = [[local_instant(a, timezone), local_instant(b, timezone)] for a, b in record.state.intervals]
    return {
        **result,
        "sessions": sessions,
        "intervals": intervals,
        "threshold_seconds": config.threshold_seconds,
    }


MAX_NOTIFICATIONS_PAGE = 100


def list_notifications(store: UserStore, uid: str, limit: int, cursor: str | None) -> dict[str, object]:
    """A page of the user's notifications, newest first, with an opaque cursor to the next page."""
    if not 1 <= limit <= MAX_NOTIFICATIONS_PAGE:
        raise InvalidRequest(
            [FieldIssue("limit", "out_of_range", f"must be between 1 and {MAX_NOTIFICATIONS_PAGE}")]
        )
    after = _decode_cursor(cursor) if cursor else None
    rows = store.notifications(uid, limit + 1, after)
    page, more = rows[:limit], len(rows) > limit
    items = [
        {
            "id": row["id"],
            "kind": row["kind"],
            "created_at": _iso(row["created_at"]),
            "channels": row.get("channels") or {},
            "data": row.get("data") or {},
        }
        for row in page
    ]
    next_cursor = None
    if more and isinstance(page[-1]["created_at"], datetime):
        next_cursor = _encode_cursor(page[-1]["created_at"], str(page[-1]["id"]))
    return {"notifications": items, "next_cursor": next_cursor}


def _iso(value: object) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


def _encode_cursor(created_at: datetime, entry_id: str) -> str:
    raw = json.dumps([created_at.isoformat(), entry_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        stamp, entry_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return datetime.fromisoformat(stamp), str(entry_id)
    except (ValueError, TypeError):
        raise InvalidRequest(
            [FieldIssue("cursor", "invalid_cursor", "is not a cursor this API returned")]
        ) from None


def get_settings(store: UserStore, uid: str) -> dict[str, object]:
    return store.snapshot(uid, (), ()).settings.as_json()


def update_settings(
    store: UserStore, uid: str, patch: Mapping[str, object], now: datetime
) -> dict[str, object]:
    """Apply a partial update; every invalid field is reported and nothing is saved."""
    current = store.snapshot(uid, (), ()).settings
    updated, issues = _patched(current, patch)
    if issues:
        raise InvalidRequest(issues)
    if updated != current:
        store.save_settings(uid, updated, now)
    return updated.as_json()


def _patched(current: UserSettings, patch: Mapping[str, object]) -> tuple[UserSettings, list[FieldIssue]]:
    issues: list[FieldIssue] = []
    changes: dict[str, object] = {}
    if "timezone" in patch:
        tz = patch["timezone"]
        if tz is None:
            changes["timezone"] = None
        elif isinstance(tz, str):
            try:
                zone_named(tz)
                changes["timezone"] = tz
            except ValueError as exc:
                issues.append(FieldIssue("timezone", "unknown_timezone", str(exc)))
        else:
            issues.append(FieldIssue("timezone", "invalid_type", "must be an IANA time zone name or null"))
    if "display_name" in patch:
        name = patch["display_name"]
        if name is None:
            changes["display_name"] = None
        elif isinstance(name, str) and 1 <= len(name.strip()) <= MAX_DISPLAY_NAME and name.isprintable():
            changes["display_name"] = name.strip()
        else:
            issues.append(
                FieldIssue(
                    "display_name",
                    "invalid_display_name",
                    f"must be 1-{MAX_DISPLAY_NAME} printable characters, or null",
                )
            )
    if "leaderboard_visibility" in patch:
        visibility = patch["leaderboard_visibility"]
        if visibility in VISIBILITIES:
            changes["leaderboard_visibility"] = visibility
        else:
            issues.append(
                FieldIssue(
                    "leaderboard_visibility", "invalid_choice", f"must be one of {', '.join(VISIBILITIES)}"
                )
            )
    if "locale" in patch:
        if patch["locale"] in LOCALES:
            changes["locale"] = patch["locale"]
        else:
            issues.append(FieldIssue("locale", "unsupported_locale", f"must be one of {', '.join(LOCALES)}"))
    if "notifications" in patch:
        prefs, prefs_issues = _patched_notifications(current.notifications, patch["notifications"])
        issues.extend(prefs_issues)
        changes["notifications"] = prefs
    return replace(current, **changes), issues  # type: ignore[arg-type]


def _patched_notifications(
    current: NotificationPreferences, patch: object
) -> tuple[NotificationPreferences, list[FieldIssue]]:
    if not isinstance(patch, Mapping):
        return current, [FieldIssue("notifications", "invalid_type", "must be an object")]
    issues: list[FieldIssue] = []
    push, email, kinds = current.push, current.email, dict(current.kinds)
    quiet, reminder_hour = current.quiet_hours, current.reminder_hour
    for key, value in patch.items():
        if key == "quiet_hours":
            if value is None:
                quiet = None
            elif _quiet_hours_ok(value):
                assert isinstance(value, Mapping)
                quiet = (str(value["start"]), str(value["end"]))
            else:
                issues.append(
                    FieldIssue(
                        "notifications.quiet_hours",
                        "invalid_quiet_hours",
                        'must be null or {"start": "HH:MM", "end": "HH:MM"} with different times',
                    )
                )
        elif key == "reminder_hour":
            if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 23:
                reminder_hour = value
            else:
                issues.append(
                    FieldIssue(
                        "notifications.reminder_hour", "out_of_range", "must be a whole hour from 0 to 23"
                    )
                )
        elif key in ("push", "email"):
            if not isinstance(value, bool):
                issues.append(FieldIssue(f"notifications.{key}", "invalid_type", "must be true or false"))
            elif key == "push":
                push = value
            else:
                email = value
        elif key == "kinds" and isinstance(value, Mapping):
            for kind, enabled in value.items():
                if kind not in NOTIFICATION_KINDS:
                    issues.append(
                        FieldIssue(
                            f"notifications.kinds.{kind}", "unknown_kind", "is not a notification kind"
                        )
                    )
                elif not isinstance(enabled, bool):
                    issues.append(
                        FieldIssue(f"notifications.kinds.{kind}", "invalid_type", "must be true or false")
                    )
                else:
                    kinds[kind] = enabled
        else:
            issues.append(
                FieldIssue(f"notifications.{key}", "unknown_field", "is not a notification setting")
            )
    return NotificationPreferences(push, email, tuple(kinds.items()), quiet, reminder_hour), issues


def _quiet_hours_ok(value: object) -> bool:
    if not isinstance(value, Mapping) or set(value) != {"start", "end"}:
        return False
    start, end = value["start"], value["end"]
    return (
        isinstance(start, str)
        and isinstance(end, str)
        and start != end
        and all(QUIET_TIME.fullmatch(t) for t in (start, end))
    )
