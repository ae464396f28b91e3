"""Challenge rules on plain values, and the services on fakes of our ports: progress from the whole window
whatever the order, completion rewarded once, rebuilds that agree, and the limits."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from streak_core.domain import day_start
from streak_core.domain.challenges import (
    MAX_UNFINISHED,
    ChallengeTerms,
    Membership,
    terms_issues,
    window_count,
)
from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.sessions import SessionFields
from streak_core.domain.vocabulary import (
    ChallengeKind,
    ChallengeStatus,
    ChallengeVisibility,
    NotificationKind,
)
from streak_core.errors import ChallengeCompleted, ChallengeEnded, Forbidden, TooManyChallenges
from streak_core.services import challenges
from streak_core.services.rebuild import rebuild_user
from streak_core.services.sessions import accept_sessions
from streak_core.services.views import streak_view
from tests.unit.fakes import (
    InMemoryChallengeStore,
    InMemoryPauseStore,
    InMemoryRebuildStore,
    InMemoryUserStore,
)
from tests.unit.test_properties import EXAMPLES

UID = "ada"
BEFORE = datetime(2026, 11, 15, 12, tzinfo=UTC)
NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)
DAYS = ChallengeKind.QUALIFIED_DAYS
MINUTES = ChallengeKind.FOCUS_MINUTES
PRIVATE, PUBLIC = ChallengeVisibility.PRIVATE, ChallengeVisibility.PUBLIC


def terms(
    kind: ChallengeKind = DAYS, target: int = 3, first: int = 16, last: int = 22, xp: int = 0
) -> ChallengeTerms:
    """A window of November 2026 days (later numbers run on into December)."""
    start = date(2026, 10, 31)
    return ChallengeTerms(kind, target, start + timedelta(days=first), start + timedelta(days=last), xp)


def codes(t: ChallengeTerms, visibility: ChallengeVisibility = PRIVATE, title: str = "Sprint") -> set[str]:
    return {issue.code for issue in terms_issues(title, t, visibility, BEFORE)}


# --- rules on plain values ----------------------------------------------------------------------------------
def test_a_window_is_open_from_its_first_midnight_at_utc_14_to_its_last_day_end_at_utc_minus_12() -> None:
    t = terms(first=20, last=20)
    assert t.opens_at == datetime(2026, 11, 19, 10, tzinfo=UTC)
    # A user at UTC-12 whose day starts at 12:00 (the latest allowed) is on 20 November until 12:00 on the
    # 21st there: midnight UTC on the 22nd.
    assert t.closes_at == datetime(2026, 11, 22, tzinfo=UTC)
    for zone in ("Etc/GMT+12", "Pacific/Kiritimati", "Pacific/Pago_Pago"):
        for minutes in (0, day_start.LATEST_MINUTES):
            starts = day_start.DayStarts(((date(2026, 1, 1), minutes),))
            end = day_start.bounds(t.ends_on, ZoneInfo(zone), starts)[1]
            assert end <= t.closes_at.timestamp() * 1000
            assert day_start.bounds(t.starts_on, ZoneInfo(zone), starts)[0] >= t.opens_at.timestamp() * 1000
    latest = day_start.DayStarts(((date(2026, 1, 1), day_start.LATEST_MINUTES),))
    assert day_start.bounds(t.ends_on, ZoneInfo("Etc/GMT+12"), latest)[1] == t.closes_at.timestamp() * 1000
    assert t.status(t.opens_at - timedelta(microseconds=1)) is ChallengeStatus.UPCOMING
    assert t.status(t.opens_at) is ChallengeStatus.ACTIVE
    assert t.status(t.closes_at) is ChallengeStatus.ENDED
    assert t.final_at(DEFAULT_CONFIG) == t.closes_at + DEFAULT_CONFIG.late_data_limit


@pytest.mark.parametrize(
    ("t", "visibility", "expected"),
    [
        (terms(first=22, last=21), PRIVATE, {"before_starts_on"}),
        (terms(first=16, last=16 + 91), PRIVATE, set()),  # 92 days
        (terms(first=16, last=16 + 92), PRIVATE, {"window_too_long"}),
        (terms(target=0), PRIVATE, {"too_small"}),
        (terms(target=8), PRIVATE, {"unreachable"}),
        (terms(MINUTES, target=7 * 1440 + 1), PRIVATE, {"unreachable"}),
        (terms(xp=1000), PUBLIC, set()),
        (terms(xp=1001), PUBLIC, {"out_of_range"}),
        (terms(xp=-1), PUBLIC, {"out_of_range"}),
        (terms(xp=5), PRIVATE, {"private_reward"}),
        (terms(first=1, last=13), PRIVATE, {"in_past"}),  # 13 Nov ended at UTC-12 on the 14th, 12:00 UTC
    ],
)
def test_each_creation_rule(t: ChallengeTerms, visibility: ChallengeVisibility, expected: set[str]) -> None:
    assert codes(t, visibility) == expected


def test_a_title_is_one_to_eighty_printable_characters() -> None:
    assert codes(terms(), title=" ") == {"invalid_title"}
    assert codes(terms(), title="a\nb") == {"invalid_title"}
    assert codes(terms(), title="x" * 81) == {"invalid_title"}
    assert codes(terms(), title="Révisions 復習 " + "x" * 60) == set()


def test_progress_is_capped_at_the_target_and_ranks_by_progress_then_completion() -> None:
    t = terms(MINUTES, target=90)
    assert t.progress(89 * 60 + 59) == 89
    assert t.progress(500 * 60) == 90
    early = Membership("c", "t", t, BEFORE, 90 * 60, NOW)
    late = Membership("c", "t", t, BEFORE, 200 * 60, NOW + timedelta(seconds=1))
    behind = Membership("c", "t", t, BEFORE, 30 * 60)
    level = Membership("c", "t", t, BEFORE, 30 * 60 + 5)
    keys = [m.standing_key() for m in (behind, late, early)]
    assert sorted(keys) == [early.standing_key(), late.standing_key(), behind.standing_key()]
    assert behind.standing_key() == level.standing_key()  # same progress, neither completed: a tie


# --- services on fakes --------------------------------------------------------------------------------------
def focus(
    store: InMemoryUserStore, day: int, minutes: int = 40, sid: str | None = None, now: datetime = NOW
) -> None:
    """Focus at 09:00 UTC on `day` of November 2026 (later days run on into December)."""
    start = datetime(2026, 11, 1, 9, tzinfo=UTC) + timedelta(days=day - 1)
    raw = SessionFields(
        sid or f"s{day}", start.isoformat(), (start + timedelta(minutes=minutes)).isoformat(), "UTC"
    )
    accept_sessions(store, UID, [raw], now, DEFAULT_CONFIG)


def made(store: InMemoryChallengeStore, t: ChallengeTerms, visibility: ChallengeVisibility = PRIVATE) -> str:
    view = challenges.create_challenge(store, "host", True, "Sprint", t, visibility, BEFORE)
    return view.challenge.id


def xp(users: InMemoryUserStore) -> int:
    user = users.users[UID]
    return streak_view(user.settings, user.streak, user.days, NOW, DEFAULT_CONFIG).xp


def test_completion_grants_the_reward_once_and_a_rebuild_gives_the_same_xp() -> None:
    users = InMemoryUserStore()
    store = InMemoryChallengeStore(users)
    sprint = made(store, terms(target=2, xp=150), PUBLIC)
    focus(users, 16)
    _, me = challenges.join_challenge(store, UID, sprint, BEFORE + timedelta(days=1), DEFAULT_CONFIG)
    assert (me.joined, me.progress, me.completed_at) == (True, 1, None)
    focus(users, 17)
    focus(users, 17)  # the same session again: a duplicate
    focus(users, 18)
    assert xp(users) == 3 * 10 + 150
    completed = [e for e in users.outbox.values() if e.kind is NotificationKind.CHALLENGE_COMPLETED]
    assert [e.id for e in completed] == [f"{UID}:challenge_completed:{sprint}"]
    assert users.users[UID].streak.badge_facts().challenges_completed == 1
    assert "challenger" in users.users[UID].streak.badges
    report = rebuild_user(
        InMemoryRebuildStore(users, InMemoryPauseStore(users)), UID, NOW, DEFAULT_CONFIG, False
    )
    assert not report.changed
    assert xp(users) == 3 * 10 + 150
    with pytest.raises(ChallengeCompleted):
        challenges.leave_challenge(store, UID, sprint)


def test_joining_counts_the_whole_window_and_may_complete_at_once() -> None:
    users = InMemoryUserStore()
    store = InMemoryChallengeStore(users)
    for day in (15, 16, 17):  # the 15th is before the window
        focus(users, day)
    sprint = made(store, terms(target=2))
    _, me = challenges.join_challenge(store, UID, sprint, NOW, DEFAULT_CONFIG)
    assert me.progress == 2
    assert me.completed_at == NOW
    assert me.rank == 1
    assert users.users[UID].streak.challenges == {}  # completed: not among the unfinished


def test_ended_and_too_many_and_public_creation_are_refused() -> None:
    users = InMemoryUserStore()
    store = InMemoryChallengeStore(users)
    with pytest.raises(Forbidden):
        challenges.create_challenge(store, UID, False, "Mine", terms(), PUBLIC, BEFORE)
    over = made(store, terms(first=16, last=21))
    with pytest.raises(ChallengeEnded):
        challenges.join_challenge(store, UID, over, NOW, DEFAULT_CONFIG)  # the 22nd in UTC
    ids = [made(store, terms()) for _ in range(MAX_UNFINISHED + 1)]
    for challenge_id in ids[:-1]:
        challenges.join_challenge(store, UID, challenge_id, BEFORE, DEFAULT_CONFIG)
    with pytest.raises(TooManyChallenges):
        challenges.join_challenge(store, UID, ids[-1], BEFORE, DEFAULT_CONFIG)
    challenges.leave_challenge(store, UID, ids[0])
    challenges.join_challenge(store, UID, ids[-1], BEFORE, DEFAULT_CONFIG)
    assert len(users.users[UID].streak.challenges) == MAX_UNFINISHED


def test_standings_are_final_once_the_late_data_limit_has_passed() -> None:
    users = InMemoryUserStore()
    store = InMemoryChallengeStore(users)
    sprint = made(store, terms(target=5))
    challenges.join_challenge(store, UID, sprint, BEFORE, DEFAULT_CONFIG)
    final = terms().final_at(DEFAULT_CONFIG)
    focus(users, 22, now=datetime(2026, 12, 21, 12, tzinfo=UTC))  # 29 days late: still counted
    late = store.membership(UID, sprint)
    assert late is not None
    assert late.progress == 1
    focus(users, 53, now=final + timedelta(hours=1))  # any session after: the challenge leaves the streak
    assert users.users[UID].streak.challenges == {}
    assert store.membership(UID, sprint) == late  # its standing stays as it was


# --- properties ---------------------------------------------------------------------------------------------
session_strategy = st.lists(
    st.tuples(st.integers(14, 21), st.integers(0, 23 * 60), st.integers(1, 240)), min_size=1, max_size=10
)


def brute_seconds(sessions: list[tuple[int, int, int]]) -> dict[date, int]:
    """Each UTC day's focus as a set of minutes: the slow reference."""
    minutes: set[datetime] = set()
    for day, start, length in sessions:
        first = datetime(2026, 11, day, tzinfo=UTC) + timedelta(minutes=start)
        minutes |= {first + timedelta(minutes=n) for n in range(length)}
    seconds: dict[date, int] = {}
    for minute in minutes:
        seconds[minute.date()] = seconds.get(minute.date(), 0) + 60
    return seconds


def played(
    sessions: list[tuple[int, int, int]], order: list[int], t: ChallengeTerms, join_first: bool
) -> tuple[InMemoryUserStore, str]:
    users = InMemoryUserStore()
    store = InMemoryChallengeStore(users)
    challenge_id = made(store, t)
    if join_first:
        challenges.join_challenge(store, UID, challenge_id, BEFORE, DEFAULT_CONFIG)
    for n in order:
        day, start, length = sessions[n]
        first = datetime(2026, 11, day, tzinfo=UTC) + timedelta(minutes=start)
        raw = SessionFields(
            f"s{n}", first.isoformat(), (first + timedelta(minutes=length)).isoformat(), "UTC"
        )
        accept_sessions(users, UID, [raw], NOW, DEFAULT_CONFIG)
    if not join_first:
        challenges.join_challenge(store, UID, challenge_id, NOW, DEFAULT_CONFIG)
    return users, challenge_id


@EXAMPLES
@given(
    session_strategy,
    st.sampled_from([DAYS, MINUTES]),
    st.integers(1, 400),
    st.booleans(),
    st.randoms(use_true_random=False),
)
def test_progress_agrees_with_the_whole_window_in_any_order_and_rewards_once(
    sessions: list[tuple[int, int, int]],
    kind: ChallengeKind,
    target: int,
    join_first: bool,
    rnd: random.Random,
) -> None:
    t = terms(kind, min(target, 5) if kind is DAYS else target, first=16, last=22, xp=0)
    expected = t.progress(window_count(t, brute_seconds(sessions), DEFAULT_CONFIG))
    order = list(range(len(sessions)))
    outcomes = []
    for _ in range(2):
        rnd.shuffle(order)
        users, challenge_id = played(sessions, order, t, join_first)
        membership = users.users[UID].memberships.get(challenge_id)
        progress = membership.progress if membership else 0
        done = expected >= t.target
        assert progress == expected
        assert (membership is not None and membership.completed_at is not None) == done
        assert users.users[UID].streak.challenge_rewards == ({challenge_id: 0} if done else {})
        entries = [e for e in users.outbox.values() if e.kind is NotificationKind.CHALLENGE_COMPLETED]
        assert len(entries) == int(done)
        outcomes.append((progress, done))
    assert outcomes[0] == outcomes[1]
