"""The reminder hour: when it falls (zones, DST), who is at risk, and one reminder per user and day."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.notifications import minutes_to_go, plan_reminder
from streak_core.domain.vocabulary import NotificationKind
from streak_core.models.users import NotificationPreferences, UserSettings
from streak_core.services.reminders import send_reminders
from tests.unit.fakes import FakeLater, FakeReminders


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def test_the_reminder_hour_is_local_and_met_once_per_day() -> None:
    paris = plan_reminder(utc(21, 19, 0), "Europe/Paris", 20)  # 20:00 in Paris
    assert (paris.due_on, paris.next_at) == (date(2026, 11, 21), utc(22, 19))
    early = plan_reminder(utc(21, 18, 59), "Europe/Paris", 20)
    assert (early.due_on, early.next_at) == (None, utc(21, 19))


def test_the_reminder_hour_follows_dst() -> None:
    before = plan_reminder(datetime(2026, 3, 7, 12, tzinfo=UTC), "America/New_York", 20)
    assert before.next_at == datetime(2026, 3, 8, 1, tzinfo=UTC)  # 20:00 EST
    after = plan_reminder(datetime(2026, 3, 8, 12, tzinfo=UTC), "America/New_York", 20)
    assert after.next_at == datetime(2026, 3, 9, 0, tzinfo=UTC)  # 20:00 EDT, an hour earlier in UTC


def test_minutes_to_go_round_up_and_stop_at_zero() -> None:
    assert minutes_to_go(0, DEFAULT_CONFIG) == 30
    assert minutes_to_go(1741, DEFAULT_CONFIG) == 1
    assert minutes_to_go(1800, DEFAULT_CONFIG) == 0
    assert minutes_to_go(4000, DEFAULT_CONFIG) == 0


NOV = [date(2026, 11, d) for d in (18, 19, 20)]


def test_an_at_risk_streak_at_its_reminder_hour_gets_the_minutes_left() -> None:
    store, queue = FakeReminders(), FakeLater()
    store.add("risky", NOV)
    store.focus[("risky", date(2026, 11, 21))] = 600
    report = send_reminders(store, store, queue, utc(21, 20, 1), DEFAULT_CONFIG)
    entry = store.outbox["risky:reminder:2026-11-21"]
    assert entry.data == {"minutes": 20, "streak": 3, "date": "2026-11-21"}
    assert queue.scheduled == [("risky:reminder:2026-11-21", utc(21, 20, 1))]
    assert (report.considered, report.reminded) == (1, 1)
    assert store.due_at["risky"] == utc(22, 20)


def test_no_reminder_when_today_is_covered_or_there_is_no_live_streak() -> None:
    store = FakeReminders()
    store.add("done", [*NOV, date(2026, 11, 21)])
    store.add("lapsed", [date(2026, 11, 10)])
    send_reminders(store, store, FakeLater(), utc(21, 20, 1), DEFAULT_CONFIG)
    assert store.outbox == {}
    assert set(store.due_at.values()) == {utc(22, 20)}


def test_no_reminder_outside_the_hour_or_when_reminders_are_off() -> None:
    store = FakeReminders()
    store.add("early", NOV)
    off = NotificationPreferences(muted=frozenset({NotificationKind.REMINDER}))
    store.add("off", NOV, UserSettings(timezone="UTC", notifications=off))
    send_reminders(store, store, FakeLater(), utc(21, 19, 59), DEFAULT_CONFIG)
    assert store.due_at["early"] == utc(21, 20)
    send_reminders(store, store, FakeLater(), utc(21, 20, 0), DEFAULT_CONFIG)
    assert list(store.outbox) == ["early:reminder:2026-11-21"]


def test_each_user_is_reminded_once_a_day_however_often_the_tick_runs() -> None:
    store = FakeReminders()
    store.add("risky", NOV)
    for minute in (0, 15, 30, 59):
        send_reminders(store, store, FakeLater(), utc(21, 20, minute), DEFAULT_CONFIG)
    assert list(store.outbox) == ["risky:reminder:2026-11-21"]


def test_the_reminder_hour_setting_and_zone_are_the_users() -> None:
    store = FakeReminders()
    prefs = replace(NotificationPreferences(), reminder_hour=8)
    store.add("tokyo", NOV, UserSettings(timezone="Asia/Tokyo", notifications=prefs))
    send_reminders(store, store, FakeLater(), utc(20, 23, 10), DEFAULT_CONFIG)  # 08:10 on the 21st in Tokyo
    assert list(store.outbox) == ["tokyo:reminder:2026-11-21"]
    assert store.due_at["tokyo"] == utc(21, 23) + timedelta(hours=0)


def test_the_day_after_a_break_the_reminder_says_what_recovers_it() -> None:
    store = FakeReminders()
    store.add("broke", [date(2026, 11, d) for d in (17, 18, 19)])  # the 20th was missed
    store.focus[("broke", date(2026, 11, 21))] = 1500
    send_reminders(store, store, FakeLater(), utc(21, 20, 1), DEFAULT_CONFIG)
    entry = store.outbox["broke:reminder:2026-11-21"]
    assert entry.data == {"minutes": 35, "streak": 3, "date": "2026-11-21", "recovery": 1}


def test_no_reminder_once_the_break_may_not_be_recovered() -> None:
    store = FakeReminders()
    store.add("late", [date(2026, 11, d) for d in (17, 18)])  # two days missed: nothing to recover
    send_reminders(store, store, FakeLater(), utc(21, 20, 1), DEFAULT_CONFIG)
    assert store.outbox == {}


def test_no_reminder_on_a_paused_day() -> None:
    store = FakeReminders()
    store.add("away", NOV)
    store.users["away"][1].state.pause([date(2026, 11, 21)], DEFAULT_CONFIG)
    send_reminders(store, store, FakeLater(), utc(21, 20, 1), DEFAULT_CONFIG)
    assert store.outbox == {}
    assert store.due_at["away"] == utc(22, 20)  # looked at again tomorrow
