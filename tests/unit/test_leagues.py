"""League rules: outcomes a pure function of the final standings, seats in order, scores in any order."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.leagues import (
    COHORT_SIZE,
    DEMOTED,
    PROMOTED,
    TIERS,
    Opening,
    Standing,
    due_week,
    ends_at,
    settle,
    settles_at,
    take_seats,
)
from streak_core.domain.sessions import SessionFields
from streak_core.domain.vocabulary import LeagueOutcome, Tier
from streak_core.models.leagues import LeagueMember
from streak_core.services.rebuild import rebuild_user
from streak_core.services.sessions import accept_sessions
from tests.unit.fakes import InMemoryPauseStore, InMemoryRebuildStore, InMemoryUserStore

BASE = datetime(2026, 11, 30, tzinfo=UTC)  # Monday of 2026-W49
BEFORE_FINAL = BASE + timedelta(days=7, hours=6)  # after every session of the week, before it is final
WEEK = "2026-W49"

standings = st.lists(
    st.builds(
        Standing,
        uid=st.text("abcdef", min_size=1, max_size=4),
        seconds=st.integers(0, 4000),
        longest_streak=st.integers(0, 3),
        reached_at=st.integers(0, 5).map(lambda h: BASE + timedelta(hours=h)),
    ),
    max_size=COHORT_SIZE,
    unique_by=lambda s: s.uid,
)


def reference(tier: Tier, cohort: list[Standing]) -> dict[str, tuple[int, LeagueOutcome]]:
    """Slowly: rank by counting who is ahead, then the contract's words."""
    index, n = TIERS.index(tier), len(cohort)
    found = {}
    for s in cohort:
        ahead = sum(
            1
            for o in cohort
            if (-(o.seconds // 60), -o.longest_streak, o.reached_at, o.uid)
            < (-(s.seconds // 60), -s.longest_streak, s.reached_at, s.uid)
        )
        rank = ahead + 1
        if rank <= PROMOTED and index < len(TIERS) - 1 and s.seconds >= 60:
            outcome = LeagueOutcome.PROMOTED
        elif rank > n - DEMOTED and index > 0 and (rank > PROMOTED or index == len(TIERS) - 1):
            # the bottom, but never the top zone of a small cohort (nobody can rise from the last tier)
            outcome = LeagueOutcome.DEMOTED
        else:
            outcome = LeagueOutcome.STAYED
        found[s.uid] = (rank, outcome)
    return found


@settings(max_examples=300)
@given(standings, st.sampled_from(TIERS), st.randoms(use_true_random=False))
def test_settlement_is_a_pure_function_of_the_final_standings(
    cohort: list[Standing], tier: Tier, rnd: object
) -> None:
    shuffled = list(cohort)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]  # hypothesis' Random
    first = {o.uid: (o.rank, o.outcome, o.next_tier) for o in settle(tier, cohort)}
    assert first == {o.uid: (o.rank, o.outcome, o.next_tier) for o in settle(tier, shuffled)}
    assert {uid: (rank, outcome) for uid, (rank, outcome, _) in first.items()} == reference(tier, cohort)
    for _rank, outcome, following in first.values():
        step = {LeagueOutcome.PROMOTED: 1, LeagueOutcome.STAYED: 0, LeagueOutcome.DEMOTED: -1}[outcome]
        assert following is TIERS[TIERS.index(tier) + step]
    assert sorted(rank for rank, _, _ in first.values()) == list(range(1, len(cohort) + 1))


def test_nobody_leaves_the_ends_of_the_ladder() -> None:
    cohort = [Standing(f"u{n}", 600 * n, 0, BASE) for n in range(30)]
    bottom = {o.outcome for o in settle(Tier.BRONZE, cohort)}
    top = {o.outcome for o in settle(Tier.DIAMOND, cohort)}
    assert LeagueOutcome.DEMOTED not in bottom
    assert LeagueOutcome.PROMOTED not in top


@given(st.integers(0, 200), st.integers(0, 29), st.lists(st.integers(1, 40), max_size=10))
def test_seats_fill_each_cohort_to_thirty_in_order(cohort: int, filled: int, takes: list[int]) -> None:
    opening, seated = Opening(cohort, filled), [filled]
    numbers: list[int] = []
    for count in takes:
        taken, opening = take_seats(opening, count)
        numbers += taken
    assert numbers == sorted(numbers)
    counts = {n: numbers.count(n) for n in set(numbers)}
    assert all(counts[n] + (seated[0] if n == cohort else 0) <= COHORT_SIZE for n in counts)
    assert all(counts[n] == COHORT_SIZE for n in counts if n not in (cohort, max(counts)))


def test_a_week_is_final_twelve_hours_after_the_last_sunday_ends() -> None:
    final = settles_at(WEEK, DEFAULT_CONFIG.league_grace)
    assert final == datetime(2026, 12, 8, 0, tzinfo=UTC)  # Sunday 24:00 at UTC-12 is Monday 12:00 UTC
    assert due_week(final - timedelta(seconds=1), DEFAULT_CONFIG.league_grace) == "2026-W48"
    assert due_week(final, DEFAULT_CONFIG.league_grace) == WEEK
    east = ends_at(WEEK, ZoneInfo("Pacific/Kiritimati"))
    assert east == datetime(2026, 12, 6, 10, tzinfo=UTC)


sessions_of_the_week = st.lists(
    st.tuples(st.integers(0, 7 * 24 - 1), st.integers(1, 180), st.sampled_from(["UTC", "Asia/Tokyo"])),
    min_size=1,
    max_size=8,
)


def _score_after(pieces: list[tuple[int, int, str]], order: list[int]) -> LeagueMember:
    return _accepted(pieces, order).leagues[(WEEK, "u")]


def _accepted(pieces: list[tuple[int, int, str]], order: list[int]) -> InMemoryUserStore:
    users = InMemoryUserStore()
    users.leagues[(WEEK, "u")] = LeagueMember(
        WEEK, "u", tier=Tier.BRONZE, cohort="c", placed_at=BASE - timedelta(days=1)
    )
    now = BEFORE_FINAL
    for n in order:
        start_hour, minutes, tz = pieces[n]
        start = BASE + timedelta(hours=start_hour)
        raw = SessionFields(f"s{n}", start.isoformat(), (start + timedelta(minutes=minutes)).isoformat(), tz)
        accept_sessions(users, "u", [raw, raw], now, DEFAULT_CONFIG)  # each sent twice
    return users


@settings(max_examples=60, deadline=None)
@given(sessions_of_the_week, st.randoms(use_true_random=False))
def test_any_arrival_order_gives_the_same_score(pieces: list[tuple[int, int, str]], rnd: object) -> None:
    order = list(range(len(pieces)))
    shuffled = list(order)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]  # hypothesis' Random
    in_order, any_order = _score_after(pieces, order), _score_after(pieces, shuffled)
    assert in_order.seconds == any_order.seconds
    # The brute force: the union of the intervals, clipped to the week's local days of each zone.
    covered: set[tuple[date, int]] = set()
    for start_hour, minutes, tz in pieces:
        start = BASE + timedelta(hours=start_hour)
        for second in range(0, minutes * 60, 60):  # minute resolution: every session is whole minutes
            at = start + timedelta(seconds=second)
            local = at.astimezone(ZoneInfo(tz)).date()
            if date(2026, 11, 30) <= local <= date(2026, 12, 6):
                covered.add((local, int(at.timestamp()) // 60))
    assert in_order.seconds == 60 * len(covered)  # a union per local day (a day is its zone's own)


def test_scores_stop_once_the_week_is_final() -> None:
    users = InMemoryUserStore()
    users.leagues[(WEEK, "u")] = LeagueMember(WEEK, "u", tier=Tier.BRONZE, cohort="c", placed_at=BASE)
    final = settles_at(WEEK, DEFAULT_CONFIG.league_grace)
    raw = SessionFields("late", "2026-12-06T20:00:00Z", "2026-12-06T21:00:00Z", "UTC")
    accept_sessions(users, "u", [raw], final, DEFAULT_CONFIG)
    assert users.leagues[(WEEK, "u")].seconds == 0
    assert users.snapshot("u", (), ()).streak.state.qualified_days == 1  # the streak still moves


def test_a_week_not_joined_is_not_scored_but_next_weeks_early_focus_waits() -> None:
    users = InMemoryUserStore()
    monday = SessionFields("m", "2026-11-30T08:00:00Z", "2026-11-30T09:00:00Z", "UTC")
    accept_sessions(users, "u", [monday], BASE + timedelta(hours=10), DEFAULT_CONFIG)
    assert users.leagues == {}
    users.leagues[(WEEK, "u")] = LeagueMember(WEEK, "u", tier=Tier.BRONZE, cohort="c", placed_at=BASE)
    early = SessionFields("e", "2026-12-07T00:00:00+14:00", "2026-12-07T00:30:00+14:00", "Pacific/Kiritimati")
    accept_sessions(users, "u", [early], datetime(2026, 12, 6, 11, tzinfo=UTC), DEFAULT_CONFIG)
    waiting = users.leagues[("2026-W50", "u")]
    assert (waiting.seconds, waiting.placed) == (30 * 60, False)


def _rebuild(users: InMemoryUserStore, now: datetime, dry_run: bool = False) -> int:
    rebuilds = InMemoryRebuildStore(users, InMemoryPauseStore(users))
    return rebuild_user(rebuilds, "u", now, DEFAULT_CONFIG, dry_run).leagues_changed


@settings(max_examples=40, deadline=None)
@given(sessions_of_the_week, st.integers(-5000, 5000))
def test_a_rebuild_gives_an_open_week_the_score_acceptances_gave(
    pieces: list[tuple[int, int, str]], drift: int
) -> None:
    users = _accepted(pieces, list(range(len(pieces))))
    accepted = users.leagues[(WEEK, "u")]
    assert _rebuild(users, BEFORE_FINAL, dry_run=True) == 0  # acceptances and the rebuild agree
    users.leagues[(WEEK, "u")] = replace(accepted, seconds=accepted.seconds + drift)
    assert _rebuild(users, BEFORE_FINAL) == (1 if drift else 0)
    assert users.leagues[(WEEK, "u")].seconds == accepted.seconds


def test_a_rebuild_leaves_settled_and_final_weeks_as_they_stand() -> None:
    monday = SessionFields("m", "2026-11-30T08:00:00Z", "2026-11-30T09:00:00Z", "UTC")
    users = InMemoryUserStore()
    settled = LeagueMember(
        WEEK, "u", 1, 0, BASE, Tier.BRONZE, "c", BASE, 30, LeagueOutcome.STAYED, Tier.BRONZE
    )
    users.leagues[(WEEK, "u")] = replace(settled, settled_at=BEFORE_FINAL)
    accept_sessions(users, "u", [monday], BASE + timedelta(hours=10), DEFAULT_CONFIG)
    assert _rebuild(users, BEFORE_FINAL) == 0  # settled: a fact
    users.leagues[(WEEK, "u")] = replace(settled, seconds=1)  # not settled, but final
    assert _rebuild(users, settles_at(WEEK, DEFAULT_CONFIG.league_grace)) == 0
    assert users.leagues[(WEEK, "u")].seconds == 1
    assert _rebuild(users, BEFORE_FINAL) == 1  # open: the day's hour
    assert users.leagues[(WEEK, "u")].seconds == 3600
