"""Push through Firebase Cloud Messaging (`messaging.send_each`), or through a local FCM v1 stand-in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import firebase_admin
from firebase_admin import credentials, exceptions, messaging
from google.auth.credentials import AnonymousCredentials

from streak_core.adapters.lazy import Lazy
from streak_core.ports.notifications import DeliveryError, PushOutcome, PushSender

FCM_SEND_PATH = "/v1/projects/{project}/messages:send"
# FCM's answers for a token that will never work again: the device is pruned.
DEAD_TOKEN_ERRORS = (messaging.UnregisteredError, messaging.SenderIdMismatchError)


# Streak news should be heard: the default sound on both platforms, and on Android the app's notification
# channel (the app creates a channel with this id; Android 8+ drops a push naming a channel it lacks to the
# "Miscellaneous" one). No badge: the backend keeps no unread count to put on the icon.
ANDROID_CHANNEL = "streaks"
# No priority: the SDK writes it in lower case, which FCM v1's schema does not list (HIGH, NORMAL), and a
# message with a notification is delivered at high priority by default.
ANDROID = messaging.AndroidConfig(
    notification=messaging.AndroidNotification(channel_id=ANDROID_CHANNEL, sound="default")
)
APNS = messaging.APNSConfig(payload=messaging.APNSPayload(aps=messaging.Aps(sound="default")))


class _NoCredential(credentials.Base):  # type: ignore[misc]
    """The local capture server takes no OAuth token, and there is no service account to find."""

    def get_credential(self) -> Any:
        return AnonymousCredentials()  # type: ignore[no-untyped-call]


class FcmPushSender(PushSender):
    """Sends a notification to each of a user's devices; `endpoint` (FCM_URL) swaps in a local server."""

    def __init__(self, project_id: str | None, endpoint: str | None = None) -> None:
        self._project_id = project_id
        self._endpoint = endpoint.rstrip("/") if endpoint else None
        self._app: Lazy[Any] = Lazy(self._initialize)

    def _initialize(self) -> Any:
        options = {"projectId": self._project_id} if self._project_id else None
        credential = _NoCredential() if self._endpoint else None
        app = firebase_admin.initialize_app(credential, options=options, name=f"fcm-{id(self)}")
        if self._endpoint:
            # The SDK has no endpoint option; its service object is built once per app, so aim it here.
            service = messaging._get_messaging_service(app)
            service._fcm_url = self._endpoint + FCM_SEND_PATH.format(project=app.project_id)
        return app

    def send(self, tokens: tuple[str, ...], title: str, body: str, data: Mapping[str, str]) -> PushOutcome:
        if not tokens:
            return PushOutcome(0, ())
        notification = messaging.Notification(title=title, body=body)
        messages = [
            messaging.Message(token=t, notification=notification, data=dict(data), android=ANDROID, apns=APNS)
            for t in tokens
        ]
        try:
            batch = messaging.send_each(messages, app=self._app())
        except exceptions.FirebaseError as exc:
            raise DeliveryError(f"FCM: {exc}") from exc
        delivered, dead, errors = 0, [], []
        for token, response in zip(tokens, batch.responses, strict=True):
            if response.success:
                delivered += 1
            elif _dead_token(response.exception):
                dead.append(token)
            else:
                errors.append(f"{type(response.exception).__name__}: {response.exception}")
        if delivered == 0 and errors:
            # Nobody got it and some device may yet: retry the whole entry (no device got a copy).
            raise DeliveryError("FCM: " + "; ".join(errors[:3]))
        return PushOutcome(delivered, tuple(dead))


def _dead_token(error: Exception | None) -> bool:
    """A token to forget: unregistered, of another sender, or refused as a token. FCM answers
    INVALID_ARGUMENT for a malformed message too: that one is our fault, and the device is kept."""
    if isinstance(error, DEAD_TOKEN_ERRORS):
        return True
    return isinstance(error, exceptions.InvalidArgumentError) and "registration token" in str(error)
