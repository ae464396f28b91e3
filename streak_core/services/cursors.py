"""Opaque, tamper-evident page cursors: a position signed with the deployment's key (itsdangerous)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from itsdangerous import BadData, URLSafeSerializer

from streak_core.domain.boards import BoardPosition
from streak_core.domain.ids import MAX_CURSOR_CHARS
from streak_core.domain.vocabulary import ChallengeStatus, Scope
from streak_core.errors import InvalidCursor
from streak_core.ports.challenges import ChallengePosition
from streak_core.ports.users import NotificationPosition
from streak_core.ports.webhooks import DeliveryPosition
from streak_core.ports.your_data import SessionPosition


def _loads(serializer: URLSafeSerializer, cursor: str) -> Any:  # the JSON the cursor was made of
    if len(cursor) > MAX_CURSOR_CHARS:
        raise BadData("cursor too long")
    return serializer.loads(cursor)


class Cursors:
    """Encodes where a page ended and checks, on the way back, that this deployment issued it for the same
    list. One salt per list, so a cursor of one list is refused by another."""

    def __init__(self, secret: str) -> None:
        self._notifications = URLSafeSerializer(secret, salt="notifications-cursor")
        self._boards = URLSafeSerializer(secret, salt="leaderboard-cursor")
        self._challenges = URLSafeSerializer(secret, salt="challenges-cursor")
        self._sessions = URLSafeSerializer(secret, salt="sessions-cursor")
        self._deliveries = URLSafeSerializer(secret, salt="deliveries-cursor")

    def notifications(self, position: NotificationPosition) -> str:
        return str(self._notifications.dumps([position.created_at.isoformat(), position.entry_id]))

    def notification_position(self, cursor: str) -> NotificationPosition:
        try:
            stamp, entry_id = _loads(self._notifications, cursor)
            return NotificationPosition(datetime.fromisoformat(stamp), str(entry_id))
        except (BadData, ValueError, TypeError):
            raise InvalidCursor from None

    def board(self, scope: Scope, key: str, position: BoardPosition) -> str:
        raw = [scope.value, key, position.score, position.longest_streak, position.reached_at.isoformat()]
        return str(self._boards.dumps([*raw, position.uid]))

    def board_position(self, cursor: str) -> tuple[Scope, str, BoardPosition]:
        """The scope and board a cursor pages through, and where its page ended."""
        try:
            scope, key, score, longest, reached, uid = _loads(self._boards, cursor)
            position = BoardPosition(int(score), int(longest), datetime.fromisoformat(reached), str(uid))
            return Scope(scope), str(key), position
        except (BadData, ValueError, TypeError):
            raise InvalidCursor from None

    def challenges(self, status: ChallengeStatus, position: ChallengePosition) -> str:
        return str(self._challenges.dumps([status.value, position.at.isoformat(), position.challenge_id]))

    def challenge_position(self, cursor: str, status: ChallengeStatus) -> ChallengePosition:
        """Where a page of the `status` listing ended; a cursor of another status is refused."""
        try:
            issued_for, stamp, challenge_id = _loads(self._challenges, cursor)
            if issued_for != status.value:
                raise ValueError(issued_for)
            return ChallengePosition(datetime.fromisoformat(stamp), str(challenge_id))
        except (BadData, ValueError, TypeError):
            raise InvalidCursor from None

    def sessions(self, position: SessionPosition, lo_ms: int, hi_ms: int) -> str:
        """A page of a user's session log, for the range it was asked for (another range refuses it)."""
        return str(self._sessions.dumps([position.start_ms, position.session_id, lo_ms, hi_ms]))

    def session_position(self, cursor: str, lo_ms: int, hi_ms: int) -> SessionPosition:
        try:
            start_ms, session_id, issued_lo, issued_hi = _loads(self._sessions, cursor)
            if (issued_lo, issued_hi) != (lo_ms, hi_ms):
                raise ValueError("another range")
            return SessionPosition(int(start_ms), str(session_id))
        except (BadData, ValueError, TypeError):
            raise InvalidCursor from None

    def deliveries(self, endpoint_id: str, position: DeliveryPosition) -> str:
        """A page of one endpoint's deliveries (another endpoint's list refuses it)."""
        return str(self._deliveries.dumps([endpoint_id, position.created_at.isoformat(), position.event_id]))

    def delivery_position(self, endpoint_id: str, cursor: str) -> DeliveryPosition:
        try:
            issued_for, stamp, event_id = _loads(self._deliveries, cursor)
            if issued_for != endpoint_id:
                raise ValueError("another endpoint")
            return DeliveryPosition(datetime.fromisoformat(stamp), str(event_id))
        except (BadData, ValueError, TypeError):
            raise InvalidCursor from None
