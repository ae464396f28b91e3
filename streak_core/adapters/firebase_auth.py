"""Verifying Firebase ID tokens with firebase_admin, honouring FIREBASE_AUTH_EMULATOR_HOST locally."""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from collections import OrderedDict
from typing import Any

import firebase_admin
from firebase_admin import auth

from streak_core.ports import InvalidToken, Principal

CACHE_SECONDS = 60.0
CACHE_SIZE = 10_000


class FirebaseTokenVerifier:
    """Checks a bearer token and caches good answers briefly (a revocation check is a network call).

    Against the Auth emulator the Admin SDK checks no signature and no expiry, since emulator tokens are
    unsigned. So here we also insist on what the emulator always issues (alg "none", no signature, a live
    `exp`) and check revocation, which asks the emulator whether the user exists: a token signed by anyone,
    expired, or naming an unknown user is refused. In production the SDK verifies Google's signature.
    """

    def __init__(self, project_id: str | None) -> None:
        self._project_id = project_id
        self._app: Any = None
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, tuple[float, Principal]] = OrderedDict()

    def _firebase_app(self) -> Any:
        if self._app is None:
            with self._lock:
                if self._app is None:
                    options = {"projectId": self._project_id} if self._project_id else None
                    name = f"streaks-{id(self)}"
                    self._app = firebase_admin.initialize_app(options=options, name=name)
        return self._app

    def verify(self, token: str) -> Principal:
        now = time.monotonic()
        cached = self._cache.get(token)
        if cached and cached[0] > now:
            return cached[1]
        emulated = bool(os.environ.get("FIREBASE_AUTH_EMULATOR_HOST"))
        if emulated:
            _check_emulator_shape(token)
        try:
            claims = auth.verify_id_token(token, app=self._firebase_app(), check_revoked=True)
        except (auth.InvalidIdTokenError, auth.UserNotFoundError, auth.UserDisabledError, ValueError) as exc:
            raise InvalidToken(type(exc).__name__) from None
        except auth.CertificateFetchError as exc:  # cannot check right now: not the client's fault
            raise ConnectionError("could not fetch token certificates") from exc
        principal = Principal(uid=str(claims["uid"]), admin=claims.get("admin") is True)
        expires_at = float(claims.get("exp", 0)) - time.time()
        self._cache[token] = (now + max(0.0, min(CACHE_SECONDS, expires_at)), principal)
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return principal


def _check_emulator_shape(token: str) -> None:
    parts = token.split(".")
    if len(parts) != 3:
        raise InvalidToken("not a JWT")
    try:
        header = json.loads(_b64(parts[0]))
        payload = json.loads(_b64(parts[1]))
    except ValueError:
        raise InvalidToken("undecodable JWT") from None
    if header.get("alg") != "none" or parts[2]:
        raise InvalidToken("not issued by the Auth emulator")
    if not isinstance(payload.get("exp"), int) or payload["exp"] <= time.time():
        raise InvalidToken("expired")


def _b64(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
