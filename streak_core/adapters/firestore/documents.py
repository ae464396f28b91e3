"""Records to Firestore documents and back. Flat where Firestore needs it (it has no nested arrays);
tolerant of fields older documents lack."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any, TypeVar

from google.cloud import firestore

from streak_core.domain.boards import BoardEntry
from streak_core.domain.challenges import Challenge, ChallengeTerms, Membership
from streak_core.domain.days import DayState
from streak_core.domain.notifications import QuietHours
from streak_core.domain.sessions import Session, parse_instant
from streak_core.domain.vocabulary import (
    ChallengeKind,
    ChallengeVisibility,
    Channel,
    DeliveryStatus,
    Locale,
    NotificationKind,
    RunStatus,
    Visibility,
)
from streak_core.models.maintenance import DeadLetter, MaintenanceRun, Outage
from streak_core.models.notifications import SWEEP_GRACE, OutboxEntry, StoredNotification
from streak_core.models.social import BoardRow, BoardSnapshot
from streak_core.models.streaks import DayRecord, Pause, StoredSession
from streak_core.models.users import NotificationPreferences, UserSettings

Doc = dict[str, Any]
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
def terms_to_doc(terms: ChallengeTerms) -> Doc:
    return {
        "kind": terms.kind.value,
        "target": terms.target,
        "starts_on": terms.starts_on.isoformat(),
        "ends_on": terms.ends_on.isoformat(),
        "reward_xp": terms.reward_xp,
    }


def terms_from_doc(data: Doc) -> ChallengeTerms:
    return ChallengeTerms(
        ChallengeKind(data["kind"]),
        int(data["target"]),
        date.fromisoformat(data["starts_on"]),
        date.fromisoformat(data["ends_on"]),
        int(data["reward_xp"]),
    )


def challenge_to_doc(challenge: Challenge, audience: list[str]) -> Doc:
    terms = challenge.terms
    return {
        "id": challenge.id,
        "title": challenge.title,
        **terms_to_doc(terms),
        "visibility": challenge.visibility.value,
        "created_by": challenge.created_by,
        "created_at": challenge.created_at,
        # Derived, for the listing's queries: who may list it, and when its window opens and closes.
        "audience": audience,
        "opens_at": terms.opens_at,
        "closes_at": terms.closes_at,
    }


def challenge_from_doc(data: Doc, participants: int = 0) -> Challenge:
    return Challenge(
        data["id"],
        data["title"],
        terms_from_doc(data),
        ChallengeVisibility(data["visibility"]),
        data["created_by"],
        data["created_at"],
        participants,
    )


def membership_to_doc(membership: Membership) -> Doc:
    return {
        "challenge_id": membership.challenge_id,
        "title": membership.title,
        **terms_to_doc(membership.terms),
        "joined_at": membership.joined_at,
        "count": membership.count,
        "completed_at": membership.completed_at,
    }


def membership_from_doc(data: Doc) -> Membership:
    return Membership(
        data["challenge_id"],
        data["title"],
        terms_from_doc(data),
        data["joined_at"],
        int(data.get("count") or 0),
        data.get("completed_at"),
    )


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
    )


def _word(vocabulary: type[W], stored: object, default: W) -> W:
    """The stored word, or the default for one this version does not know."""
    try:
        return vocabulary(stored) if isinstance(stored, str) else default
    except ValueError:
        return default


# --- pauses --------------------------------------------------------------------------------------------
def pause_to_doc(pause: Pause) -> Doc:
    return {
        "id": pause.id,
        "from": pause.first.isoformat(),
        "to": pause.last.isoformat(),
        "created_at": pause.created_at,
    }


def pause_from_doc(data: Doc) -> Pause:
    return Pause(
        str(data["id"]), date.fromisoformat(data["from"]), date.fromisoformat(data["to"]), data["created_at"]
    )


# --- outages --------------------------------------------------------------------------------------------
def outage_to_doc(outage: Outage) -> Doc:
    return {
        "id": outage.id,
        "start": outage.start,
        "end": outage.end,
        "reason": outage.reason,
        "created_at": outage.created_at,
    }


def outage_from_doc(data: Doc) -> Outage:
    return Outage(str(data["id"]), data["start"], data["end"], str(data["reason"]), data["created_at"])


# --- boards ----------------------------------------------------------------------------------------------
def board_entry_to_doc(entry: BoardEntry) -> Doc:
    return {
        "uid": entry.uid,
        "score": entry.score,
        "longest_streak": entry.longest_streak,
        "reached_at": entry.reached_at,
        "visibility": entry.visibility.value,
        "display_name": entry.display_name,
    }


def board_entry_from_doc(data: Doc) -> BoardEntry:
    return BoardEntry(
        uid=str(data["uid"]),
        score=int(data["score"]),
        longest_streak=int(data.get("longest_streak") or 0),
        reached_at=data["reached_at"],
        visibility=_word(Visibility, data.get("visibility"), Visibility.FRIENDS),
        display_name=data.get("display_name"),
    )


def snapshot_to_doc(snapshot: BoardSnapshot) -> Doc:
    rows = [
        {
            **board_entry_to_doc(row.entry),
            "rank": row.rank,
            "current_streak": row.current_streak,
            "shown_longest_streak": row.longest_streak,
        }
        for row in snapshot.rows
    ]
    return {"built_at": snapshot.built_at, "rows": rows}


def snapshot_from_doc(data: Doc) -> BoardSnapshot:
    rows = tuple(
        BoardRow(
            rank=int(row["rank"]),
            entry=board_entry_from_doc(row),
            current_streak=int(row["current_streak"]),
            longest_streak=int(row["shown_longest_streak"]),
        )
        for row in data.get("rows") or []
    )
    return BoardSnapshot(data["built_at"], rows)


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


# --- maintenance runs and dead letters -------------------------------------------------------------------
def run_to_doc(run: MaintenanceRun) -> Doc:
    return {
        "run_id": run.run_id,
        "status": run.status.value,
        "users_due": run.users_due,
        "users_processed": run.users_processed,
        "users_failed": run.users_failed,
        "batches": run.batches,
        "batches_done": run.batches_done,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
    }


def run_from_doc(data: Doc) -> MaintenanceRun:
    return MaintenanceRun(
        run_id=str(data["run_id"]),
        status=RunStatus(data["status"]),
        users_due=int(data["users_due"]),
        users_processed=int(data["users_processed"]),
        users_failed=int(data["users_failed"]),
        batches=None if data.get("batches") is None else int(data["batches"]),
        batches_done=int(data.get("batches_done") or 0),
        started_at=data["started_at"],
        finished_at=data.get("finished_at"),
    )


def dead_letter_to_doc(letter: DeadLetter) -> Doc:
    return {
        "id": letter.id,
        "uid": letter.uid,
        "run_id": letter.run_id,
        "now": letter.now,
        "error": letter.error,
        "attempts": letter.attempts,
        "failed_at": letter.failed_at,
    }


def dead_letter_from_doc(data: Doc) -> DeadLetter:
    return DeadLetter(
        id=str(data["id"]),
        uid=str(data["uid"]),
        run_id=data.get("run_id"),
        now=data["now"],
        error=str(data.get("error") or ""),
        attempts=int(data.get("attempts") or 0),
        failed_at=data["failed_at"],
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
