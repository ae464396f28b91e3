"""Where email notifications go: the address on each user's Firebase Auth record. Apart from firebase_auth.py
(tokens and accounts): the `api` function verifies tokens and sends nothing."""

from __future__ import annotations

from firebase_admin import auth
from firebase_admin import exceptions as firebase_exceptions

from streak_core.adapters.firebase_auth import initialize_app
from streak_core.adapters.lazy import Lazy
from streak_core.ports.notifications import DeliveryError


class AuthEmailDirectory:
    """Where email notifications go: the address on the user's Firebase Auth record."""

    def __init__(self, project_id: str | None) -> None:
        self._firebase_app = Lazy(lambda: initialize_app(project_id, f"directory-{id(self)}"))

    def email_of(self, uid: str) -> str | None:
        try:
            record = auth.get_user(uid, app=self._firebase_app())
        except auth.UserNotFoundError:
            return None
        except firebase_exceptions.FirebaseError as exc:  # worth retrying: the channel stays pending
            raise DeliveryError(f"could not look up the user's email: {exc}") from exc
        return str(record.email) if record.email and not record.disabled else None
