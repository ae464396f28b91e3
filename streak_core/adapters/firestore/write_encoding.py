"""A document's fields encoded for a write straight into protobuf, in place of the client's `encode_dict`.

The client library builds a proto-plus wrapper for every value it writes (`_helpers.encode_value`: one
`document.Value(...)` each, marshalled field by field); in a maintenance batch that was 60% of the worker's
CPU. This fills the raw `Value` messages directly and hands them on wrapped, so the library's writes
(`set`, `create`, `update`, with their preconditions and transforms, which it still extracts itself) send
the same bytes: a property test checks the encoding against the library's own for every kind of value we
store. What this does not know (a reference, a GeoPoint, a vector, BSON, a subclass of bytes) is encoded by
the library, value by value. google-cloud-firestore is pinned, and the suite runs it on the emulator.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from google.api_core.datetime_helpers import DatetimeWithNanoseconds
from google.cloud._helpers import _datetime_to_pb_timestamp
from google.cloud.firestore_v1 import _helpers
from google.cloud.firestore_v1.types import document

_RAW_VALUE = document.Value.pb()
_ARRAYS = (list, tuple, set, frozenset)


class _NotPlain(Exception):
    """A value this encoder leaves to the library's."""


def install() -> None:
    """Make the client library encode written fields with `encode_dict` (idempotent)."""
    _helpers.encode_dict = encode_dict


def encode_dict(values_dict: Any) -> dict[Any, Any]:
    """What `_helpers.encode_dict` gives (its signature too): each field as a (wrapped) Firestore `Value`."""
    encoded: dict[Any, Any] = {}
    for key, value in values_dict.items():
        raw = _RAW_VALUE()
        try:
            _fill(raw, value)
        except _NotPlain:
            encoded[key] = _helpers.encode_value(value)
        else:
            encoded[key] = document.Value.wrap(raw)
    return encoded


def _fill(target: Any, value: Any) -> None:  # noqa: C901, PLR0912  # one branch per kind, in the library's order
    """Set the raw `Value` `target` to `value`, the kind decided in the order `_helpers.encode_value` does."""
    if value is None:
        target.null_value = 0
    elif isinstance(value, bool):  # before int: a bool is an int
        target.boolean_value = value
    elif isinstance(value, int):
        target.integer_value = value
    elif isinstance(value, float):
        target.double_value = value
    elif isinstance(value, DatetimeWithNanoseconds):
        target.timestamp_value.CopyFrom(value.timestamp_pb())  # type: ignore[no-untyped-call]  # api-core
    elif isinstance(value, datetime):
        target.timestamp_value.CopyFrom(_datetime_to_pb_timestamp(value))  # type: ignore[no-untyped-call]
    elif isinstance(value, str):
        target.string_value = value
    elif type(value) is bytes:
        target.bytes_value = value
    elif type(value) in _ARRAYS:
        array = target.array_value
        array.SetInParent()  # an empty array is still an array
        for element in value:
            _fill(array.values.add(), element)
    elif type(value) is dict:
        fields = target.map_value.fields
        target.map_value.SetInParent()  # an empty map is still a map
        for key, element in value.items():
            _fill(fields[key], element)
    else:
        raise _NotPlain
