"""What a change writes beyond its own documents, staged in its own transaction or batch: notification
entries with their webhook events and counts (any writer), and what an acceptance (or a rebuild) moves of
the user's boards with their rank documents, challenge memberships and league scores. Apart from the
stores that read those (outbox.py, boards.py, challenges.py, leagues.py): a session's cold start imports
what its acceptance writes, not the queries and records of those areas."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from google.cloud import firestore

from streak_core.adapters.firestore import paths, ranks
from streak_core.adapters.firestore.analytics import stage_counts
from streak_core.adapters.firestore.client import batch_read
from streak_core.adapters.firestore.documents import (
    BOARD_ENTRY_DOC,
    membership_doc,
    outbox_to_doc,
    score_fields,
)
from streak_core.adapters.firestore.events import stage_events
from streak_core.domain.analytics import counts_of
from streak_core.domain.boards import BoardMove
from streak_core.domain.challenges import Membership
from streak_core.models.events import WebhookEvent, events_of
from streak_core.models.leagues import LeagueMember
from streak_core.models.notifications import OutboxEntry


def stage_board_move(client: Any, writer: Any, move: BoardMove) -> None:
    """Stage, in `writer` (a transaction or batch), an entry's change with its board's rank documents: one
    merge per document, counts by increments (concurrent moves add up), the tie by field."""
    entry_ref = paths.board_entry(client, move.key, move.uid)
    if move.after is None:
        writer.delete(entry_ref)
    else:
        writer.set(entry_ref, BOARD_ENTRY_DOC.dump(move.after))
    for doc_id, fields in ranks.changes(move).items():
        data = {kind: {k: _stored(kind, v) for k, v in values.items()} for kind, values in fields.items()}
        writer.set(paths.board_rank(client, move.key, doc_id), data, merge=True)


def _stored(kind: str, change: Any) -> Any:
    """A rank document change as Firestore applies it: counts by increment, ties by value or deletion."""
    if change is ranks.REMOVED:
        return firestore.DELETE_FIELD
    return firestore.Increment(change) if kind == "c" else change


def stage_memberships(client: Any, writer: Any, uid: str, memberships: Iterable[Membership]) -> None:
    for membership in memberships:
        writer.set(paths.membership(client, uid, membership.challenge_id), membership_doc(uid, membership))


def stage_league_scores(client: Any, writer: Any, members: Iterable[LeagueMember]) -> None:
    for member in members:
        writer.set(paths.league_member(client, member.week, member.uid), score_fields(member), merge=True)


def stage_outbox(
    client: Any, writer: Any, entries: Iterable[OutboxEntry], extra: Iterable[WebhookEvent] = ()
) -> None:
    """Create the entries and, in the same write, the webhook events they and `extra` are (no event
    without its change, no change without its event)."""
    wanted = list(entries)
    for entry in wanted:
        writer.create(paths.outbox(client).document(entry.id), outbox_to_doc(entry))
    stage_events(client, writer, events_of(wanted, extra))
    # The figures these changes are (a broken streak, a freeze...), counted with them.
    stage_counts(client, writer, counts_of((e.kind, e.created_at) for e in wanted))


def create_missing_outbox(
    client: Any, transaction: Any, entries: Iterable[OutboxEntry], extra: Iterable[WebhookEvent] = ()
) -> None:
    """Create the entries that do not exist yet, with their events; existing ones keep their delivery
    status (and their events their fan-out).

    It reads, so call it before the transaction's first write.
    """
    wanted = list(entries)
    refs = [paths.outbox(client).document(entry.id) for entry in wanted]
    existing = {doc.id for doc in batch_read(client, refs, transaction) if doc.exists}
    stage_outbox(client, transaction, [e for e in wanted if e.id not in existing], extra)
