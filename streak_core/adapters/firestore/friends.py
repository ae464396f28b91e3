"""Friendships: both sides' links, requests both ways and a friend count, changed in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from google.cloud import firestore

from streak_core.adapters.firestore import paths
from streak_core.adapters.firestore.client import LazyFirestore, run_transaction, store_errors
from streak_core.adapters.firestore.documents import FRIEND_STREAKS_FIELD
from streak_core.adapters.firestore.friend_streaks import COLLECTION
from streak_core.models.friend_streaks import pair_id
from streak_core.models.social import FriendLink, FriendLinks
from streak_core.ports.friends import FriendStore, FriendTransaction, Relationship

T = TypeVar("T")


class FirestoreFriendStore(FriendStore):
    """`users/{uid}/friends/{other}`, `users/{uid}/friend_requests/{from}` (incoming) and
    `users/{uid}/sent_requests/{to}` (outgoing); `users/{uid}.friend_count` keeps the limit cheap."""

    def __init__(self, client: LazyFirestore, max_attempts: int = 10) -> None:
        self._client = client
        self._max_attempts = max_attempts

    def run_in_transaction(self, uid: str, other: str, body: Callable[[FriendTransaction], T]) -> T:
        client = self._client()
        return run_transaction(
            client, lambda tx: body(_FriendTransaction(client, tx, uid, other)), self._max_attempts
        )

    def friend_ids(self, uid: str) -> list[str]:
        friends = paths.user(self._client(), uid).collection("friends")
        with store_errors():
            return [doc.id for doc in friends.select([]).stream()]

    def links(self, uid: str, limit: int) -> FriendLinks:
        user = paths.user(self._client(), uid)

        def linked(collection: str, stamp: str) -> tuple[FriendLink, ...]:
            # Newest first and at most `limit` of each: friends are capped by rule, requests are not.
            newest = firestore.Query.DESCENDING
            docs = user.collection(collection).order_by(stamp, direction=newest).limit(limit)
            docs = docs.stream()
            return tuple(FriendLink(d.id, (d.to_dict() or {}).get(stamp)) for d in docs)

        with store_errors():
            return FriendLinks(
                friends=linked("friends", "since"),
                incoming=linked("friend_requests", "created_at"),
                outgoing=linked("sent_requests", "created_at"),
            )


class _FriendTransaction(FriendTransaction):
    def __init__(self, client: Any, transaction: Any, uid: str, other: str) -> None:
        self._client, self._tx, self._uid, self._other = client, transaction, uid, other
        self._me, self._them = paths.user(client, uid), paths.user(client, other)
        self._their_streak = paths.streak(client, other)

    def _pair(self, collection: str) -> tuple[Any, Any]:
        """(mine about them, theirs about me) in one of the per-user collections."""
        mine = self._me.collection(collection).document(self._other)
        return mine, self._them.collection(collection).document(self._uid)

    def read(self) -> Relationship:
        mine_f, _ = self._pair("friends")
        incoming, outgoing_mirror = self._pair("friend_requests")
        refs = [self._me, self._them, self._their_streak, mine_f, incoming, outgoing_mirror]
        docs = {doc.reference.path: doc for doc in self._tx.get_all(refs)}
        me, them = docs[self._me.path], docs[self._them.path]
        return Relationship(
            other_exists=them.exists or docs[self._their_streak.path].exists,
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
        # A friend streak is kept with a friend only: it ends with the friendship (and with an erasure,
        # which unfriends everyone first).
        streak_id = pair_id(self._uid, self._other)
        self._tx.delete(self._client.collection(COLLECTION).document(streak_id))
        if were_friends:
            for user in (self._me, self._them):
                fields = {
                    "friend_count": firestore.Increment(-1),
                    FRIEND_STREAKS_FIELD: firestore.ArrayRemove([streak_id]),
                }
                self._tx.set(user, fields, merge=True)

    def _drop_requests(self) -> None:
        for collection in ("friend_requests", "sent_requests"):
            for ref in self._pair(collection):
                self._tx.delete(ref)
