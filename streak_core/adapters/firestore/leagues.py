"""`league_members/{week}:{uid}`, `league_cohorts/{id}` and the sharded `league_openings/{week}-{tier}-{n}`
pointers a join or a placement takes its seats from."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any

from google.api_core import exceptions as gexc
from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter

from streak_core.adapters.firestore import paths
from streak_core.adapters.firestore.client import (
    LazyFirestore,
    batch_read,
    fields_of,
    run_transaction,
    stage_unchanged,
    store_errors,
    stream,
    streamed_pages,
)
from streak_core.adapters.firestore.documents import MEMBER_DOC, Doc, day_from_doc
from streak_core.adapters.firestore.staged import create_missing_outbox, stage_outbox
from streak_core.domain.leagues import (
    COHORT_SIZE,
    OPENING_SHARDS,
    Opening,
    cohort_id,
    join_series,
    placement_series,
    seat_after,
    take_seats,
    week_days,
)
from streak_core.domain.vocabulary import Tier
from streak_core.errors import TransientStoreError
from streak_core.models.leagues import Cohort, LeagueMember
from streak_core.models.notifications import OutboxEntry
from streak_core.ports.leagues import LeagueStore, Seat, WeekCount

HINT_EVERY = 5  # a join moves its series' pointer at every this many seats (and at a cohort's last)
MAX_PROBES = 2 * COHORT_SIZE  # taken seats a join steps over before it tries another shard
SEAT_TTL = timedelta(days=60)  # seats only keep joins apart while a week is open
SETTLE_ATTEMPTS = 10  # reads and conditional commits of a cohort before giving up (a 503: retried)
IN_LIMIT = 10  # values one `in` filter of the emulator and production takes at most (30 in production)


def _opening(doc: Any) -> Opening:
    data = fields_of(doc) if doc.exists else {}
    return Opening(int(data.get("cohort") or 0), int(data.get("filled") or 0))


class FirestoreLeagueStore(LeagueStore):
    def __init__(self, client: LazyFirestore, max_attempts: int = 10) -> None:
        self._client = client
        self._max_attempts = max_attempts

    def members(self, uid: str, weeks: Iterable[str]) -> dict[str, LeagueMember]:
        client = self._client()
        refs = [paths.league_member(client, week, uid) for week in sorted(set(weeks))]
        if not refs:
            return {}
        with store_errors():
            docs = list(client.get_all(refs))
        found = [MEMBER_DOC.load(fields_of(doc)) for doc in docs if doc.exists]
        return {member.week: member for member in found}

    def latest(self, uid: str) -> LeagueMember | None:
        query = self._of(uid).limit(1)
        docs = stream(query, "league weeks")
        return MEMBER_DOC.load(docs[0].to_dict()) if docs else None

    def history(self, uid: str, limit: int) -> list[LeagueMember]:
        # Only the newest week or two are not settled yet: read those beyond the limit too.
        found = [
            MEMBER_DOC.load(doc.to_dict()) for doc in stream(self._of(uid).limit(limit + 3), "league history")
        ]
        return [member for member in found if member.settled][:limit]

    def weeks(self, uid: str, limit: int) -> list[LeagueMember]:
        docs = stream(self._of(uid).limit(limit), "league weeks")
        return [MEMBER_DOC.load(doc.to_dict()) for doc in docs]

    def _of(self, uid: str) -> Any:
        members = paths.league_members(self._client())
        return members.where(filter=FieldFilter("uid", "==", uid)).order_by(
            "week", direction=firestore.Query.DESCENDING
        )

    def cohort_members(self, cohort_id: str) -> list[LeagueMember]:
        return self.cohort_members_of([cohort_id]).get(cohort_id, [])

    def cohort_members_of(self, cohort_ids: list[str]) -> dict[str, list[LeagueMember]]:
        """Read by id from each cohort's list of members (a query of the week's members would read an index
        of every one of them); a cohort without a list (made before it was kept) by a query."""
        client = self._client()
        found: dict[str, list[LeagueMember]] = {cohort: [] for cohort in cohort_ids}
        with store_errors():
            cohorts = batch_read(client, [paths.league_cohorts(client).document(c) for c in cohort_ids])
        listed = {d.reference.id: fields_of(d) for d in cohorts if d.exists and "uids" in fields_of(d)}
        refs = [
            paths.league_member(client, str(data["week"]), uid)
            for data in listed.values()
            for uid in data["uids"]
        ]
        with store_errors():
            docs = batch_read(client, refs) if refs else []
        members = [MEMBER_DOC.load(fields_of(doc)) for doc in docs if doc.exists]
        unlisted = [c for c in cohort_ids if c not in listed]
        for start in range(0, len(unlisted), IN_LIMIT):
            query = paths.league_members(client).where(
                filter=FieldFilter("cohort", "in", unlisted[start : start + IN_LIMIT])
            )
            members += [MEMBER_DOC.load(doc.to_dict()) for doc in stream(query, "league cohort members")]
        for member in members:
            if member.cohort in found:  # left a cohort for another (or erased): not counted in this one
                found[member.cohort].append(member)
        return found

    def cohorts(self, cohort_ids: list[str]) -> list[Cohort]:
        client = self._client()
        refs = [paths.league_cohorts(client).document(c) for c in cohort_ids]
        if not refs:
            return []
        with store_errors():
            docs = [doc for doc in client.get_all(refs) if doc.exists]
        return [_cohort(doc.id, fields_of(doc)) for doc in docs]

    def openings(self, week: str, tier: Tier) -> dict[int, Opening]:
        client = self._client()
        refs = [paths.league_opening(client, week, tier, join_series(s)) for s in range(OPENING_SHARDS)]
        with store_errors():
            docs = {doc.reference.id: doc for doc in client.get_all(refs)}
        return {shard: _opening(docs[ref.id]) for shard, ref in enumerate(refs)}

    def join(
        self, uid: str, week: str, tier: Tier, shard: int, longest_streak: int, now: datetime
    ) -> LeagueMember | None:
        client = self._client()
        member_ref = paths.league_member(client, week, uid)
        with store_errors():
            found = member_ref.get()
        if found.exists and (existing := MEMBER_DOC.load(fields_of(found))).placed:
            return existing
        series = join_series(shard)
        pointer = paths.league_opening(client, week, tier, series)
        with store_errors():
            hint = _opening(pointer.get())
        seat = self._claim(week, tier, series, hint, uid, now)
        if seat is None:
            return None
        number, slot = seat
        if slot % HINT_EVERY == 0 or slot == COHORT_SIZE - 1:  # a hint, kept cool: not every join writes it
            fields = {"week": week, "tier": tier.value, "cohort": number, "filled": slot + 1}
            with store_errors():
                pointer.set(fields, merge=True)
        return self._seat_member(uid, week, tier, cohort_id(week, tier, series, number), longest_streak, now)

    def _claim(
        self, week: str, tier: Tier, series: str, hint: Opening, uid: str, now: datetime
    ) -> tuple[int, int] | None:
        """The first free seat from the hint on, claimed by creating it (a taken one fails at once: no lock
        is held, so a burst of joins never waits on a transaction); None after MAX_PROBES taken seats."""
        client = self._client()
        number, slot = (hint.cohort, hint.filled) if hint.filled < COHORT_SIZE else (hint.cohort + 1, 0)
        for _ in range(MAX_PROBES):
            cohort = cohort_id(week, tier, series, number)
            if slot == 0:  # the cohort's document exists before any of its seats
                with store_errors():
                    paths.league_cohorts(client).document(cohort).set(
                        {"week": week, "tier": tier.value, "opened_at": now}, merge=True
                    )
            seat = {"uid": uid, "claimed_at": now, "expire_at": now + SEAT_TTL}
            try:
                with store_errors():
                    paths.league_seat(client, cohort, slot).create(seat)
            except gexc.AlreadyExists:
                number, slot = seat_after(number, slot)
                continue
            return number, slot
        return None

    def _seat_member(
        self, uid: str, week: str, tier: Tier, cohort: str, longest_streak: int, now: datetime
    ) -> LeagueMember:
        """The member document of a claimed seat, scored with the week's focus so far: the days are read in
        the same transaction, so a session accepted meanwhile is either summed here or moves it after."""
        client = self._client()
        member_ref = paths.league_member(client, week, uid)
        cohort_ref = paths.league_cohorts(client).document(cohort)
        first, last = week_days(week)
        day_refs = [paths.day(client, uid, (first + timedelta(days=n)).isoformat()) for n in range(7)]

        def body(tx: Any) -> LeagueMember:
            docs = {doc.reference.path: doc for doc in tx.get_all([member_ref, *day_refs])}
            member_doc = docs[member_ref.path]
            if member_doc.exists and (existing := MEMBER_DOC.load(fields_of(member_doc))).placed:
                return existing  # a second join of the same user won: this seat stays empty
            days = [day_from_doc(fields_of(doc)) for ref in day_refs if (doc := docs[ref.path]).exists]
            seconds = sum(record.state.seconds for record in days if first <= record.day <= last)
            member = LeagueMember(week, uid, seconds, longest_streak, now, tier, cohort, now)
            tx.set(member_ref, MEMBER_DOC.dump(member))
            tx.set(cohort_ref, {"uids": firestore.ArrayUnion([uid])}, merge=True)
            return member

        return run_transaction(client, body, self._max_attempts)

    def place(self, week: str, tier: Tier, shard: int, seats: list[Seat], now: datetime) -> int:
        client = self._client()
        refs = {seat.uid: paths.league_member(client, week, seat.uid) for seat in seats}
        series = placement_series(shard)
        pointer = paths.league_opening(client, week, tier, series)

        def body(tx: Any) -> int:
            docs = {doc.reference.path: doc for doc in tx.get_all([pointer, *refs.values()])}
            existing = {
                uid: MEMBER_DOC.load(fields_of(docs[ref.path]))
                for uid, ref in refs.items()
                if docs[ref.path].exists
            }
            waiting = [seat for seat in seats if not (seat.uid in existing and existing[seat.uid].placed)]
            if not waiting:
                return 0
            before = _opening(docs[pointer.path])
            numbers, after = take_seats(before, len(waiting))
            fields = {"week": week, "tier": tier.value, "cohort": after.cohort, "filled": after.filled}
            tx.set(pointer, fields)
            seated: dict[int, list[str]] = {}
            for seat, number in zip(waiting, numbers, strict=True):
                seated.setdefault(number, []).append(seat.uid)
            for number, uids in sorted(seated.items()):  # each cohort lists its members (for settlement)
                ref = paths.league_cohorts(client).document(cohort_id(week, tier, series, number))
                if number != before.cohort or before.filled == 0:
                    tx.set(ref, {"week": week, "tier": tier.value, "opened_at": now, "uids": uids})
                else:
                    tx.set(ref, {"uids": firestore.ArrayUnion(uids)}, merge=True)
            for seat, number in zip(waiting, numbers, strict=True):
                early = existing.get(seat.uid)  # focus of the week that came before the placement
                member = LeagueMember(
                    week,
                    seat.uid,
                    early.seconds if early else 0,
                    max(seat.longest_streak, early.longest_streak if early else 0),
                    early.reached_at if early and early.reached_at else now,
                    tier,
                    cohort_id(week, tier, series, number),
                    now,
                )
                tx.set(refs[seat.uid], MEMBER_DOC.dump(member))
            return len(waiting)

        return run_transaction(client, body, self._max_attempts)

    def settle_cohort(
        self, cohort_id: str, members: list[LeagueMember], outbox: list[OutboxEntry], now: datetime
    ) -> bool:
        """One commit, without a transaction: the cohort is read, then written with its members' outcomes
        and entries on the condition that it is unchanged since (no lock held for the read; a page settled
        twice at once has one of them fail the condition and find the cohort settled). The entries are
        created: none exists while the cohort is open, since they are written together."""
        client = self._client()
        cohort_ref = paths.league_cohorts(client).document(cohort_id)
        for _ in range(SETTLE_ATTEMPTS):
            with store_errors():
                seen = cohort_ref.get()
            if seen.exists and fields_of(seen).get("settled_at") is not None:
                return False
            batch = client.batch()
            stage_outbox(client, batch, outbox)
            for member in members:
                batch.set(paths.league_member(client, member.week, member.uid), MEMBER_DOC.dump(member))
            stage_unchanged(client, batch, cohort_ref, seen, {"settled_at": now, "members": len(members)})
            try:
                with store_errors():
                    batch.commit()
                return True
            except (gexc.FailedPrecondition, gexc.Conflict):  # changed since the read: read it again
                continue
            except gexc.AlreadyExists:  # an entry exists after all (written by hand?): keep it, as before
                return self._settle_keeping_entries(cohort_ref, members, outbox, now)
        raise TransientStoreError(f"contention: cohort {cohort_id} changed {SETTLE_ATTEMPTS} times")

    def _settle_keeping_entries(
        self, cohort_ref: Any, members: list[LeagueMember], outbox: list[OutboxEntry], now: datetime
    ) -> bool:
        client = self._client()

        def body(tx: Any) -> bool:
            cohort = next(iter(tx.get_all([cohort_ref])))
            if cohort.exists and fields_of(cohort).get("settled_at") is not None:
                return False
            create_missing_outbox(client, tx, outbox)
            for member in members:
                tx.set(paths.league_member(client, member.week, member.uid), MEMBER_DOC.dump(member))
            tx.set(cohort_ref, {"settled_at": now, "members": len(members)}, merge=True)
            return True

        return run_transaction(client, body, self._max_attempts)

    def cohort_pages(self, week: str, page_size: int) -> Iterator[list[str]]:
        query = (
            paths.league_cohorts(self._client())
            .where(filter=FieldFilter("week", "==", week))
            .order_by("__name__")
        )
        for page in streamed_pages(query, page_size, "league cohorts"):
            yield [doc.id for doc in page]

    def week_counts(self, week: str) -> list[WeekCount]:
        query = paths.league_cohorts(self._client()).where(filter=FieldFilter("week", "==", week))
        tally: dict[Tier, list[int]] = {}
        for doc in stream(query, "league week"):
            data = doc.to_dict()
            counts = tally.setdefault(Tier(data["tier"]), [0, 0, 0])
            counts[0] += 1
            if data.get("settled_at") is not None:
                counts[1] += 1
        members = paths.league_members(self._client()).where(filter=FieldFilter("week", "==", week))
        for doc in stream(members.select(["tier", "cohort"]), "league week members"):
            data = doc.to_dict()
            if data.get("cohort") and data.get("tier"):
                tally.setdefault(Tier(data["tier"]), [0, 0, 0])[2] += 1
        return [WeekCount(tier, *tally[tier]) for tier in Tier if tier in tally]


def _cohort(cohort_id: str, data: Doc) -> Cohort:
    return Cohort(cohort_id, str(data.get("week") or ""), Tier(data["tier"]), data.get("settled_at"))
