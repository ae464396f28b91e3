"""Fields encoded for a write straight into protobuf, byte for byte as the client library encodes them."""

from __future__ import annotations

import enum
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from google.api_core.datetime_helpers import DatetimeWithNanoseconds
from google.auth.credentials import AnonymousCredentials
from google.cloud import firestore
from google.cloud.firestore_v1 import _helpers
from google.cloud.firestore_v1.types import Document
from google.cloud.firestore_v1.vector import Vector
from hypothesis import given, settings
from hypothesis import strategies as st

from streak_core.adapters.firestore import write_encoding


class Kind(enum.StrEnum):
    DAY = "day"


class Level(enum.IntEnum):
    GOLD = 3


def library(data: dict[str, Any]) -> bytes:
    """The library's own encoding (`encode_value`, which `install` leaves alone), as sent."""
    fields = {key: _helpers.encode_value(value) for key, value in data.items()}
    return bytes(Document(fields=fields)._pb.SerializeToString(deterministic=True))


def ours(data: dict[str, Any]) -> bytes:
    return bytes(Document(fields=write_encoding.encode_dict(data))._pb.SerializeToString(deterministic=True))


ZONES = st.sampled_from([UTC, timezone(timedelta(hours=-5))])
nanosecond_instants = st.builds(
    lambda moment, nanos: DatetimeWithNanoseconds(  # type: ignore[no-untyped-call]  # api-core is untyped
        *moment.timetuple()[:6], nanosecond=nanos, tzinfo=UTC
    ),
    st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2200, 1, 1)),
    st.integers(0, 999_999_999),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(),  # NaN and the infinities too: compared as bytes
    st.text(max_size=12),
    st.binary(max_size=8),
    st.datetimes(min_value=datetime(1, 1, 2), timezones=ZONES),
    st.datetimes(min_value=datetime(1, 1, 2)),  # naive: the library reads it as UTC
    nanosecond_instants,
    st.sampled_from([Kind.DAY, Level.GOLD]),
)
keys = st.text(max_size=8)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=3).map(tuple)
        | st.sets(st.integers(-5, 5) | st.text(max_size=3), max_size=4)
        | st.dictionaries(keys, inner, max_size=4)
    ),
    max_leaves=25,
)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(keys, values, max_size=6))
def test_our_encoding_sends_the_bytes_the_library_sends(data: dict[str, Any]) -> None:
    assert ours(data) == library(data)


def test_what_we_leave_to_the_library_is_encoded_by_it() -> None:
    # References need a client; nothing is sent.
    client = firestore.Client(project="demo-encoding", credentials=AnonymousCredentials())
    data = {
        "where": firestore.GeoPoint(48.85, 2.35),
        "ref": client.document("users/u1"),
        "nested": {"at": [firestore.GeoPoint(0, 0), 1]},
        "vector": Vector([1.0, 2.0]),
        "plain": {"n": 1},
    }
    assert ours(data) == library(data)


@pytest.mark.parametrize(
    "write",
    [
        lambda: _helpers.pbs_for_set_no_merge(PATH, DOC),
        lambda: _helpers.pbs_for_set_with_merge(PATH, DOC, merge=True),
        lambda: _helpers.pbs_for_create(PATH, DOC),
        lambda: _helpers.pbs_for_update(PATH, {"streak.len": 3, "n": firestore.Increment(1)}, None),
    ],
    ids=["set", "merge", "create", "update"],
)
def test_a_whole_write_is_the_same_once_installed(write: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    before = [pb._pb.SerializeToString(deterministic=True) for pb in write()]
    monkeypatch.setattr(_helpers, "encode_dict", _helpers.encode_dict)  # restored after the test
    write_encoding.install()
    assert _helpers.encode_dict is write_encoding.encode_dict
    assert [pb._pb.SerializeToString(deterministic=True) for pb in write()] == before


PATH = "projects/p/databases/(default)/documents/a/b"
DOC = {
    "at": firestore.SERVER_TIMESTAMP,  # transforms are extracted by the library before any encoding
    "count": firestore.Increment(2),
    "runs": {"starts": [1, 2], "ends": [3, 4]},
    "empty": {},
    "none": [],
    "when": datetime(2026, 11, 21, 12, tzinfo=UTC),
}
