"""Which identifiers can exist: an id that can never name a stored thing is refused before any read."""

from __future__ import annotations

import hashlib
import re

MAX_ID_BYTES = 1500  # Firestore's limit on a document id
MAX_USER_ID_CHARS = 128  # Firebase Auth's limit on a uid
MAX_SESSION_ID_CHARS = 128
# Every cursor and link token we issue is a few hundred characters; a longer one was not issued here and is
# refused before its signature is even checked (services/cursors.py, services/unsubscribe.py).
MAX_CURSOR_CHARS = 1024
SESSION_ID_PATTERN = re.compile(rf"[A-Za-z0-9_-]{{1,{MAX_SESSION_ID_CHARS}}}")
_RESERVED = re.compile(r"__.*__", re.DOTALL)  # Firestore keeps ids of this form for itself


def is_document_id(value: str) -> bool:
    """True when `value` can be a Firestore document id: 1 to 1,500 bytes of UTF-8, no '/', not '.' or
    '..', not of the reserved form `__x__`."""
    if not value or "/" in value or value in (".", "..") or _RESERVED.fullmatch(value):
        return False
    try:
        return len(value.encode("utf-8")) <= MAX_ID_BYTES
    except UnicodeEncodeError:  # a lone surrogate: not text any store can hold
        return False


def is_user_id(value: str) -> bool:
    """A uid Firebase Auth could have issued that is also a document id."""
    return len(value) <= MAX_USER_ID_CHARS and is_document_id(value)


def is_session_id(value: str) -> bool:
    """A client-chosen session id (DESIGN.md): 1-128 of [A-Za-z0-9_-], and storable."""
    return bool(SESSION_ID_PATTERN.fullmatch(value)) and is_document_id(value)


def keyed_id(uid: str, key: str) -> str:
    """The id a caller's idempotency key stands for: the same key from another user is another id, and ids
    spread evenly over the key space (no hot spot in a collection or a queue)."""
    return hashlib.sha256(f"{uid}\0{key}".encode()).hexdigest()[:32]


def erasure_id(uid: str) -> str:
    """The id a user's erasure is known by (its job, its receipt): derived from the uid, never holding it."""
    return hashlib.sha256(f"erasure:{uid}".encode()).hexdigest()
