"""Ranks from the score histogram and tie groups equal a count over the whole board, on the emulator: random
boards with many ties, score changes, visibility changes, removals, and a recount."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from streak_core.adapters.firestore.boards import FirestoreLeaderboardStore
from streak_core.adapters.firestore.client import LazyFirestore
from streak_core.adapters.firestore.staged import stage_board_move
from streak_core.domain.boards import BoardEntry, BoardMove, BoardPosition
from streak_core.domain.vocabulary import Visibility

pytestmark = pytest.mark.integration
T0 = datetime(2026, 11, 1, tzinfo=UTC)


def brute_force_ahead(entries: dict[str, BoardEntry], of: BoardPosition) -> int:
    """The definition: public entries strictly before `of` in board order."""
    return sum(
        1 for e in entries.values() if e.visibility is Visibility.PUBLIC and e.position.order < of.order
    )


def random_entry(rng: random.Random, uid: str) -> BoardEntry:
    visibility = rng.choice([Visibility.PUBLIC, Visibility.PUBLIC, Visibility.FRIENDS, Visibility.HIDDEN])
    reached = T0 + timedelta(hours=13 * rng.randrange(3))  # few instants over two days: ties down to the uid
    return BoardEntry(uid, rng.randint(1, 4), rng.randint(0, 2), reached, visibility)


def apply(client: Any, moves: list[BoardMove]) -> None:
    batch = client.batch()
    for move in moves:
        stage_board_move(client, batch, move)
    batch.commit()


def check(store: FirestoreLeaderboardStore, key: str, entries: dict[str, BoardEntry]) -> None:
    outsiders = [BoardPosition(0, 0, T0, "zz-nobody"), BoardPosition(2, 1, T0, "m-between")]
    for position in [e.position for e in entries.values()] + outsiders:
        assert store.count_public_ahead(key, position) == brute_force_ahead(entries, position), position


@pytest.mark.parametrize("seed", [1, 2])
def test_ranks_from_histograms_equal_the_count_over_the_board(firestore_client: Any, seed: int) -> None:
    rng, key = random.Random(seed), f"all-{uuid.uuid4().hex[:8]}"
    store = FirestoreLeaderboardStore(LazyFirestore(None, factory=lambda _: firestore_client))
    entries = {f"u{n:02d}": random_entry(rng, f"u{n:02d}") for n in range(30)}
    apply(firestore_client, [BoardMove(key, uid, None, e) for uid, e in entries.items()])
    check(store, key, entries)

    moves = []
    for uid in rng.sample(sorted(entries), 12):  # scores up and down, visibility flips, removals
        before = entries[uid]
        after = random_entry(rng, uid) if rng.random() < 0.8 else None
        moves.append(BoardMove(key, uid, before, after))
        if after is None:
            del entries[uid]
        else:
            entries[uid] = after
    apply(firestore_client, moves)
    check(store, key, entries)


def test_a_recount_rebuilds_the_histogram_from_the_entries(firestore_client: Any) -> None:
    rng, key = random.Random(3), f"all-{uuid.uuid4().hex[:8]}"
    store = FirestoreLeaderboardStore(LazyFirestore(None, factory=lambda _: firestore_client))
    entries = {f"u{n:02d}": random_entry(rng, f"u{n:02d}") for n in range(20)}
    apply(firestore_client, [BoardMove(key, uid, None, e) for uid, e in entries.items()])
    # Damage: rank counts lost (as for a board written before they existed).
    board = firestore_client.collection("boards").document(key)
    for doc in list(board.collection("rank").limit(5).stream()):
        doc.reference.delete()
    public = sum(1 for e in entries.values() if e.visibility is Visibility.PUBLIC)
    assert store.recount(key) == public
    check(store, key, entries)
