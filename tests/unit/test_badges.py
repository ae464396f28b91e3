"""Badges: the catalogue's rules, the tally they are judged on, awarding through acceptance and rebuilds."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from streak_core.domain.badges import (
    BADGES,
    CATALOGUE,
    BadgeFacts,
    BadgeTally,
    DayMarks,
    newly_earned,
    piece_marks,
    tally_of,
    weekly_run,
)
from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.notifications import PUSH_HELD
from streak_core.domain.sessions import SessionFields
from streak_core.services.badges import list_badges
from streak_core.services.rebuild import rebuild_user
from streak_core.services.sessions import accept_sessions
from tests.unit.fakes import InMemoryBadgeCounts, InMemoryPauseStore, InMemoryRebuildStore, InMemoryUserStore
from tests.unit.test_properties import EXAMPLES, ZONES

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)
PARIS = ZoneInfo("Europe/Paris")


def ms(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp() * 1000)


@pytest.mark.parametrize(
    ("start", "end", "marks"),
    [
        ("2026-11-20T06:59:00+01:00", "2026-11-20T08:00:00+01:00", (True, False)),
        ("2026-11-20T07:00:00+01:00", "2026-11-20T08:00:00+01:00", (False, False)),
        ("2026-11-20T21:00:00+01:00", "2026-11-20T22:00:00+01:00", (False, False)),
        ("2026-11-20T21:00:00+01:00", "2026-11-20T22:01:00+01:00", (False, True)),
        ("2026-11-20T23:00:00+01:00", "2026-11-21T00:00:00+01:00", (False, True)),  # to midnight
        ("2026-11-20T00:00:00+01:00", "2026-11-20T23:59:00+01:00", (True, True)),
    ],
)
def test_early_and_late_are_read_on_the_local_clock(start: str, end: str, marks: tuple[bool, bool]) -> None:
    assert piece_marks(ms(start), ms(end), PARIS) == marks


def test_weekly_run_counts_consecutive_iso_weeks_across_a_year_end() -> None:
    assert weekly_run(["2026-W52", "2026-W53", "2027-W01", "2027-W02"]) == 4
    assert weekly_run(["2026-W40", "2026-W41", "2026-W43", "2026-W44"]) == 2
    assert weekly_run([]) == 0


def facts(**changes: int) -> BadgeFacts:
    base = {"longest_streak": 0, "qualified_days": 0, "recoveries": 0, "challenges_completed": 0}
    tally = BadgeTally(**{k: v for k, v in changes.items() if k in BadgeTally.__dataclass_fields__})
    base |= {k: v for k, v in changes.items() if k in base}
    longest, qualified, recoveries = base["longest_streak"], base["qualified_days"], base["recoveries"]
    return BadgeFacts(longest, qualified, (), recoveries, tally, base["challenges_completed"])


def test_each_badge_is_earned_at_its_target_and_not_before() -> None:
    assert [b.id for b in newly_earned(facts(longest_streak=29, qualified_days=10), ())] == [
        "streak-7",
        "days-10",
    ]
    assert "marathon" not in [b.id for b in newly_earned(facts(best_day_seconds=239 * 60 + 59), ())]
    assert [b.id for b in newly_earned(facts(best_day_seconds=240 * 60), ())] == ["marathon"]
    assert [b.id for b in newly_earned(facts(recoveries=1, early_days=5, late_days=5), ())] == [
        "early-bird",
        "night-owl",
        "comeback",
    ]


def test_a_held_badge_is_not_earned_again() -> None:
    assert newly_earned(facts(longest_streak=8), ("streak-7",)) == []


def test_the_catalogue_holds_the_ids_of_the_contract() -> None:
    assert [b.id for b in CATALOGUE] == [
        "streak-7",
        "streak-30",
        "streak-100",
        "streak-365",
        "days-10",
        "days-50",
        "days-100",
        "days-500",
        "days-1000",
        "weekly-4",
        "early-bird",
        "night-owl",
        "marathon",
        "comeback",
        "challenger",
    ]


def fields(day: int, hour: int, minutes: int = 40, sid: str | None = None) -> SessionFields:
    start = datetime(2026, 11, day, hour, tzinfo=UTC)
    end = start + timedelta(minutes=minutes)
    return SessionFields(sid or f"s{day}-{hour}", start.isoformat(), end.isoformat(), "UTC")


def test_several_badges_at_once_make_an_entry_each_and_one_push() -> None:
    users = InMemoryUserStore()
    accept_sessions(users, "ada", [fields(d, 9) for d in range(5, 15)], NOW, DEFAULT_CONFIG)
    entries = [e for e in users.outbox.values() if e.kind == "badge_earned"]
    assert [e.key for e in entries] == ["streak-7", "days-10"]
    assert all(PUSH_HELD in e.data for e in entries)  # the 7-day milestone is this acceptance's push


def test_a_late_session_earns_a_badge_and_only_once() -> None:
    users = InMemoryUserStore()
    accept_sessions(users, "ada", [fields(d, 5, sid=f"e{d}") for d in (10, 11, 12, 13)], NOW, DEFAULT_CONFIG)
    assert "early-bird" not in users.users["ada"].streak.badges
    late = [fields(9, 5, sid="e9")]
    for _ in range(2):  # a retry of the same late session
        accept_sessions(users, "ada", late, NOW, DEFAULT_CONFIG)
    assert users.users["ada"].streak.badges["early-bird"] == NOW
    assert [e.key for e in users.outbox.values() if e.kind == "badge_earned"] == ["early-bird"]
    assert PUSH_HELD not in users.outbox["ada:badge_earned:early-bird"].data


def test_a_rebuild_awards_what_a_user_should_hold_silently() -> None:
    users = InMemoryUserStore()
    rebuilds = InMemoryRebuildStore(users, InMemoryPauseStore(users))
    accept_sessions(users, "ada", [fields(d, 9, minutes=250) for d in (10, 11)], NOW, DEFAULT_CONFIG)
    streak = users.users["ada"].streak
    streak.badges.clear()  # as if "marathon" had been added to the catalogue after these days
    streak.badge_tally = BadgeTally()
    users.outbox.clear()
    report = rebuild_user(rebuilds, "ada", NOW, DEFAULT_CONFIG, dry_run=False)
    assert report.changed
    assert set(users.users["ada"].streak.badges) == {"marathon"}
    assert users.outbox == {}


def test_the_catalogue_as_a_user_sees_it_with_progress_and_rarity() -> None:
    users = InMemoryUserStore()
    accept_sessions(users, "ada", [fields(d, 9) for d in range(5, 12)], NOW, DEFAULT_CONFIG)
    for uid in ("bob", "cy", "dee"):
        accept_sessions(users, uid, [fields(10, 9)], NOW, DEFAULT_CONFIG)
    views = {v.id: v for v in list_badges(users, InMemoryBadgeCounts(users), "bob")}
    assert list(views) == [b.id for b in CATALOGUE]
    assert (views["streak-7"].earned_at, views["streak-7"].current, views["streak-7"].target) == (None, 1, 7)
    assert views["streak-7"].rarity == 0.25  # ada of four active users
    assert views["days-10"].current == 1
    mine = {v.id: v for v in list_badges(users, InMemoryBadgeCounts(users), "ada")}
    assert mine["streak-7"].earned_at == NOW
    assert mine["streak-30"].current == 7


# --- properties -------------------------------------------------------------------------------------------
BASE = datetime(2026, 10, 25, tzinfo=UTC)  # the October DST change in Europe, a month before ACCEPTED_AT
ACCEPTED_AT = datetime(2026, 11, 22, tzinfo=UTC)


def reference_tally(sessions: list[tuple[datetime, int, str]]) -> BadgeTally:
    """Minute by minute: each local date's set of UTC minutes and whether any of them was before 07:00 or
    at 22:00 or later on that date's clock."""
    minutes: dict[date, set[int]] = {}
    early: set[date] = set()
    late: set[date] = set()
    for start, length, zone in sessions:
        for n in range(length):
            moment = start + timedelta(minutes=n)
            local = moment.astimezone(ZoneInfo(zone))
            minutes.setdefault(local.date(), set()).add(int(moment.timestamp()) // 60)
            if local.hour < 7:
                early.add(local.date())
            if local.hour >= 22:
                late.add(local.date())
    threshold = DEFAULT_CONFIG.threshold_seconds // 60
    qualified = {d for d, m in minutes.items() if len(m) >= threshold}
    marks = [DayMarks(d in qualified, d in early, d in late, len(m) * 60) for d, m in minutes.items()]
    return tally_of(marks)


def session_fields(start: datetime, length: int, zone: str) -> SessionFields:
    end = start + timedelta(minutes=length)
    sid = f"s{start:%m%d%H%M}-{length}-{ZONES.index(zone)}"
    return SessionFields(sid, start.isoformat(), end.isoformat(), zone)


badge_sessions = st.lists(
    st.tuples(
        st.integers(0, 26 * 24 * 60).map(lambda m: BASE + timedelta(minutes=m)),
        st.one_of(st.integers(1, 90), st.integers(1, 300)),
        st.sampled_from(ZONES),
    ),
    min_size=10,
    max_size=80,
    unique_by=lambda s: (s[0], s[1], s[2]),
)


@EXAMPLES
@given(badge_sessions, st.randoms(use_true_random=False))
def test_the_tally_and_the_badges_do_not_depend_on_arrival_order_and_agree_with_a_rebuild(
    sessions: list[tuple[datetime, int, str]], rnd: random.Random
) -> None:
    raws = [session_fields(*s) for s in sessions]
    held: list[set[str]] = []
    tallies: list[BadgeTally] = []
    for order in range(2):
        users = InMemoryUserStore()
        shuffled = raws[:] if order == 0 else rnd.sample(raws, len(raws))
        while shuffled:  # batches of random sizes, some sent twice
            size = rnd.randint(1, 8)
            batch, shuffled = shuffled[:size], shuffled[size:]
            for _ in range(rnd.choice((1, 1, 2))):
                accept_sessions(users, "u", batch, ACCEPTED_AT, DEFAULT_CONFIG)
        streak = users.users["u"].streak
        held.append(set(streak.badges))
        tallies.append(streak.badge_tally)
        rebuilds = InMemoryRebuildStore(users, InMemoryPauseStore(users))
        assert not rebuild_user(rebuilds, "u", ACCEPTED_AT, DEFAULT_CONFIG, dry_run=True).changed
    assert tallies[0] == tallies[1] == reference_tally(sessions)
    # A recovery that late data undoes was still earned when it happened, and badges stay: "comeback" is
    # the one badge whose holding depends on what was seen when.
    assert held[0] - {"comeback"} == held[1] - {"comeback"}
    earned_now = {b.id for b in newly_earned(users.users["u"].streak.badge_facts(), ())}
    assert held[1] - {"comeback"} == earned_now - {"comeback"}
    assert earned_now <= held[1] <= set(BADGES)
