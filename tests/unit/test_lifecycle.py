"""Reactivation steps and their holdout, returns, the acceptance's daily counters and the yearly focus
histogram (Wrapped's percentile): on plain values and fakes of the ports."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from streak_core.domain.analytics import (
    Count,
    Group,
    Metric,
    focus_bucket,
    histogram_of,
    merged,
    percentile,
    reactivation_counter,
    year_moves,
)
from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.sessions import SessionFields
from streak_core.domain.vocabulary import NotificationKind
from streak_core.models.maintenance import DueUser
from streak_core.models.users import UserSettings
from streak_core.services.lifecycle import in_holdout
from streak_core.services.maintenance import maintain
from streak_core.services.sessions import accept_sessions
from tests.unit.fakes import InMemoryUserStore

TOLD = replace(DEFAULT_CONFIG, reactivation_holdout=0.0)  # everyone in the treatment group
NOBODY = replace(DEFAULT_CONFIG, reactivation_holdout=1.0)  # everyone in the holdout


def test_the_holdout_is_a_stable_keyed_tenth_of_100000_users() -> None:
    uids = [f"user{n:06d}" for n in range(100_000)]
    held = [u for u in uids if in_holdout(u, DEFAULT_CONFIG)]
    assert 9_700 <= len(held) <= 10_300  # 10 % within 3 standard deviations (95 users)
    assert held == [u for u in uids if in_holdout(u, DEFAULT_CONFIG)]  # the same users every time
    other_key = [u for u in uids if in_holdout(u, replace(DEFAULT_CONFIG, holdout_key="another"))]
    assert 9_700 <= len(other_key) <= 10_300
    assert len(set(held) & set(other_key)) < 2_000  # another key: another draw (about 1,000 in both)
    quarter = sum(in_holdout(u, replace(DEFAULT_CONFIG, reactivation_holdout=0.25)) for u in uids)
    assert 24_600 <= quarter <= 25_400
    assert set(held) <= {u for u in uids if in_holdout(u, replace(DEFAULT_CONFIG, reactivation_holdout=0.25))}


def user_who_focused(on: date) -> tuple[InMemoryUserStore, str]:
    store = InMemoryUserStore()
    uid = "quiet"
    store.save_settings(uid, UserSettings(timezone="Europe/Paris"), datetime(2026, 1, 1, tzinfo=UTC))
    start = datetime(on.year, on.month, on.day, 9, tzinfo=UTC)
    raw = SessionFields("s1", start.isoformat(), (start + timedelta(minutes=45)).isoformat(), "Europe/Paris")
    accept_sessions(store, uid, [raw], start + timedelta(hours=1), DEFAULT_CONFIG)
    return store, uid


def nights(store: InMemoryUserStore, uid: str, first: date, count: int, config: object, twice: bool = False):  # type: ignore[no-untyped-def]
    told = []
    for n in range(count):
        night = datetime(first.year, first.month, first.day, 0, 30, tzinfo=UTC) + timedelta(days=n)
        for _ in range(2 if twice else 1):
            user = store.users[uid]
            due = DueUser(uid, user.settings, user.streak, None)
            told += [(night.date(), e) for e in maintain(due, night, config)]  # type: ignore[arg-type]
    return told


def test_one_message_at_each_step_of_an_absence_whatever_maintenance_does_twice() -> None:
    store, uid = user_who_focused(date(2026, 3, 1))
    told = [
        (day, e)
        for day, e in nights(store, uid, date(2026, 3, 2), 40, TOLD, twice=True)
        if e.kind is NotificationKind.REACTIVATION
    ]
    # Closing the 4th (early on the 5th, Paris) the user has been quiet 3 days: the 2nd, 3rd and 4th.
    assert [(day, e.data["step"], e.key) for day, e in told] == [
        (date(2026, 3, 5), 3, "2026-03-01:3"),
        (date(2026, 3, 9), 7, "2026-03-01:7"),
        (date(2026, 3, 16), 14, "2026-03-01:14"),
        (date(2026, 4, 1), 30, "2026-03-01:30"),
    ]
    due = Counter(c.name for c in store.users[uid].streak.analytics_due)
    assert due[reactivation_counter(Group.TREATMENT, "users")] >= 1


def test_the_holdout_hears_nothing_but_is_counted_the_same_way() -> None:
    store, uid = user_who_focused(date(2026, 3, 1))
    counted = []
    for n in range(40):
        night = datetime(2026, 3, 2, 0, 30, tzinfo=UTC) + timedelta(days=n)
        user = store.users[uid]
        user.streak.analytics_due = []
        entries = maintain(DueUser(uid, user.settings, user.streak, None), night, NOBODY)
        assert not [e for e in entries if e.kind is NotificationKind.REACTIVATION]
        counted += user.streak.analytics_due
    steps = [c for c in counted if c.name == reactivation_counter(Group.HOLDOUT, "users")]
    assert [c.day for c in steps] == [
        date(2026, 3, 5),
        date(2026, 3, 9),
        date(2026, 3, 16),
        date(2026, 4, 1),  # closing 31 March: the 2nd to the 31st are 30 quiet days
    ]


def test_a_pause_counts_no_quiet_day_and_hears_nothing() -> None:
    store, uid = user_who_focused(date(2026, 3, 1))
    store.users[uid].streak.state.pause([date(2026, 3, d) for d in range(2, 12)], DEFAULT_CONFIG)
    told = [
        d
        for d, e in nights(store, uid, date(2026, 3, 2), 20, TOLD)
        if e.kind is NotificationKind.REACTIVATION
    ]
    # Paused through the 11th: the quiet days are the 12th on; three of them closed early on the 15th.
    assert told == [date(2026, 3, 15), date(2026, 3, 19)]


def test_a_return_within_seven_days_of_a_step_is_counted_for_its_group_on_the_steps_date() -> None:
    store, uid = user_who_focused(date(2026, 3, 1))
    nights(store, uid, date(2026, 3, 2), 4, TOLD)  # step 3 reached early on the 5th
    absence = store.users[uid].streak.absence
    assert absence is not None
    assert (absence.step, absence.reached_on, absence.group, absence.returned) == (
        3,
        date(2026, 3, 5),
        Group.TREATMENT,
        False,
    )
    start = datetime(2026, 3, 8, 9, tzinfo=UTC)
    raw = SessionFields(
        "back", start.isoformat(), (start + timedelta(minutes=40)).isoformat(), "Europe/Paris"
    )
    accept_sessions(store, uid, [raw], start + timedelta(hours=1), DEFAULT_CONFIG)
    streak = store.users[uid].streak
    assert streak.absence is not None
    assert streak.absence.returned
    assert Count(date(2026, 3, 5), reactivation_counter(Group.TREATMENT, "returned")) in streak.analytics_due


def test_an_acceptance_counts_sessions_focus_and_each_user_once_a_date() -> None:
    store = InMemoryUserStore()
    day = datetime(2026, 3, 1, 9, tzinfo=UTC)
    counted: list[Count] = []
    for n, (offset, minutes) in enumerate(((0, 20), (10, 20), (120, 30))):  # the 2nd overlaps the 1st
        start = day + timedelta(minutes=offset)
        raw = SessionFields(
            f"s{n}", start.isoformat(), (start + timedelta(minutes=minutes)).isoformat(), "UTC"
        )
        store._user("u").streak.analytics_due = []
        accept_sessions(store, "u", [raw], day + timedelta(hours=4), DEFAULT_CONFIG)
        counted += store.users["u"].streak.analytics_due
    totals = merged(counted)
    on = date(2026, 3, 1)
    assert totals[(on, Metric.SESSIONS)] == 3
    assert totals[(on, Metric.FOCUS_SECONDS)] == (30 + 30) * 60  # 09:00-09:30 and 11:00-11:30
    assert totals[(on, Metric.ACTIVE_USERS)] == 1
    assert totals[(on, Metric.QUALIFYING_USERS)] == 1  # the third session qualified the day
    assert totals[(on, Metric.STREAKS_STARTED)] == 1  # it began the live run
    assert store.users["u"].streak.year_seconds == {"2026": 3600}


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 30), st.sampled_from(["2025", "2026"]), st.integers(0, 40_000)), max_size=60
    ),
    st.randoms(use_true_random=False),
)
def test_the_histogram_is_the_buckets_of_the_final_totals_in_any_order(
    changes: list[tuple[int, str, int]], order: random.Random
) -> None:
    shuffled = changes[:]
    order.shuffle(shuffled)
    totals: dict[int, dict[str, int]] = {}
    moves: list[Count] = []
    for user, year, seconds in shuffled:
        before = dict(totals.get(user, {}))
        after = {**before, year: before.get(year, 0) + seconds}
        totals[user] = after
        moves += year_moves(before, after)
    for year in ("2025", "2026"):
        first = date(int(year), 1, 1)
        counters = {name: n for (day, name), n in merged(moves).items() if day == first}
        expected = Counter(focus_bucket(t[year]) for t in totals.values() if t.get(year))
        assert histogram_of(counters) == dict(expected)


def test_the_percentile_is_the_share_of_others_with_less_focus() -> None:
    hours = [1, 2, 5, 10, 20, 40, 80, 160, 320, 640]
    histogram = dict(Counter(focus_bucket(h * 3600) for h in hours))
    assert percentile(histogram, 1 * 3600) == 0
    assert percentile(histogram, 640 * 3600) == 100
    assert percentile(histogram, 20 * 3600) == 44  # 4 of the 9 others focused less
    assert percentile(histogram, 0) is None  # no focus that year
    assert percentile({focus_bucket(3600): 1}, 3600) is None  # nobody else
    assert [focus_bucket(s) for s in (0, 1, 60, 3600, 36_000)] == sorted(
        focus_bucket(s) for s in (0, 1, 60, 3600, 36_000)
    )


def test_a_batch_that_builds_a_run_in_one_go_counts_one_streak_started() -> None:
    store = InMemoryUserStore()
    week = [
        SessionFields(f"b{n}", f"2026-03-0{n}T09:00:00Z", f"2026-03-0{n}T09:45:00Z", "UTC")
        for n in range(1, 8)
    ]
    accept_sessions(store, "u", week, datetime(2026, 3, 7, 12, tzinfo=UTC), DEFAULT_CONFIG)
    totals = merged(store.users["u"].streak.analytics_due)
    assert totals[(date(2026, 3, 7), Metric.STREAKS_STARTED)] == 1
    store.users["u"].streak.analytics_due = []
    more = SessionFields("b8", "2026-03-07T15:00:00Z", "2026-03-07T15:10:00Z", "UTC")
    accept_sessions(store, "u", [more], datetime(2026, 3, 7, 16, tzinfo=UTC), DEFAULT_CONFIG)
    assert (date(2026, 3, 7), Metric.STREAKS_STARTED) not in merged(store.users["u"].streak.analytics_due)


def test_a_step_reached_long_ago_is_not_told_late() -> None:
    store, uid = user_who_focused(date(2026, 1, 1))  # quiet ever since: months, when reactivation ships
    told = nights(store, uid, date(2026, 3, 2), 3, TOLD)
    assert [e for _, e in told if e.kind is NotificationKind.REACTIVATION] == []
