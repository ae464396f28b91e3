"""Friend streaks as a use case, on fakes of the ports: invitations and their limits, the checks after a
change and at night, nudges, and what ends a friend streak."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.notifications import render
from streak_core.domain.sessions import SessionFields
from streak_core.domain.vocabulary import FriendStreakStatus, Locale, NotificationKind, SessionStatus
from streak_core.errors import (
    AlreadyNudged,
    FriendStreakExists,
    FriendStreakLimitReached,
    FriendStreakNotActive,
    FriendStreakNotFound,
    NotFriends,
)
from streak_core.models.maintenance import DueUser
from streak_core.models.users import UserSettings
from streak_core.services.friend_streaks import FriendStreaks, FriendWaiting
from streak_core.services.friends import Friends
from streak_core.services.maintenance import maintain
from streak_core.services.reminders import send_reminders
from streak_core.services.sessions import accept_sessions
from tests.unit.fakes import (
    FakeLater,
    FakeReminders,
    InMemoryFriendStore,
    InMemoryFriendStreakStore,
    InMemoryLeaderboardStore,
    InMemoryUserStore,
    RecordingFriendStreakQueue,
)

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)


class World:
    def __init__(self, zones: dict[str, str] | None = None) -> None:
        self.users = InMemoryUserStore()
        self.friends_store = InMemoryFriendStore(self.users)
        self.store = InMemoryFriendStreakStore(self.friends_store)
        self.queue = RecordingFriendStreakQueue()
        self.later = FakeLater()
        self.pairs = FriendStreaks(self.store, self.later)
        self.friends = Friends(
            self.friends_store, InMemoryLeaderboardStore(self.users), self.users, DEFAULT_CONFIG
        )
        for uid, zone in (zones or {"ana": "UTC", "ben": "UTC"}).items():
            self.users._user(uid).settings = UserSettings(timezone=zone, display_name=uid.title())

    def befriend(self, a: str, b: str) -> None:
        self.friends.request(a, b, NOW)
        self.friends.accept(b, a, NOW)

    def focus(self, uid: str, start: datetime, minutes: int = 40, now: datetime | None = None) -> None:
        end = start + timedelta(minutes=minutes)
        zone = self.users.users[uid].settings.timezone or "UTC"
        raw = SessionFields(f"{uid}{int(start.timestamp())}", start.isoformat(), end.isoformat(), zone)
        answer = accept_sessions(self.users, uid, [raw], now or end, DEFAULT_CONFIG, pairs=self.queue)
        assert answer.items[0].status is SessionStatus.CREATED

    def entries(self, kind: NotificationKind) -> list[str]:
        return sorted(e for e, v in self.users.outbox.items() if v.kind is kind)

    def active(self) -> str:
        self.befriend("ana", "ben")
        invited = self.pairs.invite("ana", "ben", NOW)
        return self.pairs.accept("ben", invited.id, NOW).id


def test_an_invitation_needs_a_friend_and_is_told_to_them() -> None:
    w = World()
    with pytest.raises(NotFriends):
        w.pairs.invite("ana", "ben", NOW)
    with pytest.raises(NotFriends):
        w.pairs.invite("ana", "ana", NOW)
    w.befriend("ana", "ben")
    view = w.pairs.invite("ana", "ben", NOW)
    assert (view.status, view.invited_by, view.friend_id, view.today) == (
        FriendStreakStatus.INVITED,
        "ana",
        "ben",
        None,
    )
    [entry] = [w.users.outbox[i] for i in w.entries(NotificationKind.FRIEND_STREAK_INVITED)]
    assert entry.uid == "ben"
    assert entry.data["friend"] == "Ana"
    assert render(entry.kind, Locale.FR, entry.data).title == "Ana vous invite à une série entre amis"
    assert [i for i, _ in w.later.scheduled] == [entry.id]
    with pytest.raises(FriendStreakExists) as exists:
        w.pairs.invite("ben", "ana", NOW)  # either side: one per pair
    assert exists.value.details == {"id": view.id}


def test_five_friend_streaks_per_user_on_either_side() -> None:
    w = World(dict.fromkeys(["ana", "ben", *(f"f{n}" for n in range(6))], "UTC"))
    for n in range(5):
        w.befriend("ana", f"f{n}")
        w.pairs.invite(f"f{n}", "ana", NOW)  # invited ones count for the invited side too
    w.befriend("ana", "f5")
    with pytest.raises(FriendStreakLimitReached, match="You already"):
        w.pairs.invite("ana", "f5", NOW)
    with pytest.raises(FriendStreakLimitReached, match="Your friend"):
        w.pairs.invite("f5", "ana", NOW)
    w.pairs.end("ana", w.pairs.listing("ana", NOW)[0].id)  # declining makes room
    assert w.pairs.invite("f5", "ana", NOW).status is FriendStreakStatus.INVITED


def test_only_the_invited_friend_accepts_and_the_days_count_from_their_today() -> None:
    w = World({"ana": "Pacific/Kiritimati", "ben": "Pacific/Pago_Pago"})
    w.befriend("ana", "ben")
    invited = w.pairs.invite("ana", "ben", NOW)
    with pytest.raises(FriendStreakNotFound):
        w.pairs.accept("ana", invited.id, NOW)
    with pytest.raises(FriendStreakNotFound):
        w.pairs.accept("eve", invited.id, NOW)
    accepted = w.pairs.accept("ben", invited.id, NOW)
    # 09:00 UTC on 1 December: 30 November in Pago Pago (UTC-11), 1 December in Kiritimati (UTC+14).
    assert (accepted.status, accepted.started_on) == (FriendStreakStatus.ACTIVE, date(2026, 11, 30))
    assert w.pairs.accept("ben", invited.id, NOW) == accepted  # again: the same answer
    with pytest.raises(FriendStreakNotFound):  # the inviter never accepts, before or after (API.md)
        w.pairs.accept("ana", invited.id, NOW)
    assert accepted.today is not None
    assert accepted.today.date == date(2026, 11, 30)


def test_a_date_both_completed_is_told_to_both_once_after_the_second_friend_commits() -> None:
    w = World()
    sid = w.active()
    w.focus("ana", datetime(2026, 12, 1, 10, tzinfo=UTC))
    assert [p for p, _ in w.queue.asked] == [sid]  # checked after ana's commit, not inside it
    w.pairs.check([sid], datetime(2026, 12, 1, 11, tzinfo=UTC), breaks=False)
    assert w.entries(NotificationKind.FRIEND_STREAK_EXTENDED) == []  # ben has not focused yet
    w.focus("ben", datetime(2026, 12, 1, 12, tzinfo=UTC))
    at = datetime(2026, 12, 1, 13, tzinfo=UTC)
    w.pairs.check([sid], at, breaks=False)
    w.pairs.check([sid], at, breaks=False)  # the same check twice: told once
    told = [w.users.outbox[i] for i in w.entries(NotificationKind.FRIEND_STREAK_EXTENDED)]
    assert sorted(e.uid for e in told) == ["ana", "ben"]
    assert {e.data["days"] for e in told} == {1}
    assert told[0].data["day"] == "2026-12-01"
    [view] = w.pairs.listing("ana", at)
    assert (view.length, view.longest, view.today, view.at_risk) == (1, 1, view.today, False)
    assert view.today is not None
    assert (view.today.me, view.today.friend) == (True, True)


def test_a_break_is_told_once_by_the_night_check_after_both_days_are_final() -> None:
    w = World()
    sid = w.active()
    for friend in ("ana", "ben"):
        w.focus(friend, datetime(2026, 12, 1, 10, tzinfo=UTC))
    w.pairs.check([sid], datetime(2026, 12, 1, 13, tzinfo=UTC), breaks=False)
    w.focus("ana", datetime(2026, 12, 2, 10, tzinfo=UTC))  # ben misses the 2nd
    night = datetime(2026, 12, 3, 1, 30, tzinfo=UTC)  # the 3rd: the 2nd is over for both
    w.users.users["ana"].streak.maintenance_due_at = night + timedelta(days=1)
    w.users.users["ben"].streak.maintenance_due_at = night - timedelta(minutes=30)
    w.pairs.check([sid], night, breaks=True)
    assert w.entries(NotificationKind.FRIEND_STREAK_BROKEN) == []  # ben's freeze may still cover the 2nd
    assert w.store.friends.pairs[sid].check_at == night + timedelta(minutes=15)
    for friend in ("ana", "ben"):  # their maintenance ran
        w.users.users[friend].streak.maintenance_due_at = night + timedelta(days=1)
    w.pairs.check([sid], night + timedelta(minutes=15), breaks=True)
    w.pairs.check([sid], night + timedelta(minutes=30), breaks=True)
    broken = [w.users.outbox[i] for i in w.entries(NotificationKind.FRIEND_STREAK_BROKEN)]
    assert sorted(e.uid for e in broken) == ["ana", "ben"]
    assert broken[0].data["days"] == 1
    assert render(broken[0].kind, Locale.EN, broken[0].data).body.startswith("Your 1-day friend streak with")
    assert w.pairs.listing("ana", night)[0].length == 0


def test_the_pair_is_judged_on_the_earlier_today_fourteen_hours_apart() -> None:
    """Ana (UTC+14) has finished the 1st before Ben (UTC-11) starts it: the 1st still counts when Ben
    focuses on it later, and the pair's date is his."""
    w = World({"ana": "Pacific/Kiritimati", "ben": "Pacific/Pago_Pago"})
    sid = w.active()
    w.focus("ana", datetime(2026, 11, 30, 20, tzinfo=UTC))  # Kiritimati: 1 December, 10:00
    w.focus("ben", datetime(2026, 12, 1, 20, tzinfo=UTC))  # Pago Pago: 1 December, 09:00
    at = datetime(2026, 12, 1, 21, tzinfo=UTC)  # Kiritimati is on the 2nd, Pago Pago on the 1st
    w.pairs.check([sid], at, breaks=False)
    [view] = w.pairs.listing("ben", at)
    assert view.today is not None
    assert view.today.date == date(2026, 12, 1)
    assert (view.length, view.today.me, view.today.friend) == (1, True, True)
    assert len(w.entries(NotificationKind.FRIEND_STREAK_EXTENDED)) == 2


def test_a_nudge_once_per_pair_sender_and_local_day() -> None:
    w = World()
    w.befriend("ana", "ben")
    invited = w.pairs.invite("ana", "ben", NOW)
    with pytest.raises(FriendStreakNotActive):
        w.pairs.nudge("ana", invited.id, NOW)
    sid = w.pairs.accept("ben", invited.id, NOW).id
    w.pairs.nudge("ana", sid, NOW)
    with pytest.raises(AlreadyNudged):
        w.pairs.nudge("ana", sid, NOW + timedelta(hours=2))
    w.pairs.nudge("ben", sid, NOW)  # the other sender
    w.pairs.nudge("ana", sid, NOW + timedelta(days=1))  # another day
    nudges = [w.users.outbox[i] for i in w.entries(NotificationKind.FRIEND_STREAK_NUDGE)]
    assert sorted(e.uid for e in nudges) == ["ana", "ben", "ben"]
    with pytest.raises(FriendStreakNotFound):
        w.pairs.nudge("eve", sid, NOW)


def test_unfriending_and_either_side_end_it() -> None:
    w = World()
    sid = w.active()
    w.friends.remove("ben", "ana")
    assert w.pairs.listing("ana", NOW) == []
    assert w.pairs.listing("ben", NOW) == []
    with pytest.raises(FriendStreakNotFound):
        w.pairs.end("ana", sid)
    sid = w.active()
    w.pairs.end("ben", sid)
    assert w.store.friends.pairs == {}
    assert w.users.users["ana"].friend_streaks == []


def test_a_lost_check_request_is_healed_by_the_night_check() -> None:
    w = World()
    sid = w.active()
    w.queue.fail = True  # every request to check the pair is lost
    for friend in ("ana", "ben"):
        w.focus(friend, datetime(2026, 12, 1, 10, tzinfo=UTC))
    assert w.entries(NotificationKind.FRIEND_STREAK_EXTENDED) == []
    night = datetime(2026, 12, 2, 1, tzinfo=UTC)
    assert sid in [i for page in w.store.due_pages(night, 10) for i in page]
    w.pairs.check([sid], night, breaks=True)  # the 1st is yesterday for the pair: still fresh
    assert len(w.entries(NotificationKind.FRIEND_STREAK_EXTENDED)) == 2


def test_maintenance_freezes_bridge_the_pair() -> None:
    w = World()
    sid = w.active()
    for day in (1, 2):
        for friend in ("ana", "ben"):
            w.focus(friend, datetime(2026, 12, day, 10, tzinfo=UTC))
    ben = w.users.users["ben"]
    ben.streak.state.freezes_available = 1
    night = datetime(2026, 12, 4, 1, tzinfo=UTC)
    w.focus("ana", datetime(2026, 12, 3, 10, tzinfo=UTC))
    maintain(DueUser("ben", ben.settings, ben.streak, None), night, DEFAULT_CONFIG)  # spends it on the 3rd
    w.focus("ana", datetime(2026, 12, 4, 10, tzinfo=UTC))
    w.focus("ben", datetime(2026, 12, 4, 11, tzinfo=UTC))
    [view] = w.pairs.listing("ana", datetime(2026, 12, 4, 12, tzinfo=UTC))
    assert (view.length, view.longest) == (3, 3)  # the 1st, 2nd and 4th; the 3rd bridged by ben's freeze
    assert sid == view.id


def test_the_evening_reminder_names_the_friend_who_has_focused_today() -> None:
    w = World()
    sid = w.active()
    for day in (1, 2):
        for friend in ("ana", "ben"):
            w.focus(friend, datetime(2026, 12, day, 10, tzinfo=UTC))
    w.focus("ana", datetime(2026, 12, 3, 10, tzinfo=UTC))  # ben has not focused on the 3rd yet
    evening = datetime(2026, 12, 3, 20, 1, tzinfo=UTC)  # his reminder hour (20:00 local, UTC)
    waiting = w.pairs.waiting_on("ben", date(2026, 12, 3), evening)
    assert waiting == FriendWaiting(sid, date(2026, 12, 3), 2, "Ana")
    assert w.pairs.waiting_on("ana", date(2026, 12, 3), evening) is None  # she has focused
    reminders = FakeReminders()
    ben = w.users.users["ben"]
    reminders.users["ben"] = (ben.settings, ben.streak)
    reminders.friend_streaks["ben"] = tuple(ben.friend_streaks)
    reminders.due_at["ben"] = evening - timedelta(hours=1)
    send_reminders(reminders, reminders, None, evening, DEFAULT_CONFIG, pairs=w.pairs)
    [entry] = reminders.outbox.values()
    message = render(entry.kind, Locale.EN, entry.data)
    assert (entry.kind, message.title) == (NotificationKind.REMINDER, "Ana has focused today — your turn")
    assert message.body == "30 more minutes to keep your 2-day friend streak with Ana."
