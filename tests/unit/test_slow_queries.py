"""Queries: one slower than 100 ms is logged with `query_ms` (the slow-query metric's field); a long one is
streamed once, in pages, and resumed after a transient fault."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest
from google.api_core.exceptions import ServiceUnavailable

from streak_core.adapters.firestore.client import stream, streamed_pages


class Query:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def stream(self) -> list[str]:
        time.sleep(self.seconds)
        return ["a", "b"]


def test_a_slow_query_is_logged_with_its_duration(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert stream(Query(0.12), "days") == ["a", "b"]
    [record] = caplog.records
    assert (record.getMessage(), record.query, record.documents) == ("slow query", "days", 2)  # type: ignore[attr-defined]
    assert record.query_ms > 100  # type: ignore[attr-defined]


def test_a_fast_query_logs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        stream(Query(0), "days")
    assert caplog.records == []


class Doc:
    def __init__(self, n: int) -> None:
        self.id = f"d{n:03d}"


class Interrupted:
    """An ordered query over 10 documents whose first stream fails after 4 (a transient fault)."""

    def __init__(self, after: Doc | None = None, streams: list[int] | None = None) -> None:
        self.after, self.streams = after, streams if streams is not None else []

    def start_after(self, doc: Doc) -> Interrupted:
        return Interrupted(doc, self.streams)

    def stream(self) -> Iterator[Doc]:
        self.streams.append(1)
        first = int(self.after.id[1:]) + 1 if self.after else 0
        for n in range(first, 10):
            if len(self.streams) == 1 and n == 4:
                raise ServiceUnavailable("stream reset")
            yield Doc(n)


def test_one_streamed_query_in_pages_resumes_after_the_last_document() -> None:
    query = Interrupted()
    pages = [[d.id for d in page] for page in streamed_pages(query, 3, "test")]
    assert pages == [["d000", "d001", "d002"], ["d003", "d004", "d005"], ["d006", "d007", "d008"], ["d009"]]
    assert len(query.streams) == 2  # one stream, and one resumption: not one query per page
