"""What a document weighs in Firestore: its storage size by the documented rules, to size pages by."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

DOCUMENT_OVERHEAD = 32
NAME_OVERHEAD = 16
EIGHT_BYTES = (int, float, datetime, date)


def document_size(path: str, data: dict[str, Any]) -> int:
    """Bytes of the document at `path` ("collection/id/…") with `data`, as Firestore counts them (Storage
    size calculations): the name, each field's name and value, and 32 more."""
    name = sum(len(part.encode()) + 1 for part in path.split("/")) + NAME_OVERHEAD
    return name + _map_size(data) + DOCUMENT_OVERHEAD


def _map_size(data: dict[str, Any]) -> int:
    return sum(len(key.encode()) + 1 + value_size(value) for key, value in data.items())


def value_size(value: Any) -> int:
    if value is None or isinstance(value, bool):
        return 1
    if isinstance(value, EIGHT_BYTES):
        return 8
    if isinstance(value, str):
        return len(value.encode()) + 1
    if isinstance(value, bytes):
        return len(value)
    if isinstance(value, dict):
        return _map_size(value)
    if isinstance(value, list | tuple):
        return sum(value_size(item) for item in value)
    return 16  # a geopoint or a reference: at most this for ours
