"""One-click unsubscribe (RFC 8058): a signed link per user and kind that switches the kind off."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from itsdangerous import BadData, URLSafeSerializer

from streak_core.domain.ids import MAX_CURSOR_CHARS, is_user_id
from streak_core.domain.sessions import FieldIssue
from streak_core.domain.vocabulary import NotificationKind
from streak_core.errors import InvalidRequest
from streak_core.models.users import NotificationsChange, SettingsChange
from streak_core.ports.users import UserStore
from streak_core.services.queries import update_settings

PATH = "/v1/unsubscribe"


class InvalidUnsubscribeLink(InvalidRequest):
    code = "invalid_unsubscribe_token"

    def __init__(self) -> None:
        issue = FieldIssue("token", "invalid_unsubscribe_token", "is not a link one of our emails carried")
        super().__init__([issue], "This unsubscribe link is not one of ours.")


@dataclass(frozen=True, slots=True)
class Unsubscribed:
    uid: str
    kind: NotificationKind


class UnsubscribeLinks:
    """Signed with the deployment's key (itsdangerous, its own salt): a link names its user and kind and
    cannot be made for another. It never expires: an old email's link still works."""

    def __init__(self, secret: str, base_url: str | None) -> None:
        self._signer = URLSafeSerializer(secret, salt="unsubscribe")
        self._base_url = base_url.rstrip("/") if base_url else None

    def url(self, uid: str, kind: NotificationKind) -> str | None:
        """The link for an email, or None when the deployment has no public URL to put in it."""
        if self._base_url is None:
            return None
        return f"{self._base_url}{PATH}?token={quote(self.token(uid, kind))}"

    def token(self, uid: str, kind: NotificationKind) -> str:
        return str(self._signer.dumps([uid, kind.value]))

    def read(self, token: str) -> Unsubscribed:
        try:
            if len(token) > MAX_CURSOR_CHARS:
                raise BadData("too long")
            uid, kind = self._signer.loads(token)
            if not isinstance(uid, str) or not is_user_id(uid):
                raise BadData("not a user")
            return Unsubscribed(uid, NotificationKind(kind))
        except (BadData, ValueError, TypeError):
            raise InvalidUnsubscribeLink from None


def unsubscribe(store: UserStore, links: UnsubscribeLinks, token: str, now: datetime) -> Unsubscribed:
    """Switch the link's kind off for its user (again: nothing changes). InvalidUnsubscribeLink for a
    token we did not sign."""
    found = links.read(token)
    change = SettingsChange(notifications=NotificationsChange(kinds={found.kind: False}))
    update_settings(store, found.uid, change, now)
    return found
