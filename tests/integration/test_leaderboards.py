"""Leaderboards and friends on the emulator: order and ties, cursors, `me`, privacy, periods across zones."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from functions.api.presenters.social import FriendsOut, LeaderboardOut
from streak_core.adapters.firestore.boards import FirestoreLeaderboardStore
from streak_core.adapters.firestore.client import LazyFirestore
from streak_core.adapters.firestore.documents import BOARD_ENTRY_DOC
from streak_core.adapters.firestore.friends import FirestoreFriendStore
from streak_core.adapters.firestore.users import FirestoreProfiles, FirestoreUserStore
from streak_core.domain.boards import BoardEntry
from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.sessions import SessionFields
from streak_core.domain.vocabulary import BoardStart, FriendStatus, Period, Scope, Visibility
from streak_core.errors import (
    CannotBefriendSelf,
    FriendLimitReached,
    FriendRequestNotFound,
    ServiceError,
    UserNotFound,
)
from streak_core.models.users import SettingsChange
from streak_core.services.cursors import Cursors
from streak_core.services.friends import Friends
from streak_core.services.leaderboard import BoardCache, BoardPage, BoardRequest, Leaderboards
from streak_core.services.queries import update_settings
from streak_core.services.sessions import accept_sessions

pytestmark = pytest.mark.integration


class World:
    """Users with sessions in a month of 2003 nobody else uses, so each test has boards of its own."""

    def __init__(self, client: Any, month: int) -> None:
        lazy = LazyFirestore(None, factory=lambda _: client)
        self.client, self.month = client, month
        self.users = FirestoreUserStore(lazy)
        self.boards = FirestoreLeaderboardStore(lazy)
        self.friend_store = FirestoreFriendStore(lazy)
        self.profiles = FirestoreProfiles(lazy)
        self.friends = Friends(self.friend_store, self.boards, self.profiles, DEFAULT_CONFIG, max_friends=500)
        self.cursors = Cursors("test")
        self.service = Leaderboards(
            self.users, self.boards, self.friend_store, self.cursors, BoardCache(enabled=False)
        )

    def at(self, day: int, hour: int = 12) -> datetime:
        return datetime(2003, self.month, day, hour, tzinfo=UTC)

    def person(
        self, visibility: Visibility = Visibility.PUBLIC, tz: str = "UTC", name: str | None = None
    ) -> str:
        uid = f"lb-{uuid.uuid4().hex[:10]}"
        change = SettingsChange(leaderboard_visibility=visibility, timezone=tz, display_name=name or uid[-4:])
        update_settings(self.users, uid, change, self.at(1))
        return uid

    def focus(self, uid: str, days: list[int], now: datetime | None = None, tz: str = "UTC") -> None:
        raws = [
            SessionFields(
                f"s{self.month}-{d}",
                f"2003-{self.month:02d}-{d:02d}T01:00:00Z",
                f"2003-{self.month:02d}-{d:02d}T01:40:00Z",  # qualifies; too short to recover a break
                tz,
            )
            for d in days
        ]
        accept_sessions(self.users, uid, raws, now or self.at(max(days), 23), DEFAULT_CONFIG)

    def board(
        self,
        viewer: str,
        now: datetime,
        period: Period = Period.MONTH,
        scope: Scope = Scope.GLOBAL,
        limit: int = 20,
        cursor: str | None = None,
        start: BoardStart = BoardStart.TOP,
    ) -> dict[str, Any]:
        """The page as the API sends it."""
        page = self.service.board(viewer, BoardRequest(period, scope, limit, cursor, start), now)
        return as_json(page)

    def listing(self, uid: str, now: datetime) -> dict[str, Any]:
        return FriendsOut.model_validate(self.friends.listing(uid, now)).model_dump(mode="json")


def as_json(page: BoardPage) -> dict[str, Any]:
    return LeaderboardOut.model_validate(page).model_dump(mode="json")


def ids(view: dict[str, Any]) -> list[str]:
    return [e["user_id"] for e in view["entries"]]


@pytest.fixture
def world(firestore_client: Any, request: pytest.FixtureRequest) -> World:
    months = {"ordering": 1, "cursor": 2, "privacy": 4, "friends_board": 5, "settings": 6, "cache": 7}
    months["jump"] = 11  # 9 is the rollover test's (its October 1st too)
    key = next(k for k in months if k in request.node.name)
    return World(firestore_client, months[key])


def test_ordering_by_score_then_longest_streak_then_who_reached_it_first(world: World) -> None:
    top, early, late, short = (world.person() for _ in range(4))
    world.focus(top, [1, 2, 3, 4, 5])
    world.focus(early, [6, 7, 8], now=world.at(8, 20))
    world.focus(late, [6, 7, 8], now=world.at(8, 21))
    world.focus(short, [10, 12, 14], now=world.at(14, 20))
    view = world.board(early, world.at(15))
    assert ids(view) == [top, early, late, short]
    assert [e["rank"] for e in view["entries"]] == [1, 2, 3, 4]
    assert [(e["score"], e["longest_streak"]) for e in view["entries"]] == [(5, 5), (3, 3), (3, 3), (3, 1)]
    assert view["me"] == {"rank": 2, "score": 3}
    assert world.board(short, world.at(15))["me"] == {"rank": 4, "score": 3}


def test_cursor_pages_continue_the_ranks_and_end(world: World) -> None:
    people = [world.person() for _ in range(5)]
    for n, uid in enumerate(people):
        world.focus(uid, list(range(1, 6 - n)))
    first = world.board(people[0], world.at(20), limit=2)
    second = world.board(people[0], world.at(20), limit=2, cursor=first["next_cursor"])
    third = world.board(people[0], world.at(20), limit=2, cursor=second["next_cursor"])
    assert ids(first) + ids(second) + ids(third) == people
    assert [e["rank"] for e in third["entries"]] == [5]
    assert third["next_cursor"] is None


def test_jump_to_me_begins_at_the_callers_rank_on_firestore(world: World) -> None:
    people = [world.person() for _ in range(5)]
    for n, uid in enumerate(people):
        world.focus(uid, list(range(1, 6 - n)))
    mine = world.board(people[3], world.at(20), limit=1, start=BoardStart.ME)
    assert [(e["user_id"], e["rank"]) for e in mine["entries"]] == [(people[3], 4)]
    after = world.board(people[3], world.at(20), limit=5, cursor=mine["next_cursor"])
    assert [(e["user_id"], e["rank"]) for e in after["entries"]] == [(people[4], 5)]
    assert after["next_cursor"] is None


def test_privacy_each_level_as_a_stranger_a_friend_and_the_user_sees_it(world: World) -> None:
    public, friendly = world.person(Visibility.PUBLIC), world.person(Visibility.FRIENDS)
    hidden, stranger = world.person(Visibility.HIDDEN), world.person(Visibility.HIDDEN)
    friend = world.person(Visibility.PUBLIC)
    for n, uid in enumerate((public, friendly, hidden)):
        world.focus(uid, list(range(1, 10 - n)))
    for uid in (public, friendly, hidden):
        world.friends.request(friend, uid, world.at(10))
        world.friends.accept(uid, friend, world.at(10))
    world.focus(friend, [1])
    now = world.at(12)

    assert ids(world.board(stranger, now)) == [public, friend]
    assert ids(world.board(friend, now)) == [public, friend]
    assert ids(world.board(friend, now, scope=Scope.FRIENDS)) == [public, friendly, friend]
    assert ids(world.board(hidden, now, scope=Scope.FRIENDS)) == [friend]
    assert world.board(hidden, now)["me"] == {"rank": 2, "score": 7}  # behind the one public user ahead
    assert world.board(hidden, now, scope=Scope.FRIENDS)["me"] == {"rank": 1, "score": 7}
    assert world.board(friendly, now)["me"] == {"rank": 2, "score": 8}
    assert world.board(stranger, now)["me"] == {"rank": 3, "score": 0}


def test_week_and_month_roll_over_by_each_users_local_dates(firestore_client: Any) -> None:
    world = World(firestore_client, 3)
    ahead = world.person(tz="Pacific/Kiritimati")  # UTC+14
    behind = world.person(tz="America/Los_Angeles")
    # Sunday 2003-03-09 12:00Z is Monday 02:00 in Kiritimati and Sunday 04:00 in Los Angeles.
    sunday_noon = world.at(9, 12)
    world.focus(ahead, [6, 7], now=sunday_noon, tz="Pacific/Kiritimati")  # Thu 6 and Fri 7, ISO week 10
    monday = SessionFields("mon", "2003-03-09T11:00:00Z", "2003-03-09T11:40:00Z", "Pacific/Kiritimati")
    accept_sessions(world.users, ahead, [monday], sunday_noon, DEFAULT_CONFIG)  # Monday 10th there: week 11
    sunday = SessionFields("sun", "2003-03-09T10:00:00Z", "2003-03-09T11:00:00Z", "America/Los_Angeles")
    accept_sessions(world.users, behind, [sunday], sunday_noon, DEFAULT_CONFIG)  # Sunday 9th there: week 10

    week10 = world.board(behind, sunday_noon, period=Period.WEEK)
    assert [(e["user_id"], e["score"]) for e in week10["entries"]] == [(ahead, 2), (behind, 1)]
    week11 = world.board(ahead, sunday_noon, period=Period.WEEK)
    assert [(e["user_id"], e["score"]) for e in week11["entries"]] == [(ahead, 1)]
    assert week11["me"]["score"] == 1
    # A week later nobody has focused: both score 0 on their new week, with no job having reset anything.
    later = sunday_noon + timedelta(days=8)
    assert world.board(behind, later, period=Period.WEEK) == {
        "entries": [],
        "next_cursor": None,
        "me": {"rank": 1, "score": 0},
    }
    assert world.board(ahead, later, period=Period.MONTH)["me"]["score"] == 3  # still March in both zones


def test_the_month_rolls_over_at_each_users_own_midnight(firestore_client: Any) -> None:
    world = World(firestore_client, 9)
    ahead, behind = world.person(tz="Pacific/Kiritimati"), world.person(tz="America/Los_Angeles")
    # 2003-09-30 12:00Z: already October 1st (02:00) in Kiritimati, still September 30th in Los Angeles.
    now = world.at(30, 12)
    early = SessionFields("sep", "2003-09-29T09:00:00Z", "2003-09-29T10:00:00Z", "Pacific/Kiritimati")
    late = SessionFields("oct", "2003-09-30T11:00:00Z", "2003-09-30T11:45:00Z", "Pacific/Kiritimati")
    accept_sessions(
        world.users, ahead, [early, late], now, DEFAULT_CONFIG
    )  # Sep 29 23:00 and Oct 1 01:00 there
    there = SessionFields("la", "2003-09-30T10:00:00Z", "2003-09-30T11:00:00Z", "America/Los_Angeles")
    accept_sessions(world.users, behind, [there], now + timedelta(minutes=1), DEFAULT_CONFIG)  # 03:00 there

    september = world.board(behind, now, period=Period.MONTH)
    assert [(e["user_id"], e["score"]) for e in september["entries"]] == [(ahead, 1), (behind, 1)]
    october = world.board(ahead, now, period=Period.MONTH)
    assert [(e["user_id"], e["score"]) for e in october["entries"]] == [(ahead, 1)]
    assert world.board(behind, now + timedelta(days=1), period=Period.MONTH)["me"] == {"rank": 2, "score": 0}


def test_friends_board_with_hundreds_of_friends_ranks_all_of_them(world: World) -> None:
    viewer = world.person()
    world.focus(viewer, [1, 2, 3])
    key = "month-2003-05"
    batch = world.client.batch()
    friends = [f"{viewer}-f{n:03d}" for n in range(300)]
    for n, friend in enumerate(friends):
        entry = BoardEntry(friend, n % 7 + 1, n % 5, world.at(3), Visibility.FRIENDS, f"F{n}")
        batch.set(
            world.client.collection("boards").document(key).collection("entries").document(friend),
            BOARD_ENTRY_DOC.dump(entry),
        )
        batch.set(
            world.client.collection("users").document(viewer).collection("friends").document(friend),
            {"since": world.at(1)},
        )
        if len(batch) >= 400:
            batch.commit()
            batch = world.client.batch()
    batch.commit()

    seen: list[dict[str, Any]] = []
    cursor = None
    while True:
        view = world.board(viewer, world.at(4), scope=Scope.FRIENDS, limit=100, cursor=cursor)
        seen += view["entries"]
        cursor = view["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 301
    assert [e["rank"] for e in seen] == list(range(1, 302))
    keys = [(-e["score"], -e["longest_streak"]) for e in seen if e["user_id"] != viewer]
    assert keys == sorted(keys)
    assert view["me"]["rank"] == next(e["rank"] for e in seen if e["user_id"] == viewer)


def test_settings_changes_reach_the_board_entries(world: World) -> None:
    uid, other = world.person(name="Ada"), world.person()
    world.focus(uid, [1, 2])
    assert ids(world.board(other, world.at(3))) == [uid]
    update_settings(world.users, uid, SettingsChange(leaderboard_visibility=Visibility.HIDDEN), world.at(3))
    assert ids(world.board(other, world.at(3))) == []
    shown = SettingsChange(leaderboard_visibility=Visibility.PUBLIC, display_name="Ada L.")
    update_settings(world.users, uid, shown, world.at(3))
    assert world.board(other, world.at(3))["entries"][0]["display_name"] == "Ada L."


def test_cache_serves_the_first_page_from_the_snapshot_until_it_is_old(world: World) -> None:
    clock = [0.0]
    cache = BoardCache(max_age=timedelta(seconds=60), memory_age=5, monotonic=lambda: clock[0])
    service = Leaderboards(world.users, world.boards, world.friend_store, world.cursors, cache)
    first, second = world.person(), world.person()
    world.focus(first, [1])
    request = BoardRequest(Period.MONTH, Scope.GLOBAL, 20, None)

    def board(now: datetime) -> dict[str, Any]:
        return as_json(service.board(first, request, now))

    assert ids(board(world.at(2))) == [first]
    world.focus(second, [1, 2])
    assert ids(board(world.at(2))) == [first]  # this instance's copy
    clock[0] = 6.0
    assert ids(board(world.at(2, 12) + timedelta(seconds=30))) == [first]  # snapshot
    assert board(world.at(2, 12) + timedelta(seconds=30))["me"] == {"rank": 2, "score": 1}
    clock[0] = 12.0
    assert ids(board(world.at(2, 12) + timedelta(seconds=61))) == [second, first]


class TestFriendRequests:
    @pytest.fixture
    def w(self, firestore_client: Any) -> World:
        return World(firestore_client, 8)

    def test_a_request_then_acceptance_makes_friends_on_both_sides(self, w: World) -> None:
        ada, bob = w.person(name="Ada"), w.person(name="Bob")
        assert w.friends.request(ada, bob, w.at(1)).status is FriendStatus.PENDING
        assert w.listing(bob, w.at(1))["requests"]["incoming"][0]["user_id"] == ada
        assert w.listing(ada, w.at(1))["requests"]["outgoing"][0]["display_name"] == "Bob"
        assert w.friends.accept(bob, ada, w.at(2)).status is FriendStatus.FRIENDS
        assert [f["user_id"] for f in w.listing(ada, w.at(2))["friends"]] == [bob]
        assert [f["user_id"] for f in w.listing(bob, w.at(2))["friends"]] == [ada]

    def test_a_hidden_users_name_is_not_shown_to_whoever_asked_them(self, w: World) -> None:
        ada, shy = w.person(name="Ada"), w.person(Visibility.HIDDEN, name="Shy")
        w.friends.request(ada, shy, w.at(1))
        assert w.listing(ada, w.at(1))["requests"]["outgoing"] == [
            {"user_id": shy, "display_name": None, "created_at": w.at(1).isoformat()}
        ]
        assert w.listing(shy, w.at(1))["requests"]["incoming"][0]["display_name"] == "Ada"

    def test_asking_someone_who_asked_you_makes_friends(self, w: World) -> None:
        ada, bob = w.person(), w.person()
        w.friends.request(ada, bob, w.at(1))
        outcome = w.friends.request(bob, ada, w.at(2))
        assert (outcome.status, outcome.changed) == (FriendStatus.FRIENDS, True)
        assert w.listing(ada, w.at(2))["requests"] == {"incoming": [], "outgoing": []}

    def test_repeats_change_nothing(self, w: World) -> None:
        ada, bob = w.person(), w.person()
        w.friends.request(ada, bob, w.at(1))
        assert not w.friends.request(ada, bob, w.at(1)).changed
        w.friends.accept(bob, ada, w.at(2))
        assert not w.friends.request(ada, bob, w.at(3)).changed
        assert not w.friends.accept(bob, ada, w.at(3)).changed

    def test_removing_is_symmetric_and_idempotent(self, w: World) -> None:
        ada, bob = w.person(), w.person()
        w.friends.request(ada, bob, w.at(1))
        w.friends.accept(bob, ada, w.at(1))
        w.friends.remove(bob, ada)
        w.friends.remove(bob, ada)
        assert w.listing(ada, w.at(2))["friends"] == []
        assert w.listing(bob, w.at(2))["friends"] == []
        assert w.client.collection("users").document(ada).get().get("friend_count") == 0

    def test_friends_list_shows_each_friends_streak_and_today(self, w: World) -> None:
        ada, bob = w.person(), w.person(name="Bob")
        w.focus(bob, [1, 2, 3], now=w.at(3, 12))
        w.friends.request(ada, bob, w.at(3))
        w.friends.accept(bob, ada, w.at(3))
        [friend] = w.listing(ada, w.at(3, 13))["friends"]
        assert friend["current_streak"] == 3
        assert friend["today"] == {"date": "2003-08-03", "seconds": 2400, "qualified": True}

    @pytest.mark.parametrize(
        ("case", "error"),
        [
            ("self", CannotBefriendSelf),
            ("unknown", UserNotFound),
            ("no_request", FriendRequestNotFound),
            ("reserved", UserNotFound),
            ("dots", FriendRequestNotFound),
        ],
    )
    def test_clear_errors(self, w: World, case: str, error: type[ServiceError]) -> None:
        ada, bob = w.person(), w.person()
        attempts = {
            "self": lambda: w.friends.request(ada, ada, w.at(1)),
            "unknown": lambda: w.friends.request(ada, "nobody-at-all", w.at(1)),
            "no_request": lambda: w.friends.accept(ada, bob, w.at(1)),
            "reserved": lambda: w.friends.request(ada, "__reserved__", w.at(1)),
            "dots": lambda: w.friends.accept(ada, "..", w.at(1)),
        }
        with pytest.raises(error):
            attempts[case]()

    def test_the_listing_shows_the_newest_requests_each_way_up_to_the_limit(self, w: World) -> None:
        limited = Friends(w.friend_store, w.boards, w.profiles, DEFAULT_CONFIG, max_friends=2)
        star, fans = w.person(), [w.person() for _ in range(3)]
        for n, fan in enumerate(fans):
            limited.request(fan, star, w.at(1, n + 1))
            limited.request(star, w.person(), w.at(2, n + 1))
        listing = FriendsOut.model_validate(limited.listing(star, w.at(3))).model_dump(mode="json")
        assert [r["user_id"] for r in listing["requests"]["incoming"]] == [fans[2], fans[1]]
        assert [r["created_at"] for r in listing["requests"]["outgoing"]] == [
            w.at(2, 3).isoformat(),
            w.at(2, 2).isoformat(),
        ]

    def test_the_friend_limit_is_enforced_on_both_sides(self, w: World) -> None:
        limited = Friends(w.friend_store, w.boards, w.profiles, DEFAULT_CONFIG, max_friends=1)
        ada, bob, cy = w.person(), w.person(), w.person()
        limited.request(ada, bob, w.at(1))
        limited.accept(bob, ada, w.at(1))
        with pytest.raises(FriendLimitReached):
            limited.request(ada, cy, w.at(1))
        limited.request(cy, bob, w.at(1))  # a request is fine; accepting it would exceed bob's limit
        with pytest.raises(FriendLimitReached):
            limited.accept(bob, cy, w.at(1))
