"""`streaks/{uid}`, the read model: its document, and the one function that writes it (with the badge
counters the write moves), whichever use case changed it."""

from __future__ import annotations

import dataclasses
import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from google.cloud import firestore

from streak_core.adapters.firestore import paths
from streak_core.adapters.firestore.analytics import stage_counts
from streak_core.adapters.firestore.badges import SHARDS
from streak_core.adapters.firestore.codec import Codec
from streak_core.adapters.firestore.documents import MEMBERSHIP_DOC, Doc, day_starts_fields, day_starts_of
from streak_core.domain.badges import BadgeTally
from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.runs import ordinals
from streak_core.domain.streaks import StreakState
from streak_core.models.streaks import Absence, StreakRecord

ABSENCE_DOC = Codec(Absence)
# Written before the document's own update time was enough: removed on the next write.
RETIRED = ("updated_at",)


@dataclass(frozen=True, slots=True)
class StreakWrite:
    """One user's streak to store; with `version` (the document's update time when read) only if it is
    still that version (a guarded update, for writes outside a transaction); with `stored` (the document
    as read) only the fields that moved."""

    uid: str
    record: StreakRecord
    version: object = None
    stored: Doc | None = None


def stage_streaks(client: Any, writer: Any, writes: Iterable[StreakWrite]) -> None:
    """Stage the streak documents in `writer` (a transaction or a batch) with the increments of the badge
    counters they are due to move, in one shard write for all of them. Every write of `streaks/{uid}`
    comes through here, so no use case can forget the counters."""
    staged = list(writes)
    for write in staged:
        ref, doc = paths.streak(client, write.uid), streak_to_doc(write.uid, write.record)
        if write.stored is not None:
            # Encoding is most of a write's cost to us and to the store: send what moved, not the runs.
            doc = moved_fields(write.stored, doc)
            if not doc:
                continue
        if write.version is not None:
            writer.update(ref, doc, option=client.write_option(last_update_time=write.version))
        elif write.stored is not None:
            writer.update(ref, doc)  # read in this transaction, so it exists
        else:
            writer.set(ref, doc)
    move_counters(client, writer, [write.record for write in staged])
    stage_counts(client, writer, [c for write in staged for c in write.record.analytics_due])


def moved_fields(stored: Doc, doc: Doc) -> Doc:
    """The fields of `doc` whose value differs from the stored document's (and the deletion of retired
    ones it still has); nothing when nothing moved."""
    moved = {key: value for key, value in doc.items() if key not in stored or stored[key] != value}
    moved.update({key: firestore.DELETE_FIELD for key in RETIRED if key in stored})
    return moved


def stage_streak(client: Any, writer: Any, uid: str, record: StreakRecord, stored: Doc | None = None) -> None:
    """`stage_streaks` for one user, unguarded (inside a transaction); with `stored`, the document as this
    transaction read it."""
    stage_streaks(client, writer, [StreakWrite(uid, record, stored=stored)])


def move_counters(client: Any, writer: Any, streaks: Iterable[StreakRecord]) -> None:
    """The increments of the rarity counters the streaks' writes are due to move (badges just awarded,
    the active-user count on first activity), as one write to a random shard."""
    due = Counter(key for streak in streaks for key in streak.counts_due)
    if due:
        shard = paths.badge_count_shard(client, random.randrange(SHARDS))
        writer.set(shard, {"counts": {k: firestore.Increment(n) for k, n in due.items()}}, merge=True)


def streak_state_to_doc(state: StreakState) -> Doc:
    """The facts and the runs derived from them, as flat lists (Firestore has no nested arrays)."""
    return {
        "run_starts": list(state.starts),
        "run_ends": list(state.ends),
        "run_lengths": list(state.lengths),
        "recovered": list(state.recovered),
        "candidates": list(state.candidates),
        "qualified_days": state.qualified_days,
        "longest_streak": state.longest_streak,
        "q_starts": list(state.q_starts),
        "q_ends": list(state.q_ends),
        "strong": sorted(state.strong),
        "frozen": list(state.frozen),
        "paused": list(state.paused),
        "excused": list(state.excused),
        "freezes_available": state.freezes_available,
    }


def streak_state_from_doc(data: Doc) -> StreakState:
    def ints(key: str) -> list[int]:
        return [int(v) for v in data.get(key) or []]

    freezes = int(data.get("freezes_available") or 0)
    if "q_starts" not in data:
        # Written before qualified days were kept apart: they were the covered days that were neither frozen
        # nor recovered, and no day was strong, paused or excused.
        bridged = set(ints("frozen")) | set(ints("recovered"))
        covered = (
            o for s, e in zip(ints("run_starts"), ints("run_ends"), strict=True) for o in range(s, e + 1)
        )
        qualified = [date.fromordinal(o) for o in covered if o not in bridged]
        frozen = [date.fromordinal(o) for o in ints("frozen")]
        return StreakState.from_facts(qualified, [], frozen, [], [], freezes, DEFAULT_CONFIG)
    return StreakState(
        starts=ordinals(ints("run_starts")),
        ends=ordinals(ints("run_ends")),
        lengths=ordinals(ints("run_lengths")),
        recovered=ints("recovered"),
        candidates=ints("candidates"),
        qualified_days=int(data.get("qualified_days") or 0),
        longest_streak=int(data.get("longest_streak") or 0),
        q_starts=ordinals(ints("q_starts")),
        q_ends=ordinals(ints("q_ends")),
        strong=set(ints("strong")),
        frozen=ints("frozen"),
        paused=ints("paused"),
        excused=ints("excused"),
        freezes_available=freezes,
    )


def streak_to_doc(uid: str, record: StreakRecord) -> Doc:
    return {
        "uid": uid,
        **streak_state_to_doc(record.state),
        "latest_session_end_ms": record.latest_session_end_ms,
        "latest_session_timezone": record.latest_session_timezone,
        "weekly_bonus_weeks": list(record.weekly_bonus_weeks),
        "maintenance_due_at": record.maintenance_due_at,
        "last_maintained_date": record.last_maintained_date.isoformat()
        if record.last_maintained_date
        else None,
        "timezone_setting": record.timezone_setting,
        **day_starts_fields(record.day_starts_setting),
        "reminder_at": record.reminder_at,
        "badges": dict(record.badges),
        "badge_tally": dataclasses.asdict(record.badge_tally),
        "counted_active": record.counted_active,
        "challenges": {cid: MEMBERSHIP_DOC.dump(m) for cid, m in record.challenges.items()},
        "challenge_rewards": dict(record.challenge_rewards),
        "months_ready": record.months_ready,
        "days_version": record.days_version,
        "active_on": record.active_on.isoformat() if record.active_on else None,
        "qualifying_on": record.qualifying_on.isoformat() if record.qualifying_on else None,
        "year_seconds": dict(record.year_seconds),
        "absence": ABSENCE_DOC.dump(record.absence) if record.absence else None,
        # Derived, so that boards and friend lists can project one small field instead of every run.
        "last_run": _last_run(record.state),
    }


def _badge_tally(data: Doc) -> BadgeTally:
    known = {f.name for f in dataclasses.fields(BadgeTally)}
    return BadgeTally(**{key: int(value) for key, value in data.items() if key in known})


def _last_run(state: StreakState) -> Doc | None:
    if not state.starts:
        return None
    start, end = date.fromordinal(state.starts[-1]), date.fromordinal(state.ends[-1])
    return {"start": start.isoformat(), "end": end.isoformat(), "length": state.lengths[-1]}


def streak_from_doc(data: Doc) -> StreakRecord:
    maintained = data.get("last_maintained_date")
    return StreakRecord(
        state=streak_state_from_doc(data),
        latest_session_end_ms=int(data.get("latest_session_end_ms") or 0),
        latest_session_timezone=data.get("latest_session_timezone"),
        weekly_bonus_weeks=list(data.get("weekly_bonus_weeks") or []),
        maintenance_due_at=data.get("maintenance_due_at"),
        last_maintained_date=date.fromisoformat(maintained) if maintained else None,
        timezone_setting=data.get("timezone_setting"),
        day_starts_setting=day_starts_of(data),
        reminder_at=data.get("reminder_at"),
        badges=dict(data.get("badges") or {}),
        badge_tally=_badge_tally(data.get("badge_tally") or {}),
        counted_active=bool(data.get("counted_active")),
        challenges={cid: MEMBERSHIP_DOC.load(m) for cid, m in (data.get("challenges") or {}).items()},
        challenge_rewards={cid: int(xp) for cid, xp in (data.get("challenge_rewards") or {}).items()},
        months_ready=bool(data.get("months_ready")),
        days_version=int(data.get("days_version") or 0),
        active_on=_date_or_none(data.get("active_on")),
        qualifying_on=_date_or_none(data.get("qualifying_on")),
        year_seconds={str(y): int(s) for y, s in (data.get("year_seconds") or {}).items()},
        absence=ABSENCE_DOC.load(data["absence"]) if data.get("absence") else None,
    )


def _date_or_none(value: object) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def stage_streak_fields(client: Any, writer: Any, uid: str, fields: Doc, version: object = None) -> None:
    """Some fields of an existing streak document on their own (when the next reminder is due, the copy of
    the time zone setting): no badge can be earned by them, so no counter moves; with `version`, only if the
    document is still that version."""
    option = client.write_option(last_update_time=version) if version is not None else None
    ref = paths.streak(client, uid)
    if option is None:
        writer.update(ref, fields)
    else:
        writer.update(ref, fields, option=option)
