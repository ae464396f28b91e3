"""Records to Firestore documents and back. Flat where Firestore needs it (it has no nested arrays);
tolerant of fields older documents lack."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any, TypeVar

from google.cloud import firestore

from streak_core.adapters.firestore.codec import Codec
from streak_core.adapters.firestore.codec import Doc as Doc
from streak_core.domain.boards import BoardEntry
from streak_core.domain.challenges import Challenge, ChallengeTerms, Membership
from streak_core.domain.day_start import DayStarts
from streak_core.domain.days import DayState
from streak_core.domain.notifications import QuietHours
from streak_core.domain.sessions import Session, parse_instant
from streak_core.domain.vocabulary import (
    Channel,
    DeliveryStatus,
    Locale,
    NotificationKind,
    Visibility,
)
from streak_core.models.leagues import LeagueMember
from streak_core.models.notifications import SWEEP_GRACE, OutboxEntry, StoredNotification
from streak_core.models.streaks import DayRecord, Pause, StoredSession
from streak_core.models.users import NotificationPreferences, UserSettings

W = TypeVar("W", bound=StrEnum)


# --- sessions and days --------------------------------------------------------------------------------
def session_to_doc(stored: StoredSession) -> Doc:
    s = stored.session
    return {
        **s.canonical(),
        "start_ms": s.start_ms,
        "end_ms": s.end_ms,
        "received_at": stored.received_at,
        "days": [d.isoformat() for d in stored.days],
    }


def session_tombstone(session_id: str, deleted_at: Any) -> Doc:
    """What stays of a deleted session in the log: its id (which cannot be used again) and when (an instant,
    or the server's timestamp)."""
    return {"id": session_id, "deleted_at": deleted_at}


def is_tombstone(data: Doc) -> bool:
    return "deleted_at" in data


def session_from_doc(data: Doc) -> StoredSession:
    session = Session(data["id"], parse_instant(data["start"]), parse_instant(data["end"]), data["timezone"])
    received = data.get("received_at")
    return StoredSession(
        session,
        received if isinstance(received, datetime) else session.end,
        tuple(date.fromisoformat(d) for d in data.get("days", [])),
    )


def day_to_doc(record: DayRecord) -> Doc:
    state = record.state
    return {
        "date": state.day.isoformat(),
        "intervals": [t for interval in state.intervals for t in interval],
        "focus_ms": state.focus_ms,
        "seconds": state.seconds,
        "pieces": {sid: [a, b] for sid, (a, b) in record.pieces.items()},
        "early": record.early,
        "late": record.late,
    }


def day_from_doc(data: Doc) -> DayRecord:
    flat = [int(t) for t in data.get("intervals", [])]
    intervals = list(zip(flat[::2], flat[1::2], strict=True))
    state = DayState(date.fromisoformat(data["date"]), intervals, int(data.get("focus_ms", 0)))
    pieces = {sid: (int(p[0]), int(p[1])) for sid, p in (data.get("pieces") or {}).items()}
    return DayRecord(state, pieces, bool(data.get("early")), bool(data.get("late")))


# --- challenges ----------------------------------------------------------------------------------------
TERMS_DOC = Codec(ChallengeTerms)
CHALLENGE_DOC = Codec(Challenge, inline={"terms": TERMS_DOC}, given=("participants",))
MEMBERSHIP_DOC = Codec(Membership, inline={"terms": TERMS_DOC})


def challenge_to_doc(challenge: Challenge, audience: list[str]) -> Doc:
    terms = challenge.terms
    return {
        **CHALLENGE_DOC.dump(challenge),
        # Derived, for the listing's queries: who may list it, and when its window opens and closes.
        "audience": audience,
        "opens_at": terms.opens_at,
        "closes_at": terms.closes_at,
    }


def membership_doc(uid: str, membership: Membership) -> Doc:
    """The membership as stored under the user, with what its ranking query needs."""
    return {
        **MEMBERSHIP_DOC.dump(membership),
        "uid": uid,
        "progress": membership.progress,
        "standing": membership.standing_key(),
    }


# --- settings ------------------------------------------------------------------------------------------
def settings_to_doc(settings: UserSettings) -> Doc:
    prefs = settings.notifications
    quiet = prefs.quiet_hours
    return {
        "timezone": settings.timezone,
        "display_name": settings.display_name,
        "leaderboard_visibility": settings.leaderboard_visibility.value,
        "notifications": {
            "push": prefs.push,
            "email": prefs.email,
            "kinds": {kind.value: on for kind, on in prefs.kinds.items()},
            "quiet_hours": {"start": f"{quiet.start:%H:%M}", "end": f"{quiet.end:%H:%M}"} if quiet else None,
            "reminder_hour": prefs.reminder_hour,
        },
        "locale": settings.locale.value,
        "day_starts": day_starts_fields(settings.day_starts)["day_starts_setting"],
    }


def settings_from_doc(data: Doc) -> UserSettings:
    defaults = UserSettings()
    prefs = data.get("notifications") or {}
    kinds = prefs.get("kinds") or {}
    quiet = prefs.get("quiet_hours")
    return UserSettings(
        timezone=data.get("timezone"),
        display_name=data.get("display_name"),
        leaderboard_visibility=_word(
            Visibility, data.get("leaderboard_visibility"), defaults.leaderboard_visibility
        ),
        notifications=NotificationPreferences(
            push=bool(prefs.get("push", True)),
            email=bool(prefs.get("email", True)),
            muted=frozenset(kind for kind in NotificationKind if kinds.get(kind.value) is False),
            quiet_hours=(
                QuietHours(time.fromisoformat(quiet["start"]), time.fromisoformat(quiet["end"]))
                if quiet
                else None
            ),
            reminder_hour=int(prefs.get("reminder_hour", defaults.notifications.reminder_hour)),
        ),
        locale=_word(Locale, data.get("locale"), defaults.locale),
        day_starts=day_starts_of(data, "day_starts"),
    )


def day_starts_fields(starts: DayStarts) -> Doc:
    """The day-start changes as stored (on the user, and copied on the streak as `day_starts_setting`)."""
    return {"day_starts_setting": [{"from": d.isoformat(), "minutes": m} for d, m in starts.changes]}


def day_starts_of(data: Doc, key: str = "day_starts_setting") -> DayStarts:
    changes = data.get(key) or []
    return DayStarts(tuple((date.fromisoformat(c["from"]), int(c["minutes"])) for c in changes))


def _word(vocabulary: type[W], stored: object, default: W) -> W:
    """The stored word, or the default for one this version does not know."""
    try:
        return vocabulary(stored) if isinstance(stored, str) else default
    except ValueError:
        return default


# --- leagues -------------------------------------------------------------------------------------------
MEMBER_DOC = Codec(LeagueMember)
# What an acceptance moves: merged, so a placement of the same week written meanwhile is kept.
SCORE_FIELDS = ("week", "uid", "seconds", "longest_streak", "reached_at")


def score_fields(member: LeagueMember) -> Doc:
    return MEMBER_DOC.dump(member, only=SCORE_FIELDS)


# --- friend streaks -------------------------------------------------------------------------------------
FRIEND_STREAKS_FIELD = "friend_streaks"  # on users/{uid}: the ids of the user's friend streaks


def pair_ids_of(user_doc: Doc) -> tuple[str, ...]:
    return tuple(str(i) for i in user_doc.get(FRIEND_STREAKS_FIELD) or ())


# --- pauses --------------------------------------------------------------------------------------------
PAUSE_DOC = Codec(Pause, names={"first": "from", "last": "to"})


# --- boards ----------------------------------------------------------------------------------------------
BOARD_ENTRY_DOC = Codec(BoardEntry)


# --- the outbox ------------------------------------------------------------------------------------------
def outbox_to_doc(entry: OutboxEntry) -> Doc:
    return {
        "uid": entry.uid,
        "kind": entry.kind.value,
        "key": entry.key,
        "data": dict(entry.data),
        "created_at": entry.created_at,
        "channels": {channel.value: DeliveryStatus.PENDING.value for channel in Channel},
        "attempts": 0,
        # Only unsettled entries carry it, so the sweep's range query finds exactly those.
        "sweep_after": entry.created_at + SWEEP_GRACE,
    }


def notification_from_doc(entry_id: str, data: Doc) -> StoredNotification:
    channels = data.get("channels") or {}
    attempts = data.get("attempts_by_channel") or {}
    return StoredNotification(
        id=entry_id,
        uid=str(data["uid"]),
        kind=NotificationKind(data["kind"]),
        data=dict(data.get("data") or {}),
        created_at=data["created_at"],
        channels={c: DeliveryStatus(channels[c.value]) for c in Channel if c.value in channels},
        attempts={c: int(attempts[c.value]) for c in Channel if c.value in attempts},
    )


# --- calendar months -------------------------------------------------------------------------------------
def month_changes(days: Iterable[tuple[date, int | None]]) -> dict[str, Doc]:
    """The merge-writes that put each day's seconds (None: the day is gone) into its month document."""
    changes: dict[str, Doc] = {}
    for day, seconds in days:
        key = f"{day:%Y-%m}"
        entry = changes.setdefault(key, {"month": key, "seconds": {}})
        entry["seconds"][f"{day:%d}"] = firestore.DELETE_FIELD if seconds is None else seconds
    return changes


def month_seconds(data: Doc) -> dict[date, int]:
    year, month = (int(part) for part in str(data["month"]).split("-"))
    return {date(year, month, int(dd)): int(seconds) for dd, seconds in (data.get("seconds") or {}).items()}
