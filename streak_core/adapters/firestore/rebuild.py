"""Everything a user's projections are rebuilt from, read in one transaction (or a page of users read at
once), and the rebuilt ones written."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from google.cloud import firestore

from streak_core.adapters.firestore import paths
from streak_core.adapters.firestore.challenges import MEMBERSHIPS
from streak_core.adapters.firestore.client import LazyFirestore, pages_of, run_transaction, store_errors
from streak_core.adapters.firestore.documents import (
    BOARD_ENTRY_DOC,
    MEMBER_DOC,
    MEMBERSHIP_DOC,
    PAUSE_DOC,
    day_from_doc,
    day_to_doc,
    is_tombstone,
    session_from_doc,
    session_tombstone,
    settings_from_doc,
)
from streak_core.adapters.firestore.staged import stage_board_move, stage_league_scores, stage_memberships
from streak_core.adapters.firestore.streaks import stage_streak, streak_from_doc
from streak_core.adapters.firestore.users import stage_months
from streak_core.domain.boards import BoardEntry
from streak_core.models.leagues import LeagueMember
from streak_core.models.streaks import StreakRecord
from streak_core.models.users import UserSettings
from streak_core.ports.rebuild import RebuildStore, RebuildTransaction, RebuildWrites, UserHistory

T = TypeVar("T")


class FirestoreRebuildStore(RebuildStore):
    def __init__(self, client: LazyFirestore, max_attempts: int = 5) -> None:
        self._client = client
        self._max_attempts = max_attempts

    def run_in_transaction(
        self, uid: str, body: Callable[[RebuildTransaction], T], read_only: bool = False
    ) -> T:
        client = self._client()
        return run_transaction(client, lambda tx: body(_View(client, tx, uid)), self._max_attempts, read_only)

    def user_pages(self, page_size: int) -> Iterator[list[str]]:
        query = self._client().collection("streaks").order_by("__name__").select([]).limit(page_size)
        for docs in pages_of(query):
            yield [doc.id for doc in docs]

    def read_page(self, uids: list[str]) -> dict[str, RebuildTransaction]:
        """A read-only view of each user of the page, from one read of their top documents and one
        collection-group query per subcollection over the page's range of ids (a few queries for the whole
        page where a view per user would cost a few each), outside any transaction."""
        client = self._client()
        if not uids:
            return {}
        first, last = min(uids), max(uids)
        refs = [ref for uid in uids for ref in (paths.user(client, uid), paths.streak(client, uid))]
        with store_errors():
            docs = {doc.reference.path: doc for doc in client.get_all(refs)}
            below = {name: documents_under_users(client, name, first, last) for name in SUBCOLLECTIONS}
        views: dict[str, RebuildTransaction] = {}
        for uid in uids:
            user_doc = docs[paths.user(client, uid).path]
            streak_doc = docs[paths.streak(client, uid).path]
            found = {name: below[name].get(uid, []) for name in SUBCOLLECTIONS}
            views[uid] = _View(client, None, uid, _history(user_doc, streak_doc, found))
        return views

    def count_users(self) -> int:
        with store_errors():
            results = self._client().collection("streaks").count().get()
        return sum(int(result[0].value) for result in results)


SUBCOLLECTIONS = ("sessions", "days", "pauses", MEMBERSHIPS)


def documents_under_users(client: Any, collection_id: str, first: str, last: str) -> dict[str, list[Any]]:
    """Every document of the users' subcollections `collection_id` for ids first..last, by user. The range
    is on document names, which order segment by segment: users/{last}/... sorts before users/{last}\\0."""
    query = (
        client.collection_group(collection_id)
        .order_by("__name__")
        .start_at([paths.user(client, first)])
        .end_before([paths.user(client, last + "\0")])
    )
    found: dict[str, list[Any]] = defaultdict(list)
    for doc in query.stream():
        owner = doc.reference.parent.parent
        if owner is not None and owner.parent.id == "users":
            found[owner.id].append(doc)
    return found


def _history(user: Any, streak: Any, below: dict[str, list[Any]]) -> UserHistory:
    days = [day_from_doc(d.to_dict()) for d in below["days"]]
    return UserHistory(
        known=user.exists or streak.exists,
        settings=settings_from_doc(user.to_dict()) if user.exists else UserSettings(),
        streak=streak_from_doc(streak.to_dict()) if streak.exists else StreakRecord(),
        sessions=[session_from_doc(d.to_dict()) for d in below["sessions"] if not is_tombstone(d.to_dict())],
        days={record.day: record for record in days},
        pauses=[PAUSE_DOC.load(d.to_dict()) for d in below["pauses"]],
        memberships=[MEMBERSHIP_DOC.load(d.to_dict()) for d in below[MEMBERSHIPS]],
        deleted={d.id for d in below["sessions"] if is_tombstone(d.to_dict())},
    )


def _read_history(client: Any, transaction: Any, uid: str) -> UserHistory:
    """The user's history read in the transaction (which takes queries, not collections)."""
    user_ref, streak_ref = paths.user(client, uid), paths.streak(client, uid)
    docs = {doc.reference.path: doc for doc in transaction.get_all([user_ref, streak_ref])}
    below = {
        name: list(transaction.get(user_ref.collection(name).order_by("__name__"))) for name in SUBCOLLECTIONS
    }
    return _history(docs[user_ref.path], docs[streak_ref.path], below)


class _View(RebuildTransaction):
    """One user's history and board entries, read in `transaction` (which then takes the writes) or, with
    None, outside any (and then it refuses to write)."""

    def __init__(self, client: Any, transaction: Any, uid: str, history: UserHistory | None = None) -> None:
        self._client, self._tx, self._uid, self._history = client, transaction, uid, history

    def history(self) -> UserHistory:
        if self._history is None:
            self._history = _read_history(self._client, self._tx, self._uid)
        return self._history

    def board_entries(self, keys: list[str]) -> dict[str, BoardEntry]:
        refs = {self._ref(key).path: key for key in keys}
        found = self._get_all([self._ref(key) for key in keys])
        return {refs[d.reference.path]: BOARD_ENTRY_DOC.load(d.to_dict()) for d in found if d.exists}

    def league_weeks(self, weeks: list[str]) -> dict[str, LeagueMember]:
        found = self._get_all([paths.league_member(self._client, week, self._uid) for week in weeks])
        return {m.week: m for m in (MEMBER_DOC.load(d.to_dict()) for d in found if d.exists)}

    def _get_all(self, refs: list[Any]) -> list[Any]:
        if not refs:
            return []
        if self._tx is not None:  # errors here belong to the transaction, which retries on contention
            return list(self._tx.get_all(refs))
        with store_errors():
            return list(self._client.get_all(refs))

    def apply(self, writes: RebuildWrites) -> None:
        if self._tx is None:
            raise RuntimeError("a view read outside a transaction cannot write")
        client, tx, uid = self._client, self._tx, self._uid
        for session_id in writes.tombstones:
            tx.set(
                paths.session(client, uid, session_id),
                session_tombstone(session_id, firestore.SERVER_TIMESTAMP),
            )
        stage_memberships(client, tx, uid, writes.memberships)
        stage_months(client, tx, uid, writes.months)
        for record in writes.days:
            tx.set(paths.day(client, uid, record.day.isoformat()), day_to_doc(record))
        for day in writes.removed_days:
            tx.delete(paths.day(client, uid, day.isoformat()))
        for move in writes.boards:
            stage_board_move(client, tx, move)
        stage_league_scores(client, tx, writes.leagues)
        stage_streak(client, tx, uid, writes.streak)

    def _ref(self, key: str) -> Any:
        return paths.board_entry(self._client, key, self._uid)
