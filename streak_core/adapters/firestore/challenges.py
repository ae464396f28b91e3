"""`challenges/{id}` with sharded participant counts, and `users/{uid}/memberships/{id}` ranked by one
collection-group query: a user's memberships change in one transaction with their streak."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter

from streak_core.adapters.firestore import paths
from streak_core.adapters.firestore.client import (
    LazyFirestore,
    batch_read,
    fields_of,
    read_with_shards,
    run_transaction,
    store_errors,
    stream,
)
from streak_core.adapters.firestore.documents import (
    CHALLENGE_DOC,
    MEMBERSHIP_DOC,
    Doc,
    challenge_to_doc,
    day_from_doc,
    settings_from_doc,
)
from streak_core.adapters.firestore.staged import create_missing_outbox, stage_memberships
from streak_core.adapters.firestore.streaks import stage_streak, streak_from_doc
from streak_core.domain.challenges import Challenge, Membership
from streak_core.domain.vocabulary import ChallengeStatus, ChallengeVisibility
from streak_core.models.streaks import DayRecord, StreakRecord
from streak_core.models.users import UserSettings
from streak_core.ports.challenges import (
    ChallengePage,
    ChallengePosition,
    ChallengeStore,
    Joining,
    MembershipSnapshot,
    MembershipTransaction,
    Standing,
)

T = TypeVar("T")
SHARDS = 8  # participant counters: a public challenge's launch takes about SHARDS joins a second
PUBLIC = "public"
SCAN_PAGES = 4  # query pages one listing request reads at most, skipping upcoming challenges (active)
MEMBERSHIPS = "memberships"


def audience_of(uid: str) -> str:
    """How a user appears in a challenge's `audience` (prefixed: no uid can pass for PUBLIC)."""
    return f"user:{uid}"


class FirestoreChallengeStore(ChallengeStore):
    def __init__(self, client: LazyFirestore, max_attempts: int = 10) -> None:
        self._client = client
        self._max_attempts = max_attempts

    def create(self, challenge: Challenge) -> None:
        public = challenge.visibility is ChallengeVisibility.PUBLIC
        audience = [PUBLIC] if public else [audience_of(challenge.created_by)]
        with store_errors():
            paths.challenge(self._client(), challenge.id).create(challenge_to_doc(challenge, audience))

    def get(self, challenge_id: str) -> Challenge | None:
        client = self._client()
        found, totals = read_with_shards(
            client,
            "participants",
            {challenge_id: _shards(client, challenge_id)},
            {challenge_id: paths.challenge(client, challenge_id)},
        )
        data = found.get(challenge_id)
        return (
            CHALLENGE_DOC.load(data, participants=max(totals[challenge_id], 0)) if data is not None else None
        )

    def page(
        self, uid: str, status: ChallengeStatus, now: datetime, after: ChallengePosition | None, limit: int
    ) -> ChallengePage:
        collection = paths.challenges(self._client())
        audience = FieldFilter("audience", "array_contains_any", [PUBLIC, audience_of(uid)])
        field, op, direction = {
            ChallengeStatus.UPCOMING: ("opens_at", ">", firestore.Query.ASCENDING),
            ChallengeStatus.ACTIVE: ("closes_at", ">", firestore.Query.ASCENDING),
            ChallengeStatus.ENDED: ("closes_at", "<=", firestore.Query.DESCENDING),
        }[status]
        query = (
            collection.where(filter=audience)
            .where(filter=FieldFilter(field, op, now))
            .order_by(field, direction=direction)
            .order_by("__name__", direction=direction)
            .limit(limit + 1)
        )
        position, following = after, None
        kept: list[Doc] = []
        # Active ones close after `now` and have opened by then: the second half is checked here, so a page
        # reads on past upcoming challenges until it is full, the listing ends, or SCAN_PAGES query pages
        # were read: then the page is shorter than `limit` and its cursor goes on from where the scan
        # stopped, so no request reads more than SCAN_PAGES * (limit + 1) documents.
        for scanned in range(1, SCAN_PAGES + 1):
            page = query
            if position is not None:
                at = {field: position.at, "__name__": collection.document(position.challenge_id)}
                page = query.start_after(at)
            docs = [doc.to_dict() for doc in stream(page, "challenges")]
            for data in docs:
                if len(kept) == limit:  # one more exists beyond a full page
                    following = position
                    break
                position = ChallengePosition(data[field], data["id"])
                if status is not ChallengeStatus.ACTIVE or data["opens_at"] <= now:
                    kept.append(data)
            if following is not None or len(docs) <= limit:
                break
            if scanned == SCAN_PAGES:
                following = position
        client = self._client()
        shards = {data["id"]: _shards(client, data["id"]) for data in kept}
        _, totals = read_with_shards(client, "participants", shards)  # the page's documents are read
        listed = [CHALLENGE_DOC.load(data, participants=max(totals[data["id"]], 0)) for data in kept]
        return ChallengePage(listed, following)

    def top(self, challenge_id: str, limit: int) -> list[Standing]:
        query = self._standings(challenge_id).order_by("standing").limit(limit)
        docs = [doc.to_dict() for doc in stream(query, "challenge standings")]
        return [Standing(data["uid"], MEMBERSHIP_DOC.load(data)) for data in docs]

    def ahead_of(self, challenge_id: str, membership: Membership) -> int:
        query = self._standings(challenge_id).where(
            filter=FieldFilter("standing", "<", membership.standing_key())
        )
        with store_errors():
            results = query.count().get()
        return sum(int(result[0].value) for result in results)

    def membership(self, uid: str, challenge_id: str) -> Membership | None:
        with store_errors():
            doc = paths.membership(self._client(), uid, challenge_id).get()
        return MEMBERSHIP_DOC.load(doc.to_dict()) if doc.exists else None

    def memberships(self, uid: str, challenge_ids: Sequence[str]) -> dict[str, Membership]:
        client = self._client()
        refs = [paths.membership(client, uid, challenge_id) for challenge_id in dict.fromkeys(challenge_ids)]
        with store_errors():
            docs = batch_read(client, refs)
        return {doc.id: MEMBERSHIP_DOC.load(fields_of(doc)) for doc in docs if doc.exists}

    def run_in_transaction(self, uid: str, body: Callable[[MembershipTransaction], T]) -> T:
        client = self._client()
        return run_transaction(client, lambda tx: body(_Transaction(client, tx, uid)), self._max_attempts)

    def _standings(self, challenge_id: str) -> Any:
        group = self._client().collection_group(MEMBERSHIPS)
        return group.where(filter=FieldFilter("challenge_id", "==", challenge_id))


def _shards(client: Any, challenge_id: str) -> list[Any]:
    return [paths.challenge_shard(client, challenge_id, n) for n in range(SHARDS)]


class _Transaction(MembershipTransaction):
    def __init__(self, client: Any, transaction: Any, uid: str) -> None:
        self._client, self._tx, self._uid = client, transaction, uid

    def read(self, challenge_id: str) -> MembershipSnapshot:
        client, uid = self._client, self._uid
        refs = {
            "challenge": paths.challenge(client, challenge_id),
            "user": paths.user(client, uid),
            "streak": paths.streak(client, uid),
            "membership": paths.membership(client, uid, challenge_id),
        }
        by_path = {doc.reference.path: doc for doc in self._tx.get_all(list(refs.values()))}
        docs = {name: by_path[ref.path] for name, ref in refs.items()}
        data = {name: doc.to_dict() for name, doc in docs.items() if doc.exists}
        return MembershipSnapshot(
            CHALLENGE_DOC.load(data["challenge"], participants=0) if "challenge" in data else None,
            settings_from_doc(data["user"]) if "user" in data else UserSettings(),
            streak_from_doc(data["streak"]) if "streak" in data else StreakRecord(),
            MEMBERSHIP_DOC.load(data["membership"]) if "membership" in data else None,
        )

    def days(self, first: date, last: date) -> dict[date, DayRecord]:
        count = (last - first).days + 1
        if count <= 0:
            return {}
        refs = [
            paths.day(self._client, self._uid, (first + timedelta(days=n)).isoformat()) for n in range(count)
        ]
        records = [day_from_doc(doc.to_dict()) for doc in self._tx.get_all(refs) if doc.exists]
        return {record.day: record for record in records}

    def join(self, joining: Joining) -> None:
        create_missing_outbox(self._client, self._tx, joining.outbox)
        stage_memberships(self._client, self._tx, self._uid, [joining.membership])
        self._write(joining.challenge, joining.streak, +1, firestore.ArrayUnion)

    def leave(self, challenge: Challenge, streak: StreakRecord) -> None:
        self._tx.delete(paths.membership(self._client, self._uid, challenge.id))
        self._write(
            challenge, streak, -1, firestore.ArrayRemove if challenge.created_by != self._uid else None
        )

    def _write(self, challenge: Challenge, streak: StreakRecord, step: int, audience: Any) -> None:
        client, uid = self._client, self._uid
        stage_streak(client, self._tx, uid, streak)
        shard = paths.challenge_shard(client, challenge.id, random.randrange(SHARDS))
        self._tx.set(shard, {"participants": firestore.Increment(step)}, merge=True)
        if challenge.visibility is ChallengeVisibility.PRIVATE and audience is not None:
            self._tx.update(paths.challenge(client, challenge.id), {"audience": audience([audience_of(uid)])})
