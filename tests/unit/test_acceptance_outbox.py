"""Session acceptance writes milestone and streak_restored notifications with the state change."""

from __future__ import annotations

from datetime import UTC, date, datetime

from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.notifications import PUSH_HELD
from streak_core.domain.sessions import SessionFields
from streak_core.domain.webhooks import lane_of
from streak_core.services.sessions import accept_sessions
from tests.unit.fakes import FakeLater, InMemoryUserStore


def raw(day: int, sid: str | None = None, minutes: int = 40, hour: int = 9) -> SessionFields:
    """A qualifying session; an hour or more is a strong day, which recovers a break the day before."""
    start = f"2026-11-{day:02d}T{hour:02d}:00:00Z"
    end = f"2026-11-{day:02d}T{hour + minutes // 60:02d}:{minutes % 60:02d}:00Z"
    return SessionFields(sid or f"s{day}", start, end, "UTC")


def noon(day: int) -> datetime:
    return datetime(2026, 11, day, 12, tzinfo=UTC)


def test_the_seventh_day_writes_one_milestone_entry_even_when_resubmitted() -> None:
    store = InMemoryUserStore()
    accept_sessions(store, "u1", [raw(d) for d in range(10, 17)], noon(16), DEFAULT_CONFIG)
    accept_sessions(store, "u1", [raw(d) for d in range(10, 17)], noon(16), DEFAULT_CONFIG)
    assert list(store.outbox) == ["u1:milestone:7-2026-11-10", "u1:badge_earned:streak-7"]
    assert store.outbox["u1:milestone:7-2026-11-10"].data == {"days": 7}
    assert PUSH_HELD in store.outbox["u1:badge_earned:streak-7"].data  # the milestone is this change's push


def test_late_data_healing_a_closed_break_restores_the_streak() -> None:
    store = InMemoryUserStore()
    accept_sessions(store, "u1", [raw(d) for d in (10, 11, 12, 14, 15)], noon(15), DEFAULT_CONFIG)
    store.users["u1"].streak.last_maintained_date = date(
        2026, 11, 14
    )  # maintenance closed the 13th as a break
    accept_sessions(store, "u1", [raw(13, "late")], noon(16), DEFAULT_CONFIG)
    restored = store.outbox["u1:streak_restored:2026-11-13"]
    assert restored.data == {"days": 6}


def test_a_late_day_that_does_not_reach_today_restores_nothing() -> None:
    store = InMemoryUserStore()
    accept_sessions(store, "u1", [raw(d) for d in (10, 12)], noon(12), DEFAULT_CONFIG)
    store.users["u1"].streak.last_maintained_date = date(2026, 11, 15)
    accept_sessions(
        store, "u1", [raw(11, "late")], noon(16), DEFAULT_CONFIG
    )  # 10-12 joined, but it is the 16th
    assert [k for k in store.outbox if "streak_restored" in k] == []


def test_qualifying_a_frozen_day_is_a_refund_not_a_restoration() -> None:
    store = InMemoryUserStore()
    accept_sessions(store, "u1", [raw(d) for d in (10, 11, 13)], noon(13), DEFAULT_CONFIG)
    streak = store.users["u1"].streak
    streak.state.freezes_available = 1
    streak.state.apply_freeze(date(2026, 11, 12), DEFAULT_CONFIG)
    streak.last_maintained_date = date(2026, 11, 12)
    accept_sessions(store, "u1", [raw(12, "late")], noon(13), DEFAULT_CONFIG)
    assert [k for k in store.outbox if "streak_restored" in k] == []
    assert store.users["u1"].streak.state.freezes_available == 1


def test_entries_are_announced_after_the_commit_and_only_when_written() -> None:
    store, queue = InMemoryUserStore(), FakeLater()
    accept_sessions(store, "u1", [raw(d) for d in range(10, 17)], noon(16), DEFAULT_CONFIG, queue)
    assert queue.scheduled == [
        ("u1:milestone:7-2026-11-10", noon(16)),
        ("u1:badge_earned:streak-7", noon(16)),
    ]
    assert queue.lanes == [(lane_of("u1"), noon(16))]  # `streak.extended`, an event only: its lane's fan-out
    accept_sessions(store, "u1", [raw(d) for d in range(10, 17)], noon(16), DEFAULT_CONFIG, queue)
    assert (len(queue.scheduled), len(queue.lanes)) == (2, 1)  # exact repeats write and announce nothing


def test_nothing_is_announced_from_inside_the_transaction_body() -> None:
    class WatchedStore(InMemoryUserStore):
        inside = False

        def run_in_transaction(self, uid, body):  # type: ignore[no-untyped-def]
            self.inside = True
            try:
                return super().run_in_transaction(uid, body)
            finally:
                self.inside = False

    store = WatchedStore()
    seen: list[bool] = []

    class Queue:
        def dispatch_at(self, entry_id: str, when: datetime) -> None:
            seen.append(store.inside)

        def fan_out_lane(self, lane: int, at: datetime) -> None:
            seen.append(store.inside)

    accept_sessions(store, "u1", [raw(d) for d in range(10, 17)], noon(16), DEFAULT_CONFIG, Queue())
    assert seen == [False, False, False]  # the milestone, the streak-7 badge, streak.extended's lane


def test_a_strong_day_after_a_break_writes_one_recovered_entry() -> None:
    store = InMemoryUserStore()
    accept_sessions(store, "u1", [raw(d) for d in (10, 11)], noon(11), DEFAULT_CONFIG)
    accept_sessions(store, "u1", [raw(13, minutes=30)], noon(13), DEFAULT_CONFIG)
    assert [k for k in store.outbox if "streak_recovered" in k] == []  # 30 minutes qualify, do not recover
    later = datetime(2026, 11, 13, 18, tzinfo=UTC)
    accept_sessions(store, "u1", [raw(13, "more", minutes=30, hour=11)], later, DEFAULT_CONFIG)
    assert store.outbox["u1:streak_recovered:2026-11-12"].data == {"days": 3, "day": "2026-11-12"}
    assert store.users["u1"].streak.state.is_recovered(date(2026, 11, 12))


def test_late_data_qualifying_a_recovered_day_is_not_a_restoration() -> None:
    store = InMemoryUserStore()
    accept_sessions(store, "u1", [raw(10), raw(11), raw(13, minutes=60)], noon(13), DEFAULT_CONFIG)
    store.users["u1"].streak.last_maintained_date = date(2026, 11, 12)
    assert store.users["u1"].streak.state.is_recovered(date(2026, 11, 12))
    accept_sessions(store, "u1", [raw(12, "late")], noon(13), DEFAULT_CONFIG)
    assert [k for k in store.outbox if "streak_restored" in k] == []
    assert store.users["u1"].streak.state.is_qualified(date(2026, 11, 12))
