"""Documents decoded from the raw protobuf exactly as the client library decodes them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from google.cloud.firestore_v1 import _helpers
from google.cloud.firestore_v1.types import Document
from hypothesis import given, settings
from hypothesis import strategies as st

from streak_core.adapters.firestore.client import decode_fields

CLIENT = None  # only references need a client to decode, and we store none
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.datetimes(min_value=datetime(1970, 1, 1), timezones=st.just(UTC)),
)
keys = st.text(st.characters(codec="utf-8", exclude_characters="`"), min_size=1, max_size=8)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(st.one_of(scalars, st.dictionaries(keys, inner, max_size=3)), max_size=4)
        | st.dictionaries(keys, inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(keys, values, max_size=6))
def test_the_raw_decoding_agrees_with_the_librarys(data: dict[str, Any]) -> None:
    fields = Document(fields=_helpers.encode_dict(data))._pb.fields
    ours, theirs = decode_fields(fields, CLIENT), _helpers.decode_dict(fields, CLIENT)
    assert ours == theirs
    assert isinstance(theirs, dict)
    assert [type(v) for v in ours.values()] == [type(v) for v in theirs.values()]
