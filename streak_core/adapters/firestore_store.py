"""The user store on Firestore: one transaction per acceptance, batched reads, flat documents."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from google.api_core import exceptions as gexc
from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter

from streak_core.adapters.lazy import Lazy
from streak_core.domain.boards import BoardEntry, last_qualified_day, period_key
from streak_core.domain.days import DayState
from streak_core.domain.sessions import Session, parse_instant
from streak_core.domain.streaks import StreakState
from streak_core.models import (
    SWEEP_GRACE,
    DayRecord,
    DueUser,
    NotificationPreferences,
    OutboxEntry,
    StoredSession,
    StreakRecord,
    UserSettings,
    UserSnapshot,
    new_maintenance_run,
    user_timezone,
)
from streak_core.ports import Recipient, TransientStoreError, UserTransaction

T = TypeVar("T")
Doc = dict[str, Any]

# Failures after which nothing was committed and a retry may well succeed.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    gexc.ServiceUnavailable,
    gexc.DeadlineExceeded,
    gexc.Aborted,
    gexc.InternalServerError,
    gexc.TooManyRequests,
    gexc.ResourceExhausted,
    gexc.RetryError,
)


@contextmanager
def transient_errors_as_retryable() -> Iterator[None]:
    try:
        yield
    except TRANSIENT_ERRORS as exc:
        raise TransientStoreError(f"{type(exc).__name__}: {exc}") from exc
    except ValueError as exc:
        # The client gives up on a contended transaction with a bare ValueError; nothing was committed.
        if isinstance(exc.__cause__, TRANSIENT_ERRORS) or "Failed to commit transaction" in str(exc):
            raise TransientStoreError(f"contention: {exc}") from exc
        raise


class LazyFirestore(Lazy[Any]):
    """The Firestore client of `project_id`, created on first use (tests pass their own `factory`)."""

    def __init__(self, project_id: str | None, factory: Callable[[str | None], Any] | None = None) -> None:
        make = factory or (lambda project: firestore.Client(project=project))
        super().__init__(lambda: make(project_id))


class FirestoreUserStore:
    """`users/{uid}`, `users/{uid}/sessions/{id}`, `users/{uid}/days/{date}` and `streaks/{uid}`."""

    def __init__(self, client: LazyFirestore, max_attempts: int = 10) -> None:
        self._client = client
        self._max_attempts = max_attempts

    # --- references ------------------------------------------------------------------------------
    def _user(self, uid: str) -> Any:
        return self._client().collection("users").document(uid)

    def _refs(self, uid: str, session_ids: Iterable[str], days: Iterable[date]) -> list[Any]:
        user = self._user(uid)
        refs = [user, self._client().collection("streaks").document(uid)]
        refs += [user.collection("sessions").document(sid) for sid in sorted(set(session_ids))]
        refs += [user.collection("days").document(d.isoformat()) for d in sorted(set(days))]
        return refs

    # --- the port ------------------------------------------------------------------------------
    def run_in_transaction(self, uid: str, body: Callable[[UserTransaction], T]) -> T:
        client = self._client()

        @firestore.transactional
        def attempt(transaction: Any) -> T:
            return body(_Transaction(self, client, transaction, uid))

        with transient_errors_as_retryable():
            return attempt(client.transaction(max_attempts=self._max_attempts))  # type: ignore[no-any-return]

    def snapshot(self, uid: str, session_ids: Iterable[str], days: Iterable[date]) -> UserSnapshot:
        with transient_errors_as_retryable():
            docs = list(self._client().get_all(self._refs(uid, session_ids, days)))
        return self._to_snapshot(docs)

    def days_between(self, uid: str, first: date, last: date) -> dict[date, DayRecord]:
        query = (
            self._user(uid)
            .collection("days")
            .where(filter=FieldFilter("date", ">=", first.isoformat()))
            .where(filter=FieldFilter("date", "<=", last.isoformat()))
        )
        with transient_errors_as_retryable():
            records = [day_from_doc(doc.to_dict()) for doc in query.stream()]
        return {r.day: r for r in records}

    def save_settings(self, uid: str, settings: UserSettings, now: datetime) -> None:
        """The settings and their copy on the streak document change together, in one transaction."""
        client = self._client()
        streak_ref = client.collection("streaks").document(uid)

        @firestore.transactional
        def attempt(transaction: Any) -> None:
            streak_doc = streak_ref.get(transaction=transaction)
            standings = _current_standings(client, transaction, uid, streak_doc)
            transaction.set(self._user(uid), settings_to_doc(settings), merge=True)
            if streak_doc.exists:
                # The reminder hour or zone may have moved: the next reminder tick works it out afresh.
                update = {"timezone_setting": settings.timezone, "reminder_at": now}
                transaction.update(streak_ref, update)
            shown = {"visibility": settings.leaderboard_visibility, "display_name": settings.display_name}
            for ref in standings:
                transaction.update(ref, shown)

        with transient_errors_as_retryable():
            attempt(client.transaction(max_attempts=self._max_attempts))

    def _device(self, uid: str, token: str) -> Any:
        return self._user(uid).collection("devices").document(device_id(token))

    def add_device(self, uid: str, token: str, platform: str, now: datetime) -> bool:
        ref = self._device(uid, token)

        @firestore.transactional
        def attempt(transaction: Any) -> bool:
            existing = ref.get(transaction=transaction)
            data: Doc = {"token": token, "platform": platform, "last_seen_at": now}
            if not existing.exists:
                data["registered_at"] = now
            transaction.set(ref, data, merge=True)
            return not existing.exists

        with transient_errors_as_retryable():
            return bool(attempt(self._client().transaction(max_attempts=self._max_attempts)))

    def remove_device(self, uid: str, token: str) -> None:
        with transient_errors_as_retryable():
            self._device(uid, token).delete()

    def notifications(
        self, uid: str, limit: int, after: tuple[datetime, str] | None
    ) -> list[dict[str, object]]:
        outbox = self._client().collection("outbox")
        query = (
            outbox.where(filter=FieldFilter("uid", "==", uid))
            .order_by("created_at", direction=firestore.Query.DESCENDING)
            .order_by("__name__", direction=firestore.Query.DESCENDING)
            .limit(limit)
        )
        if after is not None:
            query = query.start_after({"created_at": after[0], "__name__": outbox.document(after[1])})
        with transient_errors_as_retryable():
            return [{"id": doc.id, **doc.to_dict()} for doc in query.stream()]

    # --- mapping ---------------------------------------------------------------------------------
    def _to_snapshot(self, docs: Iterable[Any]) -> UserSnapshot:
        settings, streak = UserSettings(), StreakRecord()
        days: dict[date, DayRecord] = {}
        sessions: dict[str, StoredSession] = {}
        for doc in docs:
            if not doc.exists:
                continue
            data = doc.to_dict()
            kind = doc.reference.parent.id
            if kind == "users":
                settings = settings_from_doc(data)
            elif kind == "streaks":
                streak = streak_from_doc(data)
            elif kind == "days":
                record = day_from_doc(data)
                days[record.day] = record
            elif kind == "sessions":
                stored = session_from_doc(data)
                sessions[stored.session.id] = stored
        return UserSnapshot(settings, streak, days, sessions)


class _Transaction:
    def __init__(self, store: FirestoreUserStore, client: Any, transaction: Any, uid: str) -> None:
        self._store, self._client, self._tx, self._uid = store, client, transaction, uid

    def read(self, session_ids: Iterable[str], days: Iterable[date]) -> UserSnapshot:
        refs = self._store._refs(self._uid, session_ids, days)
        return self._store._to_snapshot(self._tx.get_all(refs))

    def write(
        self,
        sessions: Iterable[StoredSession],
        days: Iterable[DayRecord],
        streak: StreakRecord,
        outbox: Iterable[OutboxEntry] = (),
        boards: Iterable[tuple[str, BoardEntry]] = (),
    ) -> None:
        create_missing_outbox(self._client, self._tx, outbox)
        for key, entry in boards:
            self._tx.set(board_ref(self._client, key, self._uid), board_entry_to_doc(entry))
        user = self._client.collection("users").document(self._uid)
        for stored in sessions:
            self._tx.create(user.collection("sessions").document(stored.session.id), session_to_doc(stored))
        for record in days:
            self._tx.set(user.collection("days").document(record.day.isoformat()), day_to_doc(record))
        self._tx.set(self._client.collection("streaks").document(self._uid), streak_to_doc(self._uid, streak))


# --- documents <-> records (flat: Firestore has no nested arrays) -------------------------------------
def session_to_doc(stored: StoredSession) -> Doc:
    s = stored.session
    return {
        **s.canonical(),
        "start_ms": s.start_ms,
        "end_ms": s.end_ms,
        "received_at": stored.received_at,
        "days": [d.isoformat() for d in stored.days],
    }


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
        "updated_at": firestore.SERVER_TIMESTAMP,
    }


def day_from_doc(data: Doc) -> DayRecord:
    flat = [int(t) for t in data.get("intervals", [])]
    intervals = list(zip(flat[::2], flat[1::2], strict=True))
    state = DayState(date.fromisoformat(data["date"]), intervals, int(data.get("focus_ms", 0)))
    pieces = {sid: (int(p[0]), int(p[1])) for sid, p in (data.get("pieces") or {}).items()}
    return DayRecord(state, pieces)


def streak_to_doc(uid: str, record: StreakRecord) -> Doc:
    return {
        "uid": uid,
        **record.state.to_dict(),
        "latest_session_end_ms": record.latest_session_end_ms,
        "latest_session_timezone": record.latest_session_timezone,
        "weekly_bonus_weeks": list(record.weekly_bonus_weeks),
        "maintenance_due_at": record.maintenance_due_at,
        "last_maintained_date": record.last_maintained_date.isoformat()
        if record.last_maintained_date
        else None,
        "timezone_setting": record.timezone_setting,
        "reminder_at": record.reminder_at,
        # Derived, so that boards and friend lists can project one small field instead of every run.
        "last_run": _last_run(record.state),
        "updated_at": firestore.SERVER_TIMESTAMP,
    }


def _last_run(state: StreakState) -> Doc | None:
    if not state.starts:
        return None
    start, end = date.fromordinal(state.starts[-1]), date.fromordinal(state.ends[-1])
    return {"start": start.isoformat(), "end": end.isoformat(), "length": state.lengths[-1]}


def board_entry_to_doc(entry: BoardEntry) -> Doc:
    return {
        "uid": entry.uid,
        "score": entry.score,
        "longest_streak": entry.longest_streak,
        "reached_at": entry.reached_at,
        "visibility": entry.visibility,
        "display_name": entry.display_name,
    }


def board_entry_from_doc(data: Doc) -> BoardEntry:
    return BoardEntry(
        uid=str(data["uid"]),
        score=int(data["score"]),
        longest_streak=int(data.get("longest_streak") or 0),
        reached_at=data["reached_at"],
        visibility=str(data.get("visibility") or "friends"),
        display_name=data.get("display_name"),
    )


def board_ref(client: Any, key: str, uid: str) -> Any:
    return client.collection("boards").document(key).collection("entries").document(uid)


def focus_seconds(client: Any, days: Iterable[tuple[str, date]]) -> dict[tuple[str, date], int]:
    """Focus on each (user, local date), in one batched read; days with no document are left out."""
    refs = {
        client.collection("users").document(uid).collection("days").document(day.isoformat()): (uid, day)
        for uid, day in days
    }
    if not refs:
        return {}
    with transient_errors_as_retryable():
        docs = list(client.get_all(list(refs)))
    return {
        refs[doc.reference]: day_from_doc(doc.to_dict()).state.focus_ms // 1000 for doc in docs if doc.exists
    }


def streak_from_doc(data: Doc) -> StreakRecord:
    maintained = data.get("last_maintained_date")
    return StreakRecord(
        state=StreakState.from_dict(data),
        latest_session_end_ms=int(data.get("latest_session_end_ms") or 0),
        latest_session_timezone=data.get("latest_session_timezone"),
        weekly_bonus_weeks=list(data.get("weekly_bonus_weeks") or []),
        maintenance_due_at=data.get("maintenance_due_at"),
        last_maintained_date=date.fromisoformat(maintained) if maintained else None,
        timezone_setting=data.get("timezone_setting"),
        reminder_at=data.get("reminder_at"),
    )


def settings_to_doc(settings: UserSettings) -> Doc:
    return settings.as_json()


def settings_from_doc(data: Doc) -> UserSettings:
    defaults = UserSettings()
    prefs = data.get("notifications") or {}
    kinds = dict(defaults.notifications.kinds)
    kinds.update({k: bool(v) for k, v in (prefs.get("kinds") or {}).items() if k in kinds})
    quiet = prefs.get("quiet_hours")
    return UserSettings(
        timezone=data.get("timezone"),
        display_name=data.get("display_name"),
        leaderboard_visibility=data.get("leaderboard_visibility") or defaults.leaderboard_visibility,
        notifications=NotificationPreferences(
            push=bool(prefs.get("push", True)),
            email=bool(prefs.get("email", True)),
            kinds=tuple(kinds.items()),
            quiet_hours=(str(quiet["start"]), str(quiet["end"])) if quiet else None,
            reminder_hour=int(prefs.get("reminder_hour", defaults.notifications.reminder_hour)),
        ),
        locale=data.get("locale") or defaults.locale,
    )


# --- maintenance ----------------------------------------------------------------------------------------
class FirestoreMaintenanceStore:
    """Due users by a single-field range query on `maintenance_due_at`, paged with a cursor."""

    def __init__(self, client: LazyFirestore) -> None:
        self._client = client

    def due_pages(self, now: datetime, page_size: int) -> Iterator[list[str]]:
        """Ids only: the projection reads just the due instant, which the cursor needs."""
        query = (
            self._client()
            .collection("streaks")
            .where(filter=FieldFilter("maintenance_due_at", "<=", now))
            .order_by("maintenance_due_at")
            .select(["maintenance_due_at"])
            .limit(page_size)
        )
        cursor = None
        while True:
            page_query = query.start_after(cursor) if cursor is not None else query
            with transient_errors_as_retryable():
                docs = list(page_query.stream())
            if not docs:  # only an empty page ends it: a page may come back short while users change
                return
            yield [doc.id for doc in docs]
            cursor = docs[-1]

    def load(self, uids: list[str]) -> list[DueUser]:
        """One batched read of the streak documents (they carry the timezone setting too)."""
        client = self._client()
        refs = [client.collection("streaks").document(uid) for uid in uids]
        with transient_errors_as_retryable():
            docs = [doc for doc in client.get_all(refs) if doc.exists]
        return [_due_user(doc.id, doc.to_dict(), doc.update_time) for doc in docs]

    def commit_if_unchanged(self, user: DueUser, outbox: list[OutboxEntry]) -> bool:
        return self.commit_all_if_unchanged([(user, outbox)])

    def commit_all_if_unchanged(self, items: list[tuple[DueUser, list[OutboxEntry]]]) -> bool:
        client = self._client()
        batch = client.batch()
        for user, outbox in items:
            self._stage(client, batch, user, outbox)
        try:
            with transient_errors_as_retryable():
                batch.commit()
        except (gexc.FailedPrecondition, gexc.AlreadyExists, gexc.Conflict, gexc.NotFound):
            return False
        return True

    @staticmethod
    def _stage(client: Any, batch: Any, user: DueUser, outbox: list[OutboxEntry]) -> None:
        ref = client.collection("streaks").document(user.uid)
        guard = client.write_option(last_update_time=user.version)
        batch.update(ref, streak_to_doc(user.uid, user.streak), option=guard)
        for entry in outbox:
            batch.create(client.collection("outbox").document(entry.id), outbox_to_doc(entry))

    def redo_in_transaction(self, uid: str, maintain: Callable[[DueUser], list[OutboxEntry]]) -> None:
        client = self._client()
        streak_ref = client.collection("streaks").document(uid)

        @firestore.transactional
        def attempt(transaction: Any) -> None:
            snapshot = streak_ref.get(transaction=transaction)
            if not snapshot.exists:
                return
            fresh = _due_user(uid, snapshot.to_dict(), None)
            create_missing_outbox(client, transaction, maintain(fresh))
            transaction.set(streak_ref, streak_to_doc(uid, fresh.streak))

        with transient_errors_as_retryable():
            attempt(client.transaction(max_attempts=10))


def _current_standings(client: Any, transaction: Any, uid: str, streak_doc: Any) -> list[Any]:
    """The board entries that can still be on a current board: all-time, and the week and month of the
    latest qualified day (older periods are over). Read in the transaction, before its writes."""
    if not streak_doc.exists:
        return []
    last = last_qualified_day(StreakState.from_dict(streak_doc.to_dict()))
    keys = ["all"] + ([period_key(p, last) for p in ("week", "month")] if last else [])
    refs = [board_ref(client, key, uid) for key in keys]
    return [doc.reference for doc in transaction.get_all(refs) if doc.exists]


def _due_user(uid: str, data: Doc, version: object) -> DueUser:
    record = streak_from_doc(data)
    return DueUser(uid, UserSettings(timezone=record.timezone_setting), record, version)


def device_id(token: str) -> str:
    """FCM tokens are long and not meant as document ids: the id is a digest, the token a field."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_missing_outbox(client: Any, transaction: Any, entries: Iterable[OutboxEntry]) -> None:
    """Create the entries that do not exist yet; existing ones keep their delivery status.

    It reads, so call it before the transaction's first write.
    """
    wanted = list(entries)
    refs = [client.collection("outbox").document(entry.id) for entry in wanted]
    existing = {doc.id for doc in transaction.get_all(refs) if doc.exists} if refs else set()
    for entry, ref in zip(wanted, refs, strict=True):
        if entry.id not in existing:
            transaction.create(ref, outbox_to_doc(entry))


def outbox_to_doc(entry: OutboxEntry) -> Doc:
    return {
        "uid": entry.uid,
        "kind": entry.kind,
        "key": entry.key,
        "data": entry.data,
        "created_at": entry.created_at,
        "channels": {"push": "pending", "email": "pending"},
        "attempts": 0,
        # Only unsettled entries carry it, so the sweep's range query finds exactly those.
        "sweep_after": entry.created_at + SWEEP_GRACE,
    }


class FirestoreRunStore:
    """`maintenance_runs/{run_id}` with `batches/{index}` markers so each batch is counted once."""

    def __init__(self, client: LazyFirestore) -> None:
        self._client = client

    def _run(self, run_id: str) -> Any:
        return self._client().collection("maintenance_runs").document(run_id)

    def start(self, run_id: str, now: datetime) -> bool:
        ref = self._run(run_id)

        @firestore.transactional
        def attempt(transaction: Any) -> bool:
            existing = ref.get(transaction=transaction)
            if existing.exists and existing.get("batches") is not None:
                return False
            if not existing.exists:
                transaction.set(ref, new_maintenance_run(run_id, now))
            return True

        with transient_errors_as_retryable():
            return bool(attempt(self._client().transaction()))

    def fanned_out(self, run_id: str, users_due: int, batches: int, now: datetime) -> None:
        ref = self._run(run_id)

        @firestore.transactional
        def attempt(transaction: Any) -> None:
            run = ref.get(transaction=transaction).to_dict()
            update: Doc = {"users_due": users_due, "batches": batches}
            if run["batches_done"] >= batches:
                update.update(status="done", finished_at=now)
            transaction.update(ref, update)

        with transient_errors_as_retryable():
            attempt(self._client().transaction())

    def record_batch(self, run_id: str, index: int, processed: int, failed: int, now: datetime) -> bool:
        ref = self._run(run_id)
        marker = ref.collection("batches").document(str(index))

        @firestore.transactional
        def attempt(transaction: Any) -> bool:
            run_doc, marker_doc = ref.get(transaction=transaction), marker.get(transaction=transaction)
            if marker_doc.exists or not run_doc.exists:
                return False
            run = run_doc.to_dict()
            done = run["batches_done"] + 1
            update: Doc = {
                "users_processed": run["users_processed"] + processed,
                "users_failed": run["users_failed"] + failed,
                "batches_done": done,
            }
            if run["batches"] is not None and done >= run["batches"]:
                update.update(status="done", finished_at=now)
            transaction.create(marker, {"processed": processed, "failed": failed, "at": now})
            transaction.update(ref, update)
            return True

        with transient_errors_as_retryable():
            return bool(attempt(self._client().transaction()))

    def get(self, run_id: str) -> dict[str, object] | None:
        with transient_errors_as_retryable():
            doc = self._run(run_id).get()
        return doc.to_dict() if doc.exists else None


class FirestoreDeadLetters:
    """`dead_letters/{run_id}:{uid}`: users whose maintenance exhausted its retries."""

    def __init__(self, client: LazyFirestore) -> None:
        self._client = client

    def _collection(self) -> Any:
        return self._client().collection("dead_letters")

    def add(self, letter: dict[str, object]) -> None:
        with transient_errors_as_retryable():
            self._collection().document(str(letter["id"])).set(letter)

    def list(self, limit: int) -> list[dict[str, object]]:
        with transient_errors_as_retryable():
            return [doc.to_dict() for doc in self._collection().order_by("failed_at").limit(limit).stream()]

    def remove(self, letter_id: str) -> None:
        with transient_errors_as_retryable():
            self._collection().document(letter_id).delete()


class FirestoreOutboxStore:
    """`outbox/{id}` entries with per-channel status, and who they go to (settings, zone, devices, email)."""

    def __init__(self, client: LazyFirestore, email_of: Callable[[str], str | None]) -> None:
        self._client = client
        self._email_of = email_of  # the Auth user record's address, in production

    def recipient(self, uid: str) -> Recipient:
        client = self._client()
        user_ref = client.collection("users").document(uid)
        with transient_errors_as_retryable():
            docs = {
                d.reference.parent.id: d
                for d in client.get_all([user_ref, client.collection("streaks").document(uid)])
            }
            tokens = tuple(str(d.get("token")) for d in user_ref.collection("devices").stream())
        user_doc, streak_doc = docs.get("users"), docs.get("streaks")
        settings = settings_from_doc(user_doc.to_dict()) if user_doc and user_doc.exists else UserSettings()
        streak = streak_from_doc(streak_doc.to_dict()) if streak_doc and streak_doc.exists else StreakRecord()
        return Recipient(uid, settings, user_timezone(settings, streak), self._email_of(uid), tokens)

    def claim(self, entry_id: str, now: datetime, lease: timedelta) -> dict[str, object] | None:
        client = self._client()
        ref = client.collection("outbox").document(entry_id)

        @firestore.transactional
        def attempt(transaction: Any) -> dict[str, object] | None:
            doc = ref.get(transaction=transaction)
            if not doc.exists:
                return None
            data = doc.to_dict()
            held = data.get("lease_until")
            if held is not None and held > now:
                return None
            transaction.update(ref, {"lease_until": now + lease})
            return {"id": doc.id, **data}

        with transient_errors_as_retryable():
            return attempt(client.transaction(max_attempts=5))  # type: ignore[no-any-return]

    def release(self, entry_id: str, sweep_after: datetime | None) -> None:
        update = {
            "lease_until": firestore.DELETE_FIELD,
            "sweep_after": sweep_after if sweep_after is not None else firestore.DELETE_FIELD,
        }
        with transient_errors_as_retryable():
            self._client().collection("outbox").document(entry_id).update(update)

    def due_for_sweep(self, now: datetime, limit: int) -> list[str]:
        query = (
            self._client()
            .collection("outbox")
            .where(filter=FieldFilter("sweep_after", "<=", now))
            .order_by("sweep_after")
            .limit(limit)
        )
        with transient_errors_as_retryable():
            return [doc.id for doc in query.select([]).stream()]

    def record(
        self, entry_id: str, channel: str, status: str, detail: str | None, attempts: int, now: datetime
    ) -> None:
        update = {
            f"channels.{channel}": status,
            f"attempts_by_channel.{channel}": attempts,
            f"details.{channel}": detail,
            f"at_by_channel.{channel}": now,
            "updated_at": firestore.SERVER_TIMESTAMP,
        }
        with transient_errors_as_retryable():
            self._client().collection("outbox").document(entry_id).update(update)

    def prune_tokens(self, uid: str, tokens: tuple[str, ...]) -> None:
        devices = self._client().collection("users").document(uid).collection("devices")
        with transient_errors_as_retryable():
            for token in tokens:
                devices.document(device_id(token)).delete()
