"""Every record's codec: a record stored and read back is the same record; the stored names are the ones
older documents and the indexes use; older documents lacking a field still load."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streak_core.adapters.firestore.codec import Codec
from streak_core.adapters.firestore.dead_letters import DEAD_LETTER_DOC
from streak_core.adapters.firestore.documents import (
    BOARD_ENTRY_DOC,
    CHALLENGE_DOC,
    MEMBER_DOC,
    MEMBERSHIP_DOC,
    PAUSE_DOC,
    score_fields,
)
from streak_core.adapters.firestore.events import EVENT_DOC
from streak_core.adapters.firestore.jobs import JOB_DOC
from streak_core.adapters.firestore.outages import OUTAGE_DOC
from streak_core.adapters.firestore.runs import RUN_DOC
from streak_core.adapters.firestore.shares import SHARE_DOC
from streak_core.adapters.firestore.webhooks import DELIVERY_DOC, ENDPOINT_DOC
from streak_core.domain.boards import BoardEntry
from streak_core.domain.vocabulary import Visibility
from streak_core.models.leagues import LeagueMember
from streak_core.models.streaks import Pause

AT = datetime(2026, 11, 21, 21, tzinfo=UTC)
CODECS: list[tuple[Codec[Any], tuple[str, ...]]] = [
    (BOARD_ENTRY_DOC, ()),
    (CHALLENGE_DOC, ("participants",)),
    (DEAD_LETTER_DOC, ()),
    (MEMBERSHIP_DOC, ()),
    (OUTAGE_DOC, ()),
    (PAUSE_DOC, ()),
    (RUN_DOC, ()),
    (JOB_DOC, ("id",)),
    (MEMBER_DOC, ()),
    (SHARE_DOC, ("opens",)),
    (EVENT_DOC, ()),
    (ENDPOINT_DOC, ("id",)),
    (DELIVERY_DOC, ()),
]


@pytest.mark.parametrize(("codec", "given_names"), CODECS, ids=[c.record.__name__ for c, _ in CODECS])
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_a_record_stored_and_read_back_is_the_same_record(
    codec: Codec[Any], given_names: tuple[str, ...], data: st.DataObject
) -> None:
    record = data.draw(st.builds(codec.record))
    doc = codec.dump(record)
    assert not set(given_names) & set(doc)  # kept elsewhere (the document's name, a counter)
    assert codec.load(doc, **{name: getattr(record, name) for name in given_names}) == record


def test_stored_names_and_forms_are_the_documents_of_before() -> None:
    pause = Pause("p1", date(2026, 12, 1), date(2026, 12, 3), AT)
    assert PAUSE_DOC.dump(pause) == {"id": "p1", "from": "2026-12-01", "to": "2026-12-03", "created_at": AT}
    member = LeagueMember("2026-W49", "u1", 600, 3, AT)
    assert score_fields(member) == {
        "week": "2026-W49",
        "uid": "u1",
        "seconds": 600,
        "longest_streak": 3,
        "reached_at": AT,
    }
    assert MEMBER_DOC.dump(member)["tier"] is None


def test_an_older_document_loads_with_the_fields_it_lacks_as_their_defaults() -> None:
    entry = BOARD_ENTRY_DOC.load({"uid": "u1", "score": 5, "reached_at": AT, "visibility": "someday"})
    # an unknown word (a newer version's) falls back to the default; an absent count to zero
    assert entry == BoardEntry("u1", 5, 0, AT, Visibility.FRIENDS, None)
    assert MEMBER_DOC.load({"week": "2026-W49", "uid": "u1"}) == LeagueMember("2026-W49", "u1")
    with pytest.raises(KeyError, match="reached_at"):
        BOARD_ENTRY_DOC.load({"uid": "u1", "score": 5})
