"""Friend streaks: `friend_streaks/{id}` and each user's list of theirs (`users/{uid}.friend_streaks`),
changed together in one transaction; both friends read in one batched read; the checks due by a range query.

The list lives on the user document, which every acceptance reads anyway: knowing a user's pairs costs the
acceptance no read, and the acceptance never writes that document, so it never contends with an invitation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any, TypeVar

from google.api_core import exceptions as gexc
from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter

from streak_core.adapters.firestore import paths
from streak_core.adapters.firestore.client import (
    LazyFirestore,
    batch_read,
    fields_of,
    run_transaction,
    store_errors,
    streamed_pages,
)
from streak_core.adapters.firestore.codec import Codec
from streak_core.adapters.firestore.documents import FRIEND_STREAKS_FIELD, pair_ids_of, settings_from_doc
from streak_core.adapters.firestore.staged import stage_outbox
from streak_core.adapters.firestore.streaks import streak_from_doc
from streak_core.domain.vocabulary import FriendStreakStatus
from streak_core.models.friend_streaks import FriendStreak, PairSide, pair_id
from streak_core.models.notifications import OutboxEntry
from streak_core.ports.friend_streaks import (
    FriendStreakStore,
    FriendStreakTransaction,
    PairCheck,
    PairReading,
)

T = TypeVar("T")
FRIEND_STREAK_DOC = Codec(FriendStreak, given=("id",))
COLLECTION = "friend_streaks"


class FirestoreFriendStreakStore(FriendStreakStore):
    def __init__(self, client: LazyFirestore, max_attempts: int = 10) -> None:
        self._client = client
        self._max_attempts = max_attempts

    def _ref(self, streak_id: str) -> Any:
        return self._client().collection(COLLECTION).document(streak_id)

    def run_in_transaction(self, uid: str, other: str, body: Callable[[FriendStreakTransaction], T]) -> T:
        client = self._client()
        return run_transaction(
            client, lambda tx: body(_Transaction(client, tx, uid, other)), self._max_attempts
        )

    def get(self, streak_id: str) -> FriendStreak | None:
        with store_errors():
            doc = self._ref(streak_id).get()
        return FRIEND_STREAK_DOC.load(fields_of(doc), id=doc.id) if doc.exists else None

    def of_user(self, uid: str) -> list[FriendStreak]:
        client = self._client()
        with store_errors():
            user = paths.user(client, uid).get()
            ids = pair_ids_of(fields_of(user)) if user.exists else ()
            docs = batch_read(client, [client.collection(COLLECTION).document(i) for i in ids])
        found = [FRIEND_STREAK_DOC.load(fields_of(d), id=d.id) for d in docs if d.exists]
        return sorted(found, key=lambda s: (s.created_at, s.id))

    def sides(self, uids: Iterable[str]) -> dict[str, PairSide]:
        client = self._client()
        wanted = sorted(set(uids))
        refs = [ref for uid in wanted for ref in (paths.user(client, uid), paths.streak(client, uid))]
        with store_errors():
            docs = {d.reference.path: d for d in batch_read(client, refs)}
        found = {}
        for uid in wanted:
            user, streak = docs[paths.user(client, uid).path], docs[paths.streak(client, uid).path]
            if not user.exists and not streak.exists:
                continue
            found[uid] = PairSide(
                uid,
                settings_from_doc(fields_of(user) if user.exists else {}),
                streak_from_doc(fields_of(streak) if streak.exists else {}),
            )
        return found

    def record_check(self, streak: FriendStreak, check: PairCheck) -> list[str]:
        client = self._client()
        ref = self._ref(streak.id)

        def body(tx: Any) -> list[str]:
            doc = ref.get(transaction=tx)
            if not doc.exists:
                return []
            stored = FRIEND_STREAK_DOC.load(fields_of(doc), id=doc.id)
            if (stored.users, stored.started_on, stored.status) != (
                streak.users,
                streak.started_on,
                FriendStreakStatus.ACTIVE,
            ):
                return []  # ended, or ended and invited again since it was read: not this pair's check
            existing = {
                d.id
                for d in batch_read(client, [paths.outbox(client).document(e.id) for e in check.entries], tx)
                if d.exists
            }
            fresh = [e for e in check.entries if e.id not in existing]
            stage_outbox(client, tx, fresh)
            fields = {"length": check.length, "longest": check.longest, "check_at": check.check_at}
            tx.update(ref, fields)
            return [e.id for e in fresh]

        return run_transaction(client, body, self._max_attempts)

    def nudge(self, entry: OutboxEntry) -> bool:
        client = self._client()
        batch = client.batch()
        stage_outbox(client, batch, [entry])
        try:
            with store_errors():
                batch.commit()
        except gexc.AlreadyExists:
            return False
        return True

    def due_pages(self, now: datetime, page_size: int) -> Iterator[list[str]]:
        query = (
            self._client()
            .collection(COLLECTION)
            .where(filter=FieldFilter("check_at", "<=", now))
            .order_by("check_at")
            .select(["check_at"])
        )
        for docs in streamed_pages(query, page_size, "friend streaks due"):
            yield [doc.id for doc in docs]


class _Transaction(FriendStreakTransaction):
    def __init__(self, client: Any, tx: Any, uid: str, other: str) -> None:
        self._client, self._tx = client, tx
        self._uids = (uid, other)
        self._ref = client.collection(COLLECTION).document(pair_id(uid, other))

    def read(self) -> PairReading:
        uid, other = self._uids
        me, them = paths.user(self._client, uid), paths.user(self._client, other)
        friend = me.collection("friends").document(other)
        docs = {
            d.reference.path: d for d in batch_read(self._client, [me, them, friend, self._ref], self._tx)
        }
        pair = docs[self._ref.path]

        def count(ref: Any) -> int:
            doc = docs[ref.path]
            return len(pair_ids_of(fields_of(doc))) if doc.exists else 0

        return PairReading(
            streak=FRIEND_STREAK_DOC.load(fields_of(pair), id=pair.id) if pair.exists else None,
            friends=docs[friend.path].exists,
            mine=count(me),
            theirs=count(them),
        )

    def save(self, streak: FriendStreak, entries: Iterable[OutboxEntry] = ()) -> None:
        self._tx.set(self._ref, FRIEND_STREAK_DOC.dump(streak))
        for uid in streak.users:
            self._tx.set(
                paths.user(self._client, uid),
                {FRIEND_STREAKS_FIELD: firestore.ArrayUnion([streak.id])},
                merge=True,
            )
        stage_outbox(self._client, self._tx, entries)

    def end(self, streak: FriendStreak) -> None:
        self._tx.delete(self._ref)
        for uid in streak.users:
            self._tx.set(
                paths.user(self._client, uid),
                {FRIEND_STREAKS_FIELD: firestore.ArrayRemove([streak.id])},
                merge=True,
            )
