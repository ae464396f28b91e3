"""Session validation: each rule of DESIGN.md, with a specific code and a readable message."""

from datetime import UTC, datetime, timedelta

import pytest

from streak_core.domain.config import DEFAULT_CONFIG, StreakConfig
from streak_core.domain.sessions import SessionRejected, parse_instant, parse_session

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
GOOD = {
    "id": "abc_DEF-123",
    "start": "2026-11-21T09:00:00+01:00",
    "end": "2026-11-21T10:00:00+01:00",
    "timezone": "Europe/Paris",
}


def issues_of(raw: dict[str, object], config: StreakConfig = DEFAULT_CONFIG) -> dict[str, str]:
    with pytest.raises(SessionRejected) as caught:
        parse_session(raw, NOW, config)
    return {issue.field: issue.code for issue in caught.value.issues}


def test_a_valid_session_parses_with_its_offsets_kept() -> None:
    s = parse_session(GOOD, NOW, DEFAULT_CONFIG)
    assert s.start == datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
    assert s.end - s.start == timedelta(hours=1)
    assert s.timezone == "Europe/Paris"


@pytest.mark.parametrize("bad_id", ["", "x" * 129, "has space", "slash/id", "ünïcode", 42, None])
def test_session_id_must_be_1_to_128_safe_characters(bad_id: object) -> None:
    assert issues_of({**GOOD, "id": bad_id}) == {"id": "invalid_id"}


def test_session_id_of_exactly_128_characters_is_accepted() -> None:
    assert parse_session({**GOOD, "id": "a" * 128}, NOW, DEFAULT_CONFIG).id == "a" * 128


@pytest.mark.parametrize(
    "bad_start",
    ["2026-11-21T09:00:00", "2026-11-21", "yesterday", "2026-13-01T00:00:00Z", "20261121T090000Z"],
)
def test_start_must_be_rfc3339_with_an_offset(bad_start: str) -> None:
    assert issues_of({**GOOD, "start": bad_start}) == {"start": "invalid_instant"}


def test_missing_fields_are_each_reported() -> None:
    assert issues_of({"id": "a"}) == {"start": "missing", "end": "missing", "timezone": "missing"}


def test_unknown_timezone_is_rejected() -> None:
    assert issues_of({**GOOD, "timezone": "Europe/Atlantis"}) == {"timezone": "unknown_timezone"}


def test_end_must_be_after_start() -> None:
    assert issues_of({**GOOD, "end": GOOD["start"]}) == {"end": "end_not_after_start"}


def test_duration_over_24_hours_is_rejected_and_exactly_24_is_accepted() -> None:
    start = "2026-11-19T10:00:00Z"
    assert issues_of({**GOOD, "start": start, "end": "2026-11-20T10:00:01Z"}) == {"end": "too_long"}
    accepted = parse_session({**GOOD, "start": start, "end": "2026-11-20T10:00:00Z"}, NOW, DEFAULT_CONFIG)
    assert accepted.end - accepted.start == timedelta(hours=24)


def test_end_more_than_5_minutes_in_the_future_is_rejected() -> None:
    assert issues_of({**GOOD, "end": "2026-11-21T12:05:01Z"}) == {"end": "in_future"}
    assert parse_session({**GOOD, "end": "2026-11-21T12:05:00Z"}, NOW, DEFAULT_CONFIG)


def test_start_older_than_the_late_data_limit_is_rejected() -> None:
    raw = {**GOOD, "start": "2026-10-22T11:59:59Z", "end": "2026-10-22T13:00:00Z"}
    assert issues_of(raw) == {"start": "too_old"}


def test_late_data_limit_is_configurable() -> None:
    raw = {**GOOD, "start": "2026-11-10T10:00:00Z", "end": "2026-11-10T11:00:00Z"}
    assert issues_of(raw, StreakConfig(late_data_limit=timedelta(days=7))) == {"start": "too_old"}


def test_max_duration_is_configurable_and_named_in_the_message() -> None:
    config = StreakConfig(max_session_duration=timedelta(hours=4))
    raw = {**GOOD, "start": "2026-11-21T05:00:00Z", "end": "2026-11-21T09:30:00Z"}
    with pytest.raises(SessionRejected) as caught:
        parse_session(raw, NOW, config)
    assert "4 hours" in caught.value.issues[0].message


def test_nanosecond_fractions_are_truncated_not_rejected() -> None:
    assert parse_instant("2026-11-21T09:00:00.123456789Z").microsecond == 123456
