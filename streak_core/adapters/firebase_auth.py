"""Verifying Firebase ID tokens with firebase_admin, honouring FIREBASE_AUTH_EMULATOR_HOST locally."""

from __future__ import annotations

import base64
import json
import time
from collections import OrderedDict
from typing import Any

import firebase_admin
from firebase_admin import auth
from firebase_admin import exceptions as firebase_exceptions

from streak_core.adapters.lazy import Lazy
from streak_core.errors import Unavailable
from streak_core.ports.erasure import AccountDirectory
from streak_core.ports.identity import InvalidToken, Principal, TokenVerifier

CACHE_SECONDS = 60.0
CACHE_SIZE = 10_000


class FirebaseTokenVerifier(TokenVerifier):
    """Checks a bearer token and caches good answers briefly (a revocation check is a network call).

    Against the Auth emulator the Admin SDK checks no signature and no expiry, since emulator tokens are
    unsigned. So here we also insist on what the emulator always issues (alg "none", no signature, a live
    `exp`) and check revocation, which asks the emulator whether the user exists: a token signed by anyone,
    expired, or naming an unknown user is refused. In production the SDK verifies Google's signature.
    """

    def __init__(self, project_id: str | None, emulated: bool) -> None:
        self._firebase_app = Lazy(lambda: initialize_app(project_id, f"streaks-{id(self)}"))
        self._emulated = emulated  # FIREBASE_AUTH_EMULATOR_HOST is set: the SDK talks to the emulator
        self._cache: OrderedDict[str, tuple[float, Principal]] = OrderedDict()
        self._forgotten: set[str] = set()  # users being erased: their tokens are checked every time

    def forget(self, uid: str) -> None:
        for token, (_, principal) in list(self._cache.items()):
            if principal.uid == uid:
                del self._cache[token]
        self._forgotten.add(uid)

    def verify(self, token: str) -> Principal:
        now = time.monotonic()
        cached = self._cache.get(token)
        if cached and cached[0] > now:
            return cached[1]
        if self._emulated:
            _check_emulator_shape(token)
        try:
            claims = auth.verify_id_token(token, app=self._firebase_app(), check_revoked=True)
        except (auth.InvalidIdTokenError, auth.UserNotFoundError, auth.UserDisabledError, ValueError) as exc:
            raise InvalidToken(type(exc).__name__) from None
        except firebase_exceptions.FirebaseError as exc:  # cannot check right now: not the client's fault
            raise Unavailable(f"could not verify the token: {type(exc).__name__}") from exc
        principal = Principal(uid=str(claims["uid"]), admin=claims.get("admin") is True)
        if principal.uid in self._forgotten:
            return principal
        expires_at = float(claims.get("exp", 0)) - time.time()
        self._cache[token] = (now + max(0.0, min(CACHE_SECONDS, expires_at)), principal)
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return principal


class FirebaseAccounts(AccountDirectory):
    """The project's Firebase Auth accounts (deleted last when a user is erased)."""

    def __init__(self, project_id: str | None) -> None:
        self._firebase_app = Lazy(lambda: initialize_app(project_id, f"accounts-{id(self)}"))

    def delete(self, uid: str) -> None:
        try:
            auth.delete_user(uid, app=self._firebase_app())
        except auth.UserNotFoundError:
            return
        except firebase_exceptions.FirebaseError as exc:
            raise Unavailable(f"could not delete the account: {type(exc).__name__}") from exc

    def existing(self, uids: list[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(uids), 100):  # Auth looks up at most 100 users a call
            identifiers = [auth.UidIdentifier(uid) for uid in uids[start : start + 100]]
            try:
                result = auth.get_users(identifiers, app=self._firebase_app())
            except firebase_exceptions.FirebaseError as exc:
                raise Unavailable(f"could not look the accounts up: {type(exc).__name__}") from exc
            found |= {str(user.uid) for user in result.users}
        return found


def initialize_app(project_id: str | None, name: str) -> Any:
    options = {"projectId": project_id} if project_id else None
    return firebase_admin.initialize_app(options=options, name=name)


def _check_emulator_shape(token: str) -> None:
    parts = token.split(".")
    if len(parts) != 3:
        raise InvalidToken("not a JWT")
    try:
        header = json.loads(_b64(parts[0]))
        payload = json.loads(_b64(parts[1]))
    except ValueError:
        raise InvalidToken("undecodable JWT") from None
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise InvalidToken("not a JWT")
    if header.get("alg") != "none" or parts[2]:
        raise InvalidToken("not issued by the Auth emulator")
    if not isinstance(payload.get("exp"), int) or payload["exp"] <= time.time():
        raise InvalidToken("expired")


def _b64(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
