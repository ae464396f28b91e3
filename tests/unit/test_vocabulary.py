"""One vocabulary each: the notification kinds the code emits, the kinds with texts in every locale and the
kinds a user can switch off are one and the same set."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from functions.api.presenters.me import NotificationsPatch
from streak_core.domain.challenges import ChallengeTerms
from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.notifications import TEMPLATES
from streak_core.domain.sessions import SessionFields
from streak_core.domain.vocabulary import ChallengeKind, ChallengeVisibility, Locale, NotificationKind
from streak_core.models.maintenance import DueUser
from streak_core.models.notifications import OutboxEntry
from streak_core.models.users import NotificationPreferences, UserSettings
from streak_core.services.challenges import create_challenge, join_challenge
from streak_core.services.friend_streaks import FriendStreaks
from streak_core.services.friends import Friends
from streak_core.services.leagues import Leagues, LeagueSettler
from streak_core.services.maintenance import maintain
from streak_core.services.reminders import send_reminders
from streak_core.services.sessions import accept_sessions
from tests.unit.fakes import (
    FakeLater,
    FakeReminders,
    InMemoryChallengeStore,
    InMemoryFriendStore,
    InMemoryFriendStreakStore,
    InMemoryLeaderboardStore,
    InMemoryLeagueStore,
    InMemoryUserStore,
)

UID = "ada"
NOV_1 = datetime(2026, 11, 1, 12, tzinfo=UTC)


def focus(
    store: InMemoryUserStore, day: date, now: datetime, sid: str | None = None, minutes: int = 40
) -> None:
    start = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
    end = start + timedelta(minutes=minutes)
    raw = SessionFields(sid or f"s{day}", start.isoformat(), end.isoformat(), "UTC")
    accept_sessions(store, UID, [raw], now, DEFAULT_CONFIG)


def close_through(store: InMemoryUserStore, now: datetime) -> list[OutboxEntry]:
    """Nightly maintenance of the user at `now`, as the batch worker does it."""
    user = store.users[UID]
    due = DueUser(UID, user.settings, user.streak, None)
    return maintain(due, now, DEFAULT_CONFIG)


def emitted_kinds() -> set[NotificationKind]:
    """Drive one user through a life that makes the code emit everything it can."""
    store = InMemoryUserStore()
    monday = date(2026, 11, 2)
    challenges = InMemoryChallengeStore(store)
    terms = ChallengeTerms(ChallengeKind.QUALIFIED_DAYS, 3, monday, monday + timedelta(days=6), 0)
    sprint = create_challenge(challenges, UID, False, "Sprint", terms, ChallengeVisibility.PRIVATE, NOV_1)
    join_challenge(challenges, UID, sprint.challenge.id, NOV_1, DEFAULT_CONFIG)  # completed on the 4th
    league = InMemoryLeagueStore(store)
    Leagues(league, store, store, DEFAULT_CONFIG).join(UID, datetime(2026, 11, 2, 8, tzinfo=UTC))
    for n in range(7):  # Monday to Sunday: a 7-day streak
        focus(store, monday + timedelta(days=n), datetime(2026, 11, 8, 20, tzinfo=UTC))
    entries = close_through(store, datetime(2026, 11, 9, 1, tzinfo=UTC))  # freeze earned, weekly bonus
    entries += close_through(store, datetime(2026, 11, 11, 1, tzinfo=UTC))  # 9th frozen, 10th breaks it
    focus(store, date(2026, 11, 11), datetime(2026, 11, 12, 8, tzinfo=UTC))
    focus(store, date(2026, 11, 10), datetime(2026, 11, 12, 8, tzinfo=UTC), "late")  # heals the break
    focus(store, date(2026, 11, 13), datetime(2026, 11, 13, 20, tzinfo=UTC), minutes=60)  # recovers the 12th
    settler = LeagueSettler(league, store, DEFAULT_CONFIG)  # the week's league settled on Tuesday
    for page in league.cohort_pages("2026-W45", 10):
        settler.settle_page("2026-W45", page, 0, datetime(2026, 11, 10, 13, tzinfo=UTC))
    reminders = FakeReminders()
    reminders.add(UID, [date(2026, 11, d) for d in (18, 19, 20)])
    send_reminders(
        reminders, reminders, FakeLater(), datetime(2026, 11, 21, 20, 1, tzinfo=UTC), DEFAULT_CONFIG
    )
    user = store.users[UID]  # quiet since the 13th; nobody in the holdout here (ada would be)
    everyone_told = replace(DEFAULT_CONFIG, reactivation_holdout=0.0)
    entries += maintain(
        DueUser(UID, user.settings, user.streak, None), datetime(2026, 11, 27, 1, tzinfo=UTC), everyone_told
    )
    befriended_life(store)
    return {e.kind for e in [*entries, *store.outbox.values(), *reminders.outbox.values()]}


def befriended_life(store: InMemoryUserStore) -> None:
    """A friend streak invited, accepted, nudged, extended and broken (its entries land in `store`)."""
    friends_store = InMemoryFriendStore(store)
    friends = Friends(friends_store, InMemoryLeaderboardStore(store), store, DEFAULT_CONFIG)
    pairs = FriendStreaks(InMemoryFriendStreakStore(friends_store))
    first = datetime(2026, 12, 1, 8, tzinfo=UTC)
    store.save_settings("pal", UserSettings(timezone="UTC"), first)
    friends.request(UID, "pal", first)
    friends.accept("pal", UID, first)
    sid = pairs.accept("pal", pairs.invite(UID, "pal", first).id, first).id
    pairs.nudge(UID, sid, first)
    for uid in (UID, "pal"):
        start = datetime(2026, 12, 1, 10, tzinfo=UTC)
        raw = SessionFields(f"{uid}-pair", start.isoformat(), (start + timedelta(hours=1)).isoformat(), "UTC")
        accept_sessions(store, uid, [raw], start + timedelta(hours=1), DEFAULT_CONFIG)
        store.users[uid].streak.maintenance_due_at = None  # their days are final
    pairs.check([sid], datetime(2026, 12, 1, 12, tzinfo=UTC), breaks=False)  # both focused on the 1st
    pairs.check([sid], datetime(2026, 12, 3, 2, tzinfo=UTC), breaks=True)  # nobody on the 2nd


def test_the_code_emits_every_kind_and_nothing_else() -> None:
    assert emitted_kinds() == set(NotificationKind)


@pytest.mark.parametrize("locale", list(Locale))
def test_every_kind_has_texts_in_every_locale(locale: Locale) -> None:
    assert set(TEMPLATES[locale]) == set(NotificationKind)


def test_every_kind_can_be_switched_off() -> None:
    assert set(NotificationPreferences().kinds) == set(NotificationKind)
    off = {kind.value: False for kind in NotificationKind}
    patch = NotificationsPatch.model_validate({"kinds": off})
    assert isinstance(patch.kinds, dict)
    assert set(patch.kinds) == set(NotificationKind)
