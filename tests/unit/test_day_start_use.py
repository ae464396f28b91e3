"""The day start through the use cases: a night owl's 1 am counts for the day they lived; a change takes
effect the next day and is a fact acceptance and rebuilds both apply; the settings, the streak's today and
explain-a-day say so."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.day_start import DayStarts
from streak_core.domain.sessions import SessionFields
from streak_core.models.users import SettingsChange, UserSettings
from streak_core.services.queries import explain_day, get_streak, update_settings
from streak_core.services.rebuild import rebuild_user
from streak_core.services.session_log import delete_session
from streak_core.services.sessions import accept_sessions
from tests.unit.fakes import InMemoryPauseStore, InMemoryRebuildStore, InMemoryUserStore
from tests.unit.test_api_http import call, deps
from tests.unit.test_rebuild import stored

pytestmark = pytest.mark.unit
UID = "owl"
NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)


def session(n: int, start: str, end: str, zone: str = "Europe/Paris") -> SessionFields:
    return SessionFields(f"s{n}", start, end, zone)


def owl(starts: DayStarts, zone: str = "Europe/Paris") -> InMemoryUserStore:
    users = InMemoryUserStore()
    users.save_settings(UID, UserSettings(timezone=zone, day_starts=starts), NOW - timedelta(days=30))
    return users


def test_focus_after_midnight_counts_for_the_day_the_owl_lived() -> None:
    users = owl(DayStarts(((date(2026, 11, 1), 4 * 60),)))  # days start at 04:00
    late = session(1, "2026-11-20T00:30:00+01:00", "2026-11-20T01:30:00+01:00")  # 00:30-01:30 on the 20th
    outcome = accept_sessions(users, UID, [late], NOW, DEFAULT_CONFIG)
    assert outcome.items[0].session is not None
    assert outcome.items[0].session.days == (date(2026, 11, 19),)
    assert set(users.users[UID].days) == {date(2026, 11, 19)}
    midnight = InMemoryUserStore()
    accept_sessions(midnight, UID, [late], NOW, DEFAULT_CONFIG)
    assert set(midnight.users[UID].days) == {date(2026, 11, 20)}  # the calendar day, without a day start


def test_explain_a_day_and_today_give_the_days_bounds() -> None:
    users = owl(DayStarts(((date(2026, 11, 1), 4 * 60),)))
    accept_sessions(
        users,
        UID,
        [session(1, "2026-11-20T23:00:00+01:00", "2026-11-21T02:00:00+01:00")],
        NOW,
        DEFAULT_CONFIG,
    )
    day = explain_day(users, UID, date(2026, 11, 20), DEFAULT_CONFIG)
    assert (day.starts_at, day.ends_at) == ("2026-11-20T04:00:00+01:00", "2026-11-21T04:00:00+01:00")
    assert day.seconds == 3 * 3600
    before_four = datetime(2026, 11, 21, 2, tzinfo=UTC)  # 03:00 in Paris: still the 20th
    streak = get_streak(users, UID, before_four, DEFAULT_CONFIG)
    assert (streak.today.date, streak.today.ends_at) == (date(2026, 11, 20), "2026-11-21T04:00:00+01:00")


def test_a_change_takes_effect_tomorrow_and_the_day_between_is_long() -> None:
    users = InMemoryUserStore()
    update_settings(users, UID, SettingsChange(timezone="Europe/Paris"), NOW)
    view = update_settings(users, UID, SettingsChange(day_start=6 * 60), NOW)
    assert view.day_start == "00:00"
    assert view.day_start_next is not None
    assert (view.day_start_next.day_start, view.day_start_next.first) == ("06:00", date(2026, 11, 22))
    day = explain_day(users, UID, date(2026, 11, 21), DEFAULT_CONFIG)
    assert (day.starts_at, day.ends_at) == ("2026-11-21T00:00:00+01:00", "2026-11-22T06:00:00+01:00")


def test_the_settings_route_takes_the_grid_and_refuses_a_second_change_within_seven_days() -> None:
    d = deps()
    assert call(d, "PATCH", "/v1/me/settings", json={"timezone": "Europe/Paris"}).status_code == 200
    answer = call(d, "PATCH", "/v1/me/settings", json={"day_start": "03:30"})
    assert answer.status_code == 200
    assert answer.get_json()["day_start_next"] == {"day_start": "03:30", "from": "2026-11-22"}
    refused = call(d, "PATCH", "/v1/me/settings", json={"day_start": "04:00"})
    assert refused.status_code == 422
    assert refused.get_json()["error"]["code"] == "too_soon"
    assert refused.get_json()["error"]["details"] == {"allowed_from": "2026-11-28"}
    off_grid = call(d, "PATCH", "/v1/me/settings", json={"day_start": "03:20", "display_name": "Owl"})
    assert off_grid.status_code == 422
    assert call(d, "GET", "/v1/me/settings").get_json()["display_name"] is None  # nothing stored
    day = call(d, "GET", "/v1/me/days/2026-11-22").get_json()
    assert (day["starts_at"], day["ends_at"]) == ("2026-11-22T03:30:00+01:00", "2026-11-23T03:30:00+01:00")


ZONES = ["Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "America/St_Johns"]


@st.composite
def histories(draw: st.DrawFn) -> tuple[str, DayStarts, list[SessionFields], int]:
    zone = draw(st.sampled_from(ZONES))
    changes = []
    for offset in sorted(draw(st.lists(st.integers(0, 20), max_size=2, unique=True))):
        changes.append((date(2026, 11, 1) + timedelta(days=offset), draw(st.integers(0, 48)) * 15))
    sessions = []
    for n in range(draw(st.integers(1, 12))):
        start = datetime(2026, 11, 1, tzinfo=UTC) + timedelta(minutes=draw(st.integers(0, 19 * 24 * 60)))
        end = start + timedelta(minutes=draw(st.integers(5, 180)))
        sessions.append(SessionFields(f"s{n}", start.isoformat(), end.isoformat(), zone))
    return zone, DayStarts(tuple(changes)), sessions, draw(st.integers(0, 2**32))


@settings(max_examples=60, deadline=None)
@given(histories())
def test_any_order_with_deletions_then_a_rebuild_changes_nothing(
    history: tuple[str, DayStarts, list[SessionFields], int],
) -> None:
    zone, starts, sessions, seed = history
    order = random.Random(seed)
    gone = {item.id for item in order.sample(sessions, len(sessions) // 3)}
    one, other = owl(starts, zone), owl(starts, zone)
    accept_sessions(one, UID, [s for s in sessions if s.id not in gone], NOW, DEFAULT_CONFIG)
    rebuilds = InMemoryRebuildStore(other, InMemoryPauseStore(other))
    for item in order.sample(sessions, len(sessions)):  # one at a time, in another order, then deletions
        accept_sessions(other, UID, [item], NOW, DEFAULT_CONFIG)
    for session_id in sorted(gone):
        delete_session(rebuilds, UID, session_id, NOW, DEFAULT_CONFIG)
    assert {d: r.state for d, r in one.users[UID].days.items()} == {
        d: r.state for d, r in other.users[UID].days.items()
    }
    assert one.users[UID].streak.state.qualified_days == other.users[UID].streak.state.qualified_days
    before = stored(other, UID)
    report = rebuild_user(rebuilds, UID, NOW, DEFAULT_CONFIG, False)
    assert not report.changed, "a rebuild with the recorded day starts agrees with live acceptance"
    assert stored(other, UID) == before
