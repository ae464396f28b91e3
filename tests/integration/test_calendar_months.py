"""The calendar's month documents on the emulator: written with the days, read in one batch, complete after a
rebuild for history from before them; the cache never serves an older version."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest

from streak_core.adapters.firestore.client import LazyFirestore
from streak_core.adapters.firestore.rebuild import FirestoreRebuildStore
from streak_core.adapters.firestore.users import FirestoreUserStore
from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.sessions import SessionFields
from streak_core.services.calendar_cache import CalendarCache
from streak_core.services.queries import CalendarSource, get_calendar
from streak_core.services.rebuild import rebuild_user
from streak_core.services.sessions import accept_sessions

pytestmark = pytest.mark.integration
NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)
SESSIONS = [  # one runs over midnight from October into November (Paris)
    SessionFields("a", "2026-10-31T22:00:00Z", "2026-10-31T23:30:00Z", "Europe/Paris"),
    SessionFields("b", "2026-11-02T08:00:00Z", "2026-11-02T08:40:00Z", "Europe/Paris"),
]


@pytest.fixture
def lazy(firestore_client: Any) -> LazyFirestore:
    return LazyFirestore(None, factory=lambda _: firestore_client)


def test_months_hold_what_the_days_hold_and_the_cache_follows_the_version(lazy: LazyFirestore) -> None:
    store, uid, cache = FirestoreUserStore(lazy), f"cal-{uuid.uuid4().hex[:8]}", CalendarCache()
    accept_sessions(store, uid, SESSIONS, NOW, DEFAULT_CONFIG)
    first, last = date(2026, 10, 25), date(2026, 11, 21)
    by_day = {d: r.state.seconds for d, r in store.days_between(uid, first, last).items()}
    assert by_day == {date(2026, 10, 31): 3600, date(2026, 11, 1): 1800, date(2026, 11, 2): 2400}
    assert store.seconds_between(uid, first, last) == by_day
    read = get_calendar(store, uid, first, last, NOW, DEFAULT_CONFIG, cache)
    assert read.source is CalendarSource.MONTHS
    assert {d.date: d.seconds for d in read.days if d.seconds} == by_day
    again = get_calendar(store, uid, first, last, NOW, DEFAULT_CONFIG, cache)
    assert again.source is CalendarSource.CACHE
    assert again.days == read.days
    late = SessionFields("c", "2026-11-20T08:00:00Z", "2026-11-20T09:00:00Z", "Europe/Paris")
    accept_sessions(store, uid, [late], NOW, DEFAULT_CONFIG)
    fresh = get_calendar(store, uid, first, last, NOW, DEFAULT_CONFIG, cache)
    assert fresh.source is CalendarSource.MONTHS
    assert next(d for d in fresh.days if d.date == date(2026, 11, 20)).seconds == 3600


def test_history_from_before_the_months_is_read_by_day_until_a_rebuild_writes_them(
    lazy: LazyFirestore, firestore_client: Any
) -> None:
    store, uid = FirestoreUserStore(lazy), f"cal-{uuid.uuid4().hex[:8]}"
    accept_sessions(store, uid, SESSIONS, NOW, DEFAULT_CONFIG)
    user = firestore_client.collection("users").document(uid)
    for month in user.collection("months").stream():  # as if written before month documents existed
        month.reference.delete()
    firestore_client.collection("streaks").document(uid).update({"months_ready": False})
    first, last = date(2026, 10, 1), date(2026, 11, 21)
    before = get_calendar(store, uid, first, last, NOW, DEFAULT_CONFIG, CalendarCache())
    assert before.source is CalendarSource.DAYS
    report = rebuild_user(FirestoreRebuildStore(lazy), uid, NOW, DEFAULT_CONFIG, dry_run=False)
    assert report.changed
    after = get_calendar(store, uid, first, last, NOW, DEFAULT_CONFIG, CalendarCache())
    assert after.source is CalendarSource.MONTHS
    assert after.days == before.days
    assert not rebuild_user(FirestoreRebuildStore(lazy), uid, NOW, DEFAULT_CONFIG, dry_run=False).changed
