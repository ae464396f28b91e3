"""The steps of erasing a user from Firestore, a page at a time: each page is one commit that removes
documents together with every counter they moved (ranks, participants, friends, rarity), so a step run again
after a crash finds only what is left and moves nothing twice."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from typing import Any

from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter

from streak_core.adapters.firestore import paths
from streak_core.adapters.firestore.analytics import stage_counts
from streak_core.adapters.firestore.badges import SHARDS as BADGE_SHARDS
from streak_core.adapters.firestore.challenges import MEMBERSHIPS, PUBLIC, audience_of
from streak_core.adapters.firestore.challenges import SHARDS as CHALLENGE_SHARDS
from streak_core.adapters.firestore.client import LazyFirestore, run_transaction, store_errors, stream
from streak_core.adapters.firestore.documents import BOARD_ENTRY_DOC
from streak_core.adapters.firestore.friends import FirestoreFriendStore
from streak_core.adapters.firestore.shares import SHARDS as SHARE_SHARDS
from streak_core.adapters.firestore.staged import stage_board_move
from streak_core.adapters.firestore.streaks import streak_from_doc
from streak_core.domain.analytics import year_moves
from streak_core.domain.badges import ACTIVE_USERS
from streak_core.domain.boards import BoardMove, scores_touched
from streak_core.domain.vocabulary import ErasureStep, EventType

DELETED_CREATOR = "deleted-user"  # who created a challenge whose creator is gone
# The user's own subcollections, emptied once the steps that move counters have run.
OWN = (
    "sessions",
    "days",
    "months",
    "pauses",
    "devices",
    MEMBERSHIPS,
    "friends",
    "friend_requests",
    "sent_requests",
)


class ErasureSteps:
    def __init__(self, client: LazyFirestore) -> None:
        self._client = client
        self._friends = FirestoreFriendStore(client)

    def run(self, uid: str, step: ErasureStep, limit: int) -> int:
        steps: dict[ErasureStep, Callable[[str, int], int]] = {
            ErasureStep.SHARES: self._shares,
            ErasureStep.CHALLENGES: self._challenges,
            ErasureStep.FRIENDS: self._friend_links,
            ErasureStep.BOARDS: self._boards,
            ErasureStep.LEAGUES: self._leagues,
            ErasureStep.NOTIFICATIONS: lambda u, n: self._query(paths.outbox(self._client()), u, n),
            ErasureStep.EVENTS: self._events,
            ErasureStep.JOBS: self._jobs,
            ErasureStep.OWN_DOCUMENTS: self._own,
            ErasureStep.STREAK: self._streak,
            ErasureStep.USER: self._user,
        }
        return steps[step](uid, limit)

    def _shares(self, uid: str, limit: int) -> int:
        client = self._client()
        page = min(limit, 500 // (SHARE_SHARDS + 1))  # a share and its open counters in one commit
        docs = stream(paths.shares(client).where(filter=FieldFilter("uid", "==", uid)).limit(page), "shares")
        batch = client.batch()
        for doc in docs:
            batch.delete(doc.reference)
            for shard in range(SHARE_SHARDS):
                batch.delete(paths.share_open_shard(client, doc.id, shard))
        return self._commit(batch, len(docs))

    def _challenges(self, uid: str, limit: int) -> int:
        """Memberships out of their challenges' counts and audiences; challenges the user made lose them."""
        client = self._client()
        user = paths.user(client, uid)
        members = stream(user.collection(MEMBERSHIPS).limit(limit), "memberships")
        batch = client.batch()
        for doc in members:
            challenge = paths.challenge(client, doc.id)
            shard = paths.challenge_shard(client, doc.id, random.randrange(CHALLENGE_SHARDS))
            batch.delete(doc.reference)
            batch.set(shard, {"participants": firestore.Increment(-1)}, merge=True)
            batch.set(challenge, {"audience": firestore.ArrayRemove([audience_of(uid)])}, merge=True)
        made = stream(
            paths.challenges(client).where(filter=FieldFilter("created_by", "==", uid)).limit(limit), "made"
        )
        for doc in made:
            public = PUBLIC in (doc.to_dict() or {}).get("audience", [])
            change: dict[str, Any] = {
                "created_by": DELETED_CREATOR,
                "audience": firestore.ArrayRemove([audience_of(uid)]),
            }
            batch.update(doc.reference, change if not public else {"created_by": DELETED_CREATOR})
        return self._commit(batch, len(members) + len(made))

    def _friend_links(self, uid: str, limit: int) -> int:
        """Friendships and requests both ways undone one by one, with the friend counts of both sides."""
        links = self._friends.links(uid, limit)
        others = [link.user_id for link in (*links.friends, *links.incoming, *links.outgoing)]
        for other in dict.fromkeys(others):
            self._friends.run_in_transaction(uid, other, lambda tx: tx.unfriend(tx.read().friends))
        return len(others)

    def _boards(self, uid: str, limit: int) -> int:
        """The user's entries off every board their qualified days count on, with its rank counts; the
        boards' first-page snapshots go (they are built again without the user on the next read)."""
        client = self._client()
        with store_errors():
            streak_doc = paths.streak(client, uid).get()
        if not streak_doc.exists:
            return 0
        state = streak_from_doc(streak_doc.to_dict()).state
        keys = sorted(set(scores_touched(state, state.qualified_dates())) | {"all"})
        with store_errors():
            found = [d for d in client.get_all([paths.board_entry(client, k, uid) for k in keys]) if d.exists]
        for doc in found[:limit]:
            key = doc.reference.parent.parent.id
            entry = BOARD_ENTRY_DOC.load(doc.to_dict())

            def body(transaction: Any, key: str = key, entry: Any = entry) -> None:
                stage_board_move(client, transaction, BoardMove(key, uid, entry, None))
                transaction.delete(paths.board_snapshot(client, key))

            run_transaction(client, body)
        return len(found[:limit])

    def _events(self, uid: str, limit: int) -> int:
        """Webhook events about the user and their deliveries, but `user.deleted`: telling subscribers of
        the erasure is its point (the TTL policy removes it with the rest, EVENT_TTL after)."""
        client = self._client()
        erased = 0
        for query in (paths.events(client), client.collection_group("deliveries")):
            docs = stream(query.where(filter=FieldFilter("uid", "==", uid)).limit(limit), "events")
            batch = client.batch()
            doomed = [d for d in docs if d.get("type") != EventType.USER_DELETED.value]
            for doc in doomed:
                batch.delete(doc.reference)
            erased += self._commit(batch, len(doomed))
        return erased

    def _jobs(self, uid: str, limit: int) -> int:
        client = self._client()
        erased = 0
        for collection in (
            client.collection("jobs"),
            client.collection("job_dead_letters"),
            paths.dead_letters(client),
        ):
            erased += self._query(collection, uid, limit - erased)
            if erased >= limit:
                break
        return erased

    def _own(self, uid: str, limit: int) -> int:
        user = paths.user(self._client(), uid)
        for name in OWN:
            docs = stream(user.collection(name).limit(limit), name)
            if docs:
                batch = self._client().batch()
                for doc in docs:
                    batch.delete(doc.reference)
                return self._commit(batch, len(docs))
        return 0

    def _streak(self, uid: str, limit: int) -> int:
        """The streak goes with the rarity counts of the badges it held (and its count among active users)."""
        client = self._client()
        ref = paths.streak(client, uid)

        def body(transaction: Any) -> int:
            doc = ref.get(transaction=transaction)
            if not doc.exists:
                return 0
            streak = streak_from_doc(doc.to_dict())
            held = Counter(dict.fromkeys(streak.badges, -1))
            if streak.counted_active:
                held[ACTIVE_USERS] = -1
            if held:
                shard = paths.badge_count_shard(client, random.randrange(BADGE_SHARDS))
                counts = {k: firestore.Increment(n) for k, n in held.items()}
                transaction.set(shard, {"counts": counts}, merge=True)
            # The user leaves each year's focus histogram (Wrapped's percentiles are of users still here);
            # the daily figures are counts of what happened, with nobody in them, and stay.
            stage_counts(client, transaction, year_moves(streak.year_seconds, {}))
            transaction.delete(ref)
            return 1

        return run_transaction(client, body)

    def _user(self, uid: str, limit: int) -> int:
        ref = paths.user(self._client(), uid)
        with store_errors():
            if not ref.get().exists:
                return 0
            ref.delete()
        return 1

    def _leagues(self, uid: str, limit: int) -> int:
        client = self._client()
        return (
            self._unlisted(uid, limit)
            + self._query(paths.league_members(client), uid, limit)
            + self._query(paths.league_seats(client), uid, limit)
        )

    def _unlisted(self, uid: str, limit: int) -> int:
        """The user taken out of the member lists of the cohorts they sat in (the cohorts stay: others)."""
        query = paths.league_cohorts(self._client()).where(filter=FieldFilter("uids", "array_contains", uid))
        docs = stream(query.limit(limit).select([]), "league cohorts of a user")
        batch = self._client().batch()
        for doc in docs:
            batch.update(doc.reference, {"uids": firestore.ArrayRemove([uid])})
        return self._commit(batch, len(docs))

    def _query(self, collection: Any, uid: str, limit: int) -> int:
        docs = stream(collection.where(filter=FieldFilter("uid", "==", uid)).limit(limit), collection.id)
        batch = self._client().batch()
        for doc in docs:
            batch.delete(doc.reference)
        return self._commit(batch, len(docs))

    @staticmethod
    def _commit(batch: Any, count: int) -> int:
        if count:
            with store_errors():
                batch.commit()
        return count
