"""Badges on the emulators: awarded once with the acceptance, counted for rarity, caught up by maintenance."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from google.cloud import firestore

from devstack.stack import Stack
from streak_core.adapters.firestore.badges import FirestoreBadgeCounts
from streak_core.adapters.firestore.client import LazyFirestore
from tests.conftest import AuthEmulator
from tests.e2e.conftest import AppUser, admin_token
from tests.e2e.test_forgiveness import tick
from tests.unit.helpers import daily_bodies

pytestmark = pytest.mark.e2e
WEEK = daily_bodies("s", "2026-11", range(10, 17))


def totals(client: Any) -> dict[str, int]:
    return FirestoreBadgeCounts(LazyFirestore(None, factory=lambda _: client)).totals()


def post_as_a_client(user: AppUser, body: dict[str, Any]) -> int:
    """A batch sent as the app does: a 503 (contention on the emulator) is safe to retry, and retried."""
    for _ in range(5):
        response = user.call("POST", "/v1/sessions:batch", json=body)
        if response.status_code != 503:
            return response.status_code
        time.sleep(float(response.headers.get("Retry-After", "1")))
    return response.status_code


def badge_entries(user: AppUser) -> list[str]:
    query = user.firestore.collection("outbox").where(filter=firestore.FieldFilter("uid", "==", user.uid))
    return sorted(doc.id for doc in query.stream() if doc.get("kind") == "badge_earned")


def test_a_badge_is_awarded_once_under_parallel_submissions_and_counted_for_rarity(
    app_user: AppUser, api_url: str, auth_emulator: AuthEmulator, firestore_client: Any
) -> None:
    others = [AppUser(api_url, *auth_emulator.sign_up(), firestore_client) for _ in range(2)]
    before = totals(firestore_client)
    with ThreadPoolExecutor(4) as pool:
        posted = list(pool.map(lambda _: post_as_a_client(app_user, {"sessions": WEEK}), range(4)))
    assert posted == [200] * 4
    for other in others:
        other.focus_days(range(16, 17))
    assert badge_entries(app_user) == [f"{app_user.uid}:badge_earned:streak-7"]
    after = totals(firestore_client)
    assert after["streak-7"] - before.get("streak-7", 0) == 1
    assert after["active_users"] - before.get("active_users", 0) == 3
    badges = {b["id"]: b for b in app_user.call("GET", "/v1/me/badges").json()["badges"]}
    assert badges["streak-7"]["earned_at"] is not None
    assert badges["streak-7"]["progress"] == {"current": 7, "target": 7}
    assert badges["streak-7"]["rarity"] == round(after["streak-7"] / after["active_users"], 4)
    assert badges["streak-30"]["earned_at"] is None


def test_maintenance_awards_a_badge_a_user_already_qualified_for(
    app_user: AppUser, auth_emulator: AuthEmulator, stack: Stack
) -> None:
    app_user.call("POST", "/v1/sessions:batch", json={"sessions": WEEK}, now="2026-11-16T20:00:00Z")
    # As if the badge had joined the catalogue after this user's week: not held, never announced.
    streak = app_user.firestore.collection("streaks").document(app_user.uid)
    streak.update({"badges": {}})
    app_user.firestore.collection("outbox").document(f"{app_user.uid}:badge_earned:streak-7").delete()
    tick(stack, app_user, admin_token(auth_emulator), "2026-11-17T00:30:00Z")
    assert "streak-7" in streak.get().get("badges")
    assert badge_entries(app_user) == [f"{app_user.uid}:badge_earned:streak-7"]
