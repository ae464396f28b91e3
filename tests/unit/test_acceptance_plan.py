"""The acceptance plan on its own: from what a transaction read and the checked sessions to every write."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.sessions import SessionFields
from streak_core.domain.vocabulary import EventType, NotificationKind, SessionStatus, Visibility
from streak_core.domain.webhooks import lane_of
from streak_core.models.streaks import StreakRecord
from streak_core.models.users import UserSettings
from streak_core.ports.users import UserSnapshot
from streak_core.services.acceptance import plan_acceptance
from streak_core.services.sessions import Unreadable, validate

pytestmark = pytest.mark.unit
NOW = datetime(2026, 11, 21, 20, tzinfo=UTC)


def hour(day: int, sid: str | None = None) -> SessionFields:
    return SessionFields(
        sid or f"s{day}", f"2026-11-{day:02d}T08:00:00Z", f"2026-11-{day:02d}T09:00:00Z", "UTC"
    )


def empty(settings: UserSettings | None = None) -> UserSnapshot:
    return UserSnapshot(settings=settings or UserSettings(), streak=StreakRecord(), days={}, sessions={})


def test_new_sessions_plan_their_days_streak_and_milestone() -> None:
    checked = validate([hour(d) for d in range(15, 22)], "u1", NOW, DEFAULT_CONFIG)
    plan = plan_acceptance("u1", empty(), checked, NOW, DEFAULT_CONFIG)
    assert [s.session.id for s in plan.sessions] == [f"s{d}" for d in range(15, 22)]
    assert sorted(r.day for r in plan.days) == [date(2026, 11, d) for d in range(15, 22)]
    assert plan.streak.state.current_streak(NOW.date()) == 7
    assert plan.streak.months_ready
    assert plan.streak.days_version == 1
    assert [e.kind for e in plan.outbox][:1] == [NotificationKind.MILESTONE]
    assert plan.answer.notices == [e.id for e in plan.outbox]  # each entry's dispatch fans its event out
    assert plan.answer.events_lane == lane_of("u1")  # its events that are not entries: the lane's fan-out
    assert [e.type for e in plan.events] == [EventType.STREAK_EXTENDED]
    assert [i.status for i in plan.answer.items] == [SessionStatus.CREATED] * 7
    assert plan.answer.streak.current_streak == 7


def test_a_public_user_moves_the_boards_their_days_count_on() -> None:
    public = UserSettings(leaderboard_visibility=Visibility.PUBLIC, display_name="Ada")
    checked = validate([hour(21)], "u1", NOW, DEFAULT_CONFIG)
    plan = plan_acceptance("u1", empty(public), checked, NOW, DEFAULT_CONFIG)
    assert sorted(m.key for m in plan.boards) == ["all", "month-2026-11", "week-2026-W47"]
    assert all(m.after is not None and m.after.score == 1 and m.before is None for m in plan.boards)


def test_a_repeat_plans_no_write_and_a_reused_id_is_a_conflict() -> None:
    first = plan_acceptance(
        "u1", empty(), validate([hour(21)], "u1", NOW, DEFAULT_CONFIG), NOW, DEFAULT_CONFIG
    )
    stored = {s.session.id: s for s in first.sessions}
    again = UserSnapshot(UserSettings(), first.streak, {r.day: r for r in first.days}, stored)
    checked = validate([hour(21), hour(20, sid="s21")], "u1", NOW, DEFAULT_CONFIG)
    plan = plan_acceptance("u1", again, checked, NOW, DEFAULT_CONFIG)
    assert (plan.sessions, plan.days, plan.outbox, plan.boards, plan.memberships) == ([], [], [], [], [])
    assert [i.status for i in plan.answer.items] == [SessionStatus.DUPLICATE, SessionStatus.CONFLICT]
    assert list(plan.answer.days) == [date(2026, 11, 21)]  # the duplicate's day, not the conflict's


def test_refused_items_keep_their_place_and_plan_nothing() -> None:
    items = [Unreadable("x", []), SessionFields("s1", "bad", "bad", "UTC"), hour(21, sid="s2")]
    items.append(SessionFields("s3", hour(21).start, hour(21).end, "UTC", user_id="someone-else"))
    plan = plan_acceptance("u1", empty(), validate(items, "u1", NOW, DEFAULT_CONFIG), NOW, DEFAULT_CONFIG)
    assert [(i.id, i.status) for i in plan.answer.items] == [
        ("x", SessionStatus.INVALID),
        ("s1", SessionStatus.INVALID),
        ("s2", SessionStatus.CREATED),
        ("s3", SessionStatus.FORBIDDEN),
    ]
    assert [s.session.id for s in plan.sessions] == ["s2"]
