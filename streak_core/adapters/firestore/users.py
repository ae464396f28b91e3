"""A user's own documents: settings, the session log, days, the streak, devices and notifications."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter

from streak_core.adapters.firestore import paths
from streak_core.adapters.firestore.client import (
    LazyFirestore,
    batch_read,
    fields_of,
    run_transaction,
    store_errors,
    stream,
)
from streak_core.adapters.firestore.documents import (
    BOARD_ENTRY_DOC,
    MEMBER_DOC,
    day_from_doc,
    day_starts_fields,
    day_to_doc,
    is_tombstone,
    month_changes,
    month_seconds,
    notification_from_doc,
    pair_ids_of,
    session_from_doc,
    session_to_doc,
    settings_from_doc,
    settings_to_doc,
)
from streak_core.adapters.firestore.queueing import KeyedQueue
from streak_core.adapters.firestore.staged import (
    create_missing_outbox,
    stage_board_move,
    stage_league_scores,
    stage_memberships,
)
from streak_core.adapters.firestore.streaks import (
    stage_streak,
    stage_streak_fields,
    streak_from_doc,
    streak_state_from_doc,
)
from streak_core.domain.boards import BoardEntry, BoardMove, board_keys, last_qualified_day, period_key
from streak_core.domain.leagues import league_weeks_read
from streak_core.domain.vocabulary import Period, Platform
from streak_core.models.leagues import LeagueMember
from streak_core.models.notifications import StoredNotification
from streak_core.models.streaks import DayRecord, StoredSession, StreakRecord
from streak_core.models.users import UserSettings
from streak_core.ports.users import (
    NotificationPosition,
    Profiles,
    UserSnapshot,
    UserStore,
    UserTransaction,
    UserWrites,
)

T = TypeVar("T")


USER_QUEUE = KeyedQueue()  # one per process: every store of the instance queues on it


class FirestoreUserStore(UserStore):
    """`users/{uid}`, `users/{uid}/sessions/{id}`, `users/{uid}/days/{date}` and `streaks/{uid}`."""

    def __init__(self, client: LazyFirestore, max_attempts: int = 10) -> None:
        self._client = client
        self._max_attempts = max_attempts

    def _refs(
        self, uid: str, session_ids: Iterable[str], days: Iterable[date], boards_of: Iterable[date] = ()
    ) -> list[Any]:
        client = self._client()
        refs = [paths.user(client, uid), paths.streak(client, uid)]
        refs += [paths.session(client, uid, sid) for sid in sorted(set(session_ids))]
        refs += [paths.day(client, uid, d.isoformat()) for d in sorted(set(days))]
        boards_of = list(boards_of)
        refs += [paths.board_entry(client, key, uid) for key in board_keys(boards_of)]
        refs += [paths.league_member(client, week, uid) for week in league_weeks_read(boards_of)]
        return refs

    def run_in_transaction(self, uid: str, body: Callable[[UserTransaction], T]) -> T:
        client = self._client()
        with USER_QUEUE.turn(uid):  # this user's other requests on this instance go first (queueing.py)
            return run_transaction(
                client, lambda tx: body(_Transaction(self, client, tx, uid)), self._max_attempts
            )

    def snapshot(self, uid: str, session_ids: Iterable[str], days: Iterable[date]) -> UserSnapshot:
        with store_errors():
            docs = list(self._client().get_all(self._refs(uid, session_ids, days)))
        return _to_snapshot(docs)

    def days_between(self, uid: str, first: date, last: date) -> dict[date, DayRecord]:
        query = (
            paths.user(self._client(), uid)
            .collection("days")
            .where(filter=FieldFilter("date", ">=", first.isoformat()))
            .where(filter=FieldFilter("date", "<=", last.isoformat()))
        )
        records = [day_from_doc(doc.to_dict()) for doc in stream(query, "days")]
        return {r.day: r for r in records}

    def seconds_between(self, uid: str, first: date, last: date) -> dict[date, int]:
        """Each day's focus from the month documents: one batched read of at most 13 documents a year."""
        client = self._client()
        months = sorted({f"{first + timedelta(days=n):%Y-%m}" for n in range((last - first).days + 1)})
        with store_errors():
            docs = list(client.get_all([paths.month(client, uid, m) for m in months]))
        found = {d: s for doc in docs if doc.exists for d, s in month_seconds(doc.to_dict()).items()}
        return {d: s for d, s in found.items() if first <= d <= last}

    def save_settings(self, uid: str, settings: UserSettings, now: datetime) -> None:
        """The settings, their copy on the streak and on the current board entries change together."""
        client = self._client()
        streak_ref = paths.streak(client, uid)

        def body(transaction: Any) -> None:
            streak_doc = streak_ref.get(transaction=transaction)
            standings = _current_standings(client, transaction, uid, streak_doc)
            transaction.set(paths.user(client, uid), settings_to_doc(settings), merge=True)
            if streak_doc.exists:
                # The reminder hour or zone may have moved: the next reminder tick works it out afresh.
                fields = {
                    "timezone_setting": settings.timezone,
                    **day_starts_fields(settings.day_starts),
                    "reminder_at": now,
                }
                stage_streak_fields(client, transaction, uid, fields)
            for doc in standings:
                entry = BOARD_ENTRY_DOC.load(doc.to_dict())
                shown = replace(
                    entry, visibility=settings.leaderboard_visibility, display_name=settings.display_name
                )
                key = doc.reference.parent.parent.id
                stage_board_move(client, transaction, BoardMove(key, uid, entry, shown))

        run_transaction(client, body, self._max_attempts)

    def add_device(self, uid: str, token: str, platform: Platform, now: datetime) -> bool:
        ref = paths.device(self._client(), uid, token)

        def body(transaction: Any) -> bool:
            existing = ref.get(transaction=transaction)
            data: dict[str, Any] = {"token": token, "platform": platform.value, "last_seen_at": now}
            if not existing.exists:
                data["registered_at"] = now
            transaction.set(ref, data, merge=True)
            return not existing.exists

        return run_transaction(self._client(), body, self._max_attempts)

    def remove_device(self, uid: str, token: str) -> None:
        with store_errors():
            paths.device(self._client(), uid, token).delete()

    def notifications(
        self, uid: str, limit: int, after: NotificationPosition | None
    ) -> list[StoredNotification]:
        outbox = paths.outbox(self._client())
        query = (
            outbox.where(filter=FieldFilter("uid", "==", uid))
            .order_by("created_at", direction=firestore.Query.DESCENDING)
            .order_by("__name__", direction=firestore.Query.DESCENDING)
            .limit(limit)
        )
        if after is not None:
            query = query.start_after(
                {"created_at": after.created_at, "__name__": outbox.document(after.entry_id)}
            )
        return [notification_from_doc(doc.id, doc.to_dict()) for doc in stream(query, "notifications")]


def _to_snapshot(docs: Iterable[Any]) -> UserSnapshot:
    settings, streak = UserSettings(), StreakRecord()
    days: dict[date, DayRecord] = {}
    sessions: dict[str, StoredSession] = {}
    boards: dict[str, BoardEntry] = {}
    deleted: set[str] = set()
    leagues: dict[str, LeagueMember] = {}
    pairs: tuple[str, ...] = ()
    known = False
    for doc in docs:
        if not doc.exists:
            continue
        data = fields_of(doc)
        kind = doc.reference.parent.id
        if kind == "users":
            settings, known, pairs = settings_from_doc(data), True, pair_ids_of(data)
        elif kind == "streaks":
            streak, known = streak_from_doc(data), True
        elif kind == "days":
            record = day_from_doc(data)
            days[record.day] = record
        elif kind == "sessions" and is_tombstone(data):
            deleted.add(doc.id)
        elif kind == "sessions":
            stored = session_from_doc(data)
            sessions[stored.session.id] = stored
        elif kind == "entries":
            boards[doc.reference.parent.parent.id] = BOARD_ENTRY_DOC.load(data)
        elif kind == "league_members":
            member = MEMBER_DOC.load(data)
            leagues[member.week] = member
    return UserSnapshot(settings, streak, days, sessions, known, boards, deleted, leagues, pairs)


class _Transaction(UserTransaction):
    def __init__(self, store: FirestoreUserStore, client: Any, transaction: Any, uid: str) -> None:
        self._store, self._client, self._tx, self._uid = store, client, transaction, uid
        self._stored_streak: dict[str, Any] | None = None  # as read: the write sends what moved from it

    def read(
        self, session_ids: Iterable[str], days: Iterable[date], boards_of: Iterable[date] = ()
    ) -> UserSnapshot:
        refs = self._store._refs(self._uid, session_ids, days, boards_of)
        with store_errors():
            docs = batch_read(self._client, refs, self._tx)
        streaks = [d for d in docs if d.exists and d.reference.parent.id == "streaks"]
        self._stored_streak = fields_of(streaks[0]) if streaks else None
        return _to_snapshot(docs)

    def apply(self, writes: UserWrites) -> None:
        client, tx, uid = self._client, self._tx, self._uid
        create_missing_outbox(client, tx, writes.outbox, writes.events)
        stage_league_scores(client, tx, writes.leagues)
        stage_memberships(client, tx, uid, writes.memberships)
        for move in writes.boards:
            stage_board_move(client, tx, move)
        for stored in writes.sessions:
            tx.create(paths.session(client, uid, stored.session.id), session_to_doc(stored))
        for record in writes.days:
            tx.set(paths.day(client, uid, record.day.isoformat()), day_to_doc(record))
        stage_months(client, tx, uid, [(r.day, r.state.seconds) for r in writes.days])
        stage_streak(client, tx, uid, writes.streak, self._stored_streak)


def stage_months(client: Any, writer: Any, uid: str, days: Iterable[tuple[date, int | None]]) -> None:
    """Stage, beside the day documents' writes, their seconds in the calendar's month documents."""
    for key, change in month_changes(days).items():
        writer.set(paths.month(client, uid, key), change, merge=True)


def _current_standings(client: Any, transaction: Any, uid: str, streak_doc: Any) -> list[Any]:
    """The board entries that can still be on a current board: all-time, and the week and month of the
    latest qualified day (older periods are over). Read in the transaction, before its writes."""
    if not streak_doc.exists:
        return []
    last = last_qualified_day(streak_state_from_doc(streak_doc.to_dict()))
    keys = [period_key(Period.ALL, date.min)]
    if last:
        keys += [period_key(p, last) for p in (Period.WEEK, Period.MONTH)]
    refs = [paths.board_entry(client, key, uid) for key in keys]
    return [doc for doc in transaction.get_all(refs) if doc.exists]


class FirestoreProfiles(Profiles):
    """What other users may read of a user: `users/{uid}` settings and `users/{uid}/days/{date}` focus."""

    def __init__(self, client: LazyFirestore) -> None:
        self._client = client

    def profiles(self, uids: list[str]) -> dict[str, UserSettings]:
        """One batched read of the users' settings documents."""
        if not uids:
            return {}
        client = self._client()
        with store_errors():
            docs = list(client.get_all([paths.user(client, uid) for uid in uids]))
        return {doc.id: settings_from_doc(doc.to_dict()) for doc in docs if doc.exists}

    def focus_seconds(self, days: list[tuple[str, date]]) -> dict[tuple[str, date], int]:
        """Focus on each (user, local date), in one batched read; days with no document are left out."""
        client = self._client()
        refs = {paths.day(client, uid, day.isoformat()): (uid, day) for uid, day in days}
        if not refs:
            return {}
        with store_errors():
            docs = list(client.get_all(list(refs)))
        return {refs[doc.reference]: day_from_doc(doc.to_dict()).state.seconds for doc in docs if doc.exists}
