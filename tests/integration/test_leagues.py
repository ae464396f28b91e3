"""Leagues on the emulator: a burst of joins, a week settled twice, members at both ends of Earth, the
rebuild of open weeks."""

from __future__ import annotations

import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter

from streak_core.adapters.firestore.client import LazyFirestore
from streak_core.adapters.firestore.leagues import FirestoreLeagueStore
from streak_core.adapters.firestore.rebuild import FirestoreRebuildStore
from streak_core.adapters.firestore.users import FirestoreProfiles, FirestoreUserStore
from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.leagues import COHORT_SIZE, settles_at, shift_week, week_first
from streak_core.domain.sessions import SessionFields
from streak_core.domain.vocabulary import LeagueOutcome, Tier
from streak_core.models.users import SettingsChange
from streak_core.services.leagues import Leagues, LeagueSettler
from streak_core.services.queries import update_settings
from streak_core.services.rebuild import rebuild_user
from streak_core.services.sessions import accept_sessions

pytestmark = pytest.mark.integration
GRACE = DEFAULT_CONFIG.league_grace


class World:
    """One ISO week of 2004 per test, so cohorts of different tests never meet."""

    def __init__(self, client: Any, week: str) -> None:
        lazy = LazyFirestore(None, factory=lambda _: client)
        self.client, self.week = client, week
        self.users, self.profiles = FirestoreUserStore(lazy), FirestoreProfiles(lazy)
        self.store = FirestoreLeagueStore(lazy)
        self.leagues = Leagues(self.store, self.users, self.profiles, DEFAULT_CONFIG)
        self.settler = LeagueSettler(self.store, self.profiles, DEFAULT_CONFIG)
        self.monday = week_first(week)

    def at(self, day: int, hour: int = 12, minute: int = 0) -> datetime:
        """An instant (UTC) on day `day` of the week (0: Monday)."""
        return datetime.combine(self.monday, datetime.min.time(), UTC) + timedelta(
            days=day, hours=hour, minutes=minute
        )

    def person(self, tz: str = "UTC") -> str:
        uid = f"lg-{uuid.uuid4().hex[:10]}"
        update_settings(self.users, uid, SettingsChange(timezone=tz, display_name=uid[-4:]), self.at(0, 0))
        return uid

    def focus(self, uid: str, start: datetime, minutes: int, tz: str, now: datetime) -> None:
        end = start + timedelta(minutes=minutes)
        raw = SessionFields(f"f{start:%Y%m%d%H%M}", start.isoformat(), end.isoformat(), tz)
        accept_sessions(self.users, uid, [raw], now, DEFAULT_CONFIG)

    def settle_all(self, now: datetime) -> None:
        for batch, page in enumerate(self.store.cohort_pages(self.week, 10)):
            self.settler.settle_page(self.week, page, batch, now)

    def members(self, week: str) -> list[dict[str, Any]]:
        query = self.client.collection("league_members").where(filter=FieldFilter("week", "==", week))
        return [doc.to_dict() for doc in query.stream()]


def test_two_hundred_simultaneous_joins_fill_cohorts_of_at_most_thirty(firestore_client: Any) -> None:
    w = World(firestore_client, "2004-W10")
    uids = [f"lg-burst-{n:03d}-{uuid.uuid4().hex[:6]}" for n in range(200)]
    now = w.at(2)
    with ThreadPoolExecutor(32) as pool:
        views = list(pool.map(lambda uid: w.leagues.join(uid, now), uids))
    assert all(view.week == w.week and view.tier is Tier.BRONZE for view in views)
    stored = [m for m in w.members(w.week) if m["cohort"]]
    assert sorted(m["uid"] for m in stored) == sorted(uids)  # every joiner placed, nobody twice
    sizes = Counter(m["cohort"] for m in stored)
    assert max(sizes.values()) <= COHORT_SIZE
    assert sum(sizes.values()) == 200
    # Each shard fills its cohorts in order: only a shard's last cohort can be short.
    by_shard: dict[str, list[str]] = {}
    for cohort in sorted(sizes):
        by_shard.setdefault(cohort.rsplit("-", 1)[0], []).append(cohort)
    assert all(sizes[c] == COHORT_SIZE for cohorts in by_shard.values() for c in cohorts[:-1])
    # Each cohort lists its members (settlement reads them by id from it): exactly those seated in it.
    for cohort, size in sizes.items():
        listed = firestore_client.collection("league_cohorts").document(cohort).get().to_dict()["uids"]
        assert sorted(listed) == sorted(m["uid"] for m in stored if m["cohort"] == cohort)
        assert len(listed) == size
    again = w.leagues.join(uids[0], now)  # joining again changes nothing
    assert again.members == w.leagues.current(uids[0], now).members  # type: ignore[union-attr]  # joined
    assert len([m for m in w.members(w.week) if m["cohort"]]) == 200


def test_a_week_settled_twice_gives_each_member_one_outcome(firestore_client: Any) -> None:
    w = World(firestore_client, "2004-W14")
    uids = [w.person() for _ in range(12)]
    for n, uid in enumerate(uids):
        w.leagues.join(uid, w.at(0, 1, n))  # one after another: one cohort, filled in order
        if n < 10:
            w.focus(uid, w.at(1, 8), 10 + 5 * n, "UTC", w.at(1, 9, n))
    final = settles_at(w.week, GRACE)
    with pytest.raises(ValueError, match="not final"):
        w.settler.settle_page(w.week, next(w.store.cohort_pages(w.week, 10)), 0, final - timedelta(seconds=1))
    with ThreadPoolExecutor(2) as pool:  # the same page delivered twice at once
        list(pool.map(lambda _: w.settle_all(final), range(2)))
    first = {m["uid"]: m for m in w.members(w.week)}
    w.settle_all(final + timedelta(hours=1))  # and once more later
    assert {m["uid"]: m for m in w.members(w.week)} == first
    ranked = sorted(first.values(), key=lambda m: m["rank"])
    assert [m["uid"] for m in ranked[:7]] == list(reversed(uids[3:10]))  # most focus first
    assert {m["outcome"] for m in ranked[:7]} == {LeagueOutcome.PROMOTED.value}
    assert {m["outcome"] for m in ranked[7:]} == {LeagueOutcome.STAYED.value}  # bronze: nobody goes down
    entries = firestore_client.collection("outbox").where(filter=FieldFilter("kind", "==", "league_finished"))
    mine = [e.id for e in entries.stream() if e.to_dict()["uid"] in first]
    assert sorted(mine) == sorted(f"{uid}:league_finished:{w.week}" for uid in uids)
    following = {m["uid"]: m for m in w.members(shift_week(w.week, 1))}
    assert set(following) == set(uids)  # everyone seated next week, once
    for cohort in {m["cohort"] for m in following.values()}:  # and listed by next week's cohort
        listed = firestore_client.collection("league_cohorts").document(cohort).get().to_dict()["uids"]
        assert sorted(listed) == sorted(u for u, m in following.items() if m["cohort"] == cohort)
    assert {following[m["uid"]]["tier"] for m in ranked[:7]} == {Tier.SILVER.value}
    assert {following[m["uid"]]["tier"] for m in ranked[7:]} == {Tier.BRONZE.value}
    history = w.leagues.history(
        uids[9],
    )
    assert [(h.week, h.rank, h.outcome) for h in history] == [(w.week, 1, LeagueOutcome.PROMOTED)]


def test_members_at_both_ends_of_earth_count_to_the_end_of_their_sunday(firestore_client: Any) -> None:
    w = World(firestore_client, "2004-W20")
    east, west = w.person("Pacific/Kiritimati"), w.person("Pacific/Pago_Pago")  # UTC+14, UTC-11
    w.leagues.join(east, w.at(0, 0))
    w.leagues.join(west, w.at(0, 12))
    assert w.leagues.current(east, w.at(1)).members[0].user_id in (east, west)  # type: ignore[union-attr]
    # The last 40 minutes of each one's Sunday, sent as they end.
    east_end, west_end = w.at(6, 10), w.at(7, 11)  # local midnight: 24:00 at UTC+14 and at UTC-11
    w.focus(east, east_end - timedelta(minutes=40), 40, "Pacific/Kiritimati", east_end)
    w.focus(west, west_end - timedelta(minutes=40), 40, "Pacific/Pago_Pago", west_end)
    # Late data inside the grace counts; after it, the streak moves but the league week does not.
    final = settles_at(w.week, GRACE)
    w.focus(west, west_end - timedelta(hours=3), 20, "Pacific/Pago_Pago", final - timedelta(minutes=1))
    w.focus(east, east_end - timedelta(hours=3), 30, "Pacific/Kiritimati", final + timedelta(minutes=1))
    w.settle_all(final)
    settled = {m["uid"]: m for m in w.members(w.week)}
    assert settled[east]["seconds"] == 40 * 60
    assert settled[west]["seconds"] == 60 * 60
    assert (settled[west]["rank"], settled[east]["rank"]) == (1, 2)
    later = w.users.snapshot(east, (), ())
    assert later.streak.state.qualified_days == 1  # 70 minutes on the day: the late session counted there


def test_a_rebuild_recomputes_open_weeks_and_leaves_settled_ones(firestore_client: Any) -> None:
    w = World(firestore_client, "2004-W30")
    rebuilds = FirestoreRebuildStore(LazyFirestore(None, factory=lambda _: firestore_client))
    uid = w.person()
    w.leagues.join(uid, w.at(0, 1))
    w.focus(uid, w.at(1, 8), 45, "UTC", w.at(1, 9))
    ref = firestore_client.collection("league_members").document(f"{w.week}:{uid}")
    ref.update({"seconds": 7})  # drifted (a bug, a hand edit)
    dry = rebuild_user(rebuilds, uid, w.at(2), DEFAULT_CONFIG, dry_run=True)
    assert (dry.changed, dry.leagues_changed, ref.get().get("seconds")) == (True, 1, 7)
    report = rebuild_user(rebuilds, uid, w.at(2), DEFAULT_CONFIG, dry_run=False)
    assert (report.leagues_changed, ref.get().get("seconds")) == (1, 45 * 60)
    final = settles_at(w.week, GRACE)
    w.settle_all(final)
    settled = ref.get().to_dict()
    ref.update({"seconds": 7})
    after = rebuild_user(rebuilds, uid, final + timedelta(hours=1), DEFAULT_CONFIG, dry_run=False)
    assert after.leagues_changed == 0  # a settled week is a fact
    assert {**settled, "seconds": 7} == ref.get().to_dict()


def test_a_cohort_made_before_it_listed_its_members_is_settled_from_a_query(firestore_client: Any) -> None:
    w = World(firestore_client, "2004-W24")
    uids = [w.person() for _ in range(3)]
    for n, uid in enumerate(uids):
        w.leagues.join(uid, w.at(0, 1, n))
    cohort = {m["cohort"] for m in w.members(w.week)}.pop()
    ref = firestore_client.collection("league_cohorts").document(cohort)
    ref.update({"uids": firestore.DELETE_FIELD})  # as the cohorts of weeks before this release are
    w.settle_all(settles_at(w.week, GRACE))
    assert sorted(m["uid"] for m in w.members(w.week) if m.get("outcome")) == sorted(uids)
