"""Boards and friendships on Firestore: board pages and counts, snapshots, friend links and requests."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from typing import Any, TypeVar

from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter

from streak_core.adapters.firestore_store import (
    LazyFirestore,
    board_entry_from_doc,
    board_ref,
    focus_seconds,
    settings_from_doc,
    transient_errors_as_retryable,
)
from streak_core.domain.boards import BoardEntry
from streak_core.models import StreakRecord, UserSettings, user_timezone
from streak_core.ports import BoardCursor, Relationship, StreakSummary

T = TypeVar("T")
DESC, ASC = firestore.Query.DESCENDING, firestore.Query.ASCENDING
SUMMARY_FIELDS = ["last_run", "longest_streak", "timezone_setting", "latest_session_timezone"]


class FirestoreLeaderboardStore:
    def __init__(self, client: LazyFirestore) -> None:
        self._client = client

    def _entries(self, key: str) -> Any:
        return self._client().collection("boards").document(key).collection("entries")

    def page(self, key: str, limit: int, after: BoardCursor | None) -> list[BoardEntry]:
        entries = self._entries(key)
        query = (
            entries.where(filter=FieldFilter("visibility", "==", "public"))
            .order_by("score", direction=DESC)
            .order_by("longest_streak", direction=DESC)
            .order_by("reached_at", direction=ASC)
            .order_by("__name__", direction=ASC)
        )
        if after is not None:
            query = query.start_after(
                {
                    "score": after.score,
                    "longest_streak": after.longest_streak,
                    "reached_at": after.reached_at,
                    "__name__": entries.document(after.uid),
                }
            )
        with transient_errors_as_retryable():
            return [board_entry_from_doc(doc.to_dict()) for doc in query.limit(limit).stream()]

    def entry(self, key: str, uid: str) -> BoardEntry | None:
        with transient_errors_as_retryable():
            doc = board_ref(self._client(), key, uid).get()
        return board_entry_from_doc(doc.to_dict()) if doc.exists else None

    def entries(self, key: str, uids: list[str]) -> list[BoardEntry]:
        client = self._client()
        with transient_errors_as_retryable():
            docs = list(client.get_all([board_ref(client, key, uid) for uid in uids])) if uids else []
        return [board_entry_from_doc(doc.to_dict()) for doc in docs if doc.exists]

    def count_public_ahead(self, key: str, of: BoardEntry) -> int:
        """Ahead = higher score; or equal score and longer streak; or both equal and reached earlier; or all
        three equal and a smaller id. One count aggregation per clause (no OR, no reads of entries)."""
        entries = self._entries(key)
        public = entries.where(filter=FieldFilter("visibility", "==", "public"))
        same_score = public.where(filter=FieldFilter("score", "==", of.score))
        same_streak = same_score.where(filter=FieldFilter("longest_streak", "==", of.longest_streak))
        clauses = [
            public.where(filter=FieldFilter("score", ">", of.score)),
            same_score.where(filter=FieldFilter("longest_streak", ">", of.longest_streak)),
            same_streak.where(filter=FieldFilter("reached_at", "<", of.reached_at)),
            same_streak.where(filter=FieldFilter("reached_at", "==", of.reached_at)).where(
                filter=FieldFilter("__name__", "<", entries.document(of.uid))
            ),
        ]

        def count(clause: Any) -> int:
            return sum(int(result[0].value) for result in clause.count().get())

        with transient_errors_as_retryable(), ThreadPoolExecutor(max_workers=len(clauses)) as pool:
            return sum(pool.map(count, clauses))  # independent counts: their latencies overlap

    def summaries(self, uids: list[str]) -> dict[str, StreakSummary]:
        client = self._client()
        refs = [client.collection("streaks").document(uid) for uid in uids]
        with transient_errors_as_retryable():
            docs = list(client.get_all(refs, field_paths=SUMMARY_FIELDS)) if refs else []
        return {doc.id: _summary(doc.to_dict()) for doc in docs if doc.exists}

    def snapshot(self, key: str) -> tuple[datetime, list[dict[str, object]]] | None:
        with transient_errors_as_retryable():
            doc = self._client().collection("board_snapshots").document(key).get()
        if not doc.exists:
            return None
        data = doc.to_dict()
        return data["built_at"], list(data.get("rows") or [])

    def save_snapshot(self, key: str, built_at: datetime, rows: list[dict[str, object]]) -> None:
        with transient_errors_as_retryable():
            self._client().collection("board_snapshots").document(key).set(
                {"built_at": built_at, "rows": rows}
            )


def _summary(data: dict[str, Any]) -> StreakSummary:
    run = data.get("last_run")
    last = (
        (date.fromisoformat(run["start"]), date.fromisoformat(run["end"]), int(run["length"]))
        if run
        else None
    )
    record = StreakRecord(
        latest_session_timezone=data.get("latest_session_timezone"),
        timezone_setting=data.get("timezone_setting"),
    )
    timezone = user_timezone(UserSettings(timezone=record.timezone_setting), record)
    return StreakSummary(timezone, last, int(data.get("longest_streak") or 0))


class FirestoreFriendStore:
    """`users/{uid}/friends/{other}`, `users/{uid}/friend_requests/{from}` (incoming) and
    `users/{uid}/sent_requests/{to}` (outgoing); `users/{uid}.friend_count` keeps the limit cheap."""

    def __init__(self, client: LazyFirestore, max_attempts: int = 10) -> None:
        self._client = client
        self._max_attempts = max_attempts

    def run_in_transaction(self, uid: str, other: str, body: Callable[[_FriendTransaction], T]) -> T:
        client = self._client()

        @firestore.transactional
        def attempt(transaction: Any) -> T:
            return body(_FriendTransaction(client, transaction, uid, other))

        with transient_errors_as_retryable():
            return attempt(client.transaction(max_attempts=self._max_attempts))  # type: ignore[no-any-return]

    def friend_ids(self, uid: str) -> list[str]:
        friends = self._client().collection("users").document(uid).collection("friends")
        with transient_errors_as_retryable():
            return [doc.id for doc in friends.select([]).stream()]

    def links(self, uid: str) -> dict[str, list[dict[str, object]]]:
        user = self._client().collection("users").document(uid)
        found: dict[str, list[dict[str, object]]] = {}
        with transient_errors_as_retryable():
            for name, collection in (
                ("friends", "friends"),
                ("incoming", "friend_requests"),
                ("outgoing", "sent_requests"),
            ):
                found[name] = [{"user_id": d.id, **d.to_dict()} for d in user.collection(collection).stream()]
        return found

    def profiles(self, uids: list[str]) -> dict[str, UserSettings]:
        client = self._client()
        refs = [client.collection("users").document(uid) for uid in uids]
        with transient_errors_as_retryable():
            docs = list(client.get_all(refs)) if refs else []
        return {doc.id: settings_from_doc(doc.to_dict()) for doc in docs if doc.exists}

    def today_seconds(self, days: list[tuple[str, date]]) -> dict[tuple[str, date], int]:
        return focus_seconds(self._client(), days)


class _FriendTransaction:
    def __init__(self, client: Any, transaction: Any, uid: str, other: str) -> None:
        self._tx, self._uid, self._other = transaction, uid, other
        users = client.collection("users")
        self._me, self._them = users.document(uid), users.document(other)
        self._streaks = client.collection("streaks")

    def _pair(self, collection: str) -> tuple[Any, Any]:
        """(mine about them, theirs about me) in one of the per-user collections."""
        return self._me.collection(collection).document(self._other), self._them.collection(
            collection
        ).document(self._uid)

    def read(self) -> Relationship:
        mine_f, _ = self._pair("friends")
        incoming, outgoing_mirror = self._pair("friend_requests")
        refs = [self._me, self._them, self._streaks.document(self._other), mine_f, incoming, outgoing_mirror]
        docs = {doc.reference.path: doc for doc in self._tx.get_all(refs)}
        me, them = docs[self._me.path], docs[self._them.path]
        return Relationship(
            other_exists=them.exists or docs[self._streaks.document(self._other).path].exists,
            friends=docs[mine_f.path].exists,
            they_asked=docs[incoming.path].exists,
            we_asked=docs[outgoing_mirror.path].exists,
            my_friends=int((me.to_dict() or {}).get("friend_count") or 0) if me.exists else 0,
            their_friends=int((them.to_dict() or {}).get("friend_count") or 0) if them.exists else 0,
        )

    def befriend(self, now: datetime) -> None:
        mine, theirs = self._pair("friends")
        self._tx.set(mine, {"since": now})
        self._tx.set(theirs, {"since": now})
        self._drop_requests()
        for user in (self._me, self._them):
            self._tx.set(user, {"friend_count": firestore.Increment(1)}, merge=True)

    def request(self, now: datetime) -> None:
        _, incoming_for_them = self._pair("friend_requests")
        sent, _ = self._pair("sent_requests")
        self._tx.set(incoming_for_them, {"created_at": now})
        self._tx.set(sent, {"created_at": now})

    def unfriend(self, were_friends: bool) -> None:
        for ref in self._pair("friends"):
            self._tx.delete(ref)
        self._drop_requests()
        if were_friends:
            for user in (self._me, self._them):
                self._tx.set(user, {"friend_count": firestore.Increment(-1)}, merge=True)

    def _drop_requests(self) -> None:
        for collection in ("friend_requests", "sent_requests"):
            for ref in self._pair(collection):
                self._tx.delete(ref)
