"""A Firestore query slower than 100 ms is logged with `query_ms`, the field the slow-query metric counts."""

from __future__ import annotations

import logging
import time

import pytest

from streak_core.adapters.firestore.client import stream


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
