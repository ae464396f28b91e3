"""The session log as its owner sees it: listed a page at a time, newest first; a wrong session deleted."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, tzinfo

from streak_core.domain.config import StreakConfig
from streak_core.domain.ids import is_session_id
from streak_core.domain.sessions import FieldIssue
from streak_core.domain.timeline import zone_named
from streak_core.errors import InvalidRequest, SessionNotFound
from streak_core.models.streaks import StoredSession, user_timezone
from streak_core.ports.rebuild import RebuildStore, RebuildTransaction
from streak_core.ports.users import UserStore
from streak_core.ports.your_data import SessionPosition, UserDataReader
from streak_core.services.cursors import Cursors
from streak_core.services.rebuild import rebuild_within

# Beyond any instant a session can have (they lie between 1900 and 9000), either way.
EARLIEST_MS, LATEST_MS = -(2**53), 2**53


@dataclass(frozen=True, slots=True)
class SessionsPage:
    sessions: list[StoredSession]
    next_cursor: str | None


def list_sessions(
    users: UserStore,
    data: UserDataReader,
    cursors: Cursors,
    uid: str,
    first: date | None,
    last: date | None,
    limit: int,
    cursor: str | None,
) -> SessionsPage:
    """The user's sessions that start on first..last (their local dates, either end open), newest first."""
    if first is not None and last is not None and last < first:
        raise InvalidRequest([FieldIssue("to", "before_from", "must not be earlier than 'from'")])
    lo_ms, hi_ms = EARLIEST_MS, LATEST_MS
    if first is not None or last is not None:
        snap = users.snapshot(uid, (), ())
        zone = zone_named(user_timezone(snap.settings, snap.streak))
        if first is not None:
            lo_ms = _start_ms(first, zone)
        if last is not None:
            lo_next = date.fromordinal(last.toordinal() + 1)
            hi_ms = _start_ms(lo_next, zone)
    after = cursors.session_position(cursor, lo_ms, hi_ms) if cursor is not None else None
    rows = data.sessions_page(uid, lo_ms, hi_ms, limit + 1, after)
    page = rows[:limit]
    following = None
    if len(rows) > limit:
        tail = page[-1].session
        following = cursors.sessions(SessionPosition(tail.start_ms, tail.id), lo_ms, hi_ms)
    return SessionsPage(page, following)


def _start_ms(day: date, zone: tzinfo) -> int:
    return int(datetime.combine(day, time(), zone).astimezone(UTC).timestamp() * 1000)


def delete_session(
    store: RebuildStore, uid: str, session_id: str, now: datetime, config: StreakConfig
) -> None:
    """Take a session out of the log: it becomes a tombstone (its id is never accepted again) and every
    projection is rebuilt without it in the same transaction (days, streak, boards of open periods,
    progress of unsettled challenges); badges stay earned. Again: nothing changes. SessionNotFound for an
    id the user never sent."""
    if not is_session_id(session_id):
        raise SessionNotFound

    def body(tx: RebuildTransaction) -> None:
        history = tx.history()
        if session_id in history.deleted:
            return
        if not any(stored.session.id == session_id for stored in history.sessions):
            raise SessionNotFound
        kept = [stored for stored in history.sessions if stored.session.id != session_id]
        rebuild_within(tx, uid, now, config, False, replace(history, sessions=kept), (session_id,))

    store.run_in_transaction(uid, body)
