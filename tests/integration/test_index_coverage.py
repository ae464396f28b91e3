"""Every query the stores make runs here on the emulator; each needs exactly the indexes in the file."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from google.cloud.firestore_v1.types import StructuredQuery

from streak_core.adapters.firestore.boards import FirestoreLeaderboardStore
from streak_core.adapters.firestore.challenges import FirestoreChallengeStore
from streak_core.adapters.firestore.client import LazyFirestore
from streak_core.adapters.firestore.dead_letters import FirestoreDeadLetters
from streak_core.adapters.firestore.friends import FirestoreFriendStore
from streak_core.adapters.firestore.leagues import FirestoreLeagueStore
from streak_core.adapters.firestore.maintenance import FirestoreMaintenanceStore
from streak_core.adapters.firestore.outbox import FirestoreOutboxStore
from streak_core.adapters.firestore.reminders import FirestoreReminderStore
from streak_core.adapters.firestore.shares import FirestoreShareStore
from streak_core.adapters.firestore.users import FirestoreUserStore
from streak_core.adapters.firestore.webhooks import FirestoreWebhookStore
from streak_core.domain.boards import BoardPosition
from streak_core.domain.challenges import ChallengeTerms, Membership
from streak_core.domain.vocabulary import ChallengeKind, ChallengeStatus
from streak_core.ports.challenges import ChallengePosition
from streak_core.ports.users import NotificationPosition
from streak_core.ports.webhooks import DeliveryPosition
from tests.index_coverage import need_of, recording, uncovered, unused

pytestmark = pytest.mark.integration
NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)
TERMS = ChallengeTerms(ChallengeKind.QUALIFIED_DAYS, 3, date(2026, 11, 16), date(2026, 11, 22), 0)


def test_every_query_of_the_stores_is_covered_and_every_index_is_used(firestore_client: Any) -> None:
    lazy = LazyFirestore(None, factory=lambda _: firestore_client)
    users, boards, friends = (
        FirestoreUserStore(lazy),
        FirestoreLeaderboardStore(lazy),
        FirestoreFriendStore(lazy),
    )
    someone = BoardPosition(3, 2, NOW, "u-index")
    with recording() as seen:
        users.notifications("u-index", 10, None)
        users.notifications("u-index", 10, NotificationPosition(NOW, "u-index:milestone:x"))
        users.days_between("u-index", date(2026, 11, 1), date(2026, 11, 30))
        list(FirestoreMaintenanceStore(lazy).due_pages(NOW, 10))
        FirestoreOutboxStore(lazy, email_of=lambda _: None).due_for_sweep(NOW, 10)
        FirestoreReminderStore(lazy).due_reminders(NOW, 10)
        FirestoreDeadLetters(lazy).list(10)
        boards.page("all", 10, None)
        boards.page("all", 10, someone)
        boards.count_public_ahead("all", someone)
        boards.entries("all", ["u-index"])
        boards.summaries(["u-index"])
        friends.friend_ids("u-index")
        friends.links("u-index", 500)
        challenges = FirestoreChallengeStore(lazy)
        for status in ChallengeStatus:
            challenges.page("u-index", status, NOW, None, 10)
            challenges.page("u-index", status, NOW, ChallengePosition(NOW, "c-index"), 10)
        FirestoreShareStore(lazy).of_user("u-index", 10)
        challenges.top("c-index", 20)
        challenges.ahead_of("c-index", Membership("c-index", "t", TERMS, NOW))
        leagues = FirestoreLeagueStore(lazy)
        leagues.latest("u-index")
        leagues.history("u-index", 10)
        leagues.weeks("u-index", 10)
        leagues.cohort_members_of(["c-index"])
        list(leagues.cohort_pages("2026-W49", 10))
        leagues.week_counts("2026-W49")
        hooks = FirestoreWebhookStore(lazy)
        hooks.pending("wh-index", 0, 10)
        hooks.first_unfanned(0, ["u-index", "u-other"], NOW)
        hooks.unfanned(0, 10)
        hooks.events_due(NOW, 10)
        hooks.lanes_due(NOW, 10)
        hooks.deliveries("wh-index", None, 10)
        hooks.deliveries("wh-index", DeliveryPosition(NOW, "evt_index"), 10)
    assert any(need is not None for need in seen)
    assert uncovered(seen) == []
    assert unused(seen) == []


def structured(where: dict[str, Any] | None, *orders: tuple[str, str]) -> StructuredQuery:
    """Built by hand: going through the client would record it as a query of the code."""
    return StructuredQuery(
        from_=[{"collection_id": "entries"}],
        where=where,
        order_by=[{"field": {"field_path": f}, "direction": d} for f, d in orders],
    )


def test_a_query_whose_index_is_missing_is_reported() -> None:
    public = {
        "field_filter": {
            "field": {"field_path": "visibility"},
            "op": "EQUAL",
            "value": {"string_value": "public"},
        }
    }
    need = need_of(structured(public, ("display_name", "ASCENDING")))
    assert need == ("entries", frozenset({"visibility"}), (("display_name", "ASCENDING"),))
    assert uncovered([need]) == [need]
    board_order = (("score", "DESCENDING"), ("longest_streak", "DESCENDING"), ("reached_at", "ASCENDING"))
    covered = need_of(structured(public, *board_order))
    assert covered is not None
    assert uncovered([covered]) == []
    assert need_of(structured(None, ("score", "DESCENDING"))) is None  # one field: single-field index
