"""Session validation: each rule of DESIGN.md, with a specific code and a readable message."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from streak_core.domain.config import DEFAULT_CONFIG, StreakConfig
from streak_core.domain.sessions import SessionFields, SessionRejected, parse_instant, parse_session

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
GOOD = SessionFields("abc_DEF-123", "2026-11-21T09:00:00+01:00", "2026-11-21T10:00:00+01:00", "Europe/Paris")


def issues_of(raw: SessionFields, config: StreakConfig = DEFAULT_CONFIG) -> dict[str, str]:
    with pytest.raises(SessionRejected) as caught:
        parse_session(raw, NOW, config)
    return {issue.field: issue.code for issue in caught.value.issues}


def test_a_valid_session_parses_with_its_offsets_kept() -> None:
    s = parse_session(GOOD, NOW, DEFAULT_CONFIG)
    assert s.start == datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
    assert s.end - s.start == timedelta(hours=1)
    assert s.timezone == "Europe/Paris"


@pytest.mark.parametrize(
    "bad_id", ["", "x" * 129, "has space", "slash/id", "ünïcode", ".", "..", "__x__", "____"]
)
def test_session_id_must_be_1_to_128_safe_characters_and_storable(bad_id: str) -> None:
    assert issues_of(replace(GOOD, id=bad_id)) == {"id": "invalid_id"}


@pytest.mark.parametrize("good_id", ["a" * 128, "_", "__", "___", "__x", "x__", "_x_"])
def test_session_ids_that_only_look_reserved_are_accepted(good_id: str) -> None:
    assert parse_session(replace(GOOD, id=good_id), NOW, DEFAULT_CONFIG).id == good_id


@pytest.mark.parametrize(
    "bad_start",
    ["2026-11-21T09:00:00", "2026-11-21", "yesterday", "2026-13-01T00:00:00Z", "20261121T090000Z"],
)
def test_start_must_be_rfc3339_with_an_offset(bad_start: str) -> None:
    assert issues_of(replace(GOOD, start=bad_start)) == {"start": "invalid_instant"}


@pytest.mark.parametrize(
    "edge",
    [
        "9999-12-31T23:59:59-12:00",
        "0001-01-01T00:00:00+14:00",
        "1899-12-31T23:59:59Z",
        "2026-1\u0661-21T09:00:00Z",  # an Arabic-Indic digit one
    ],
)
def test_instants_outside_the_supported_range_or_with_other_digits_are_invalid(edge: str) -> None:
    with pytest.raises(ValueError, match=r"between 1900|RFC 3339"):
        parse_instant(edge)


def test_every_broken_rule_is_reported_at_once() -> None:
    raw = SessionFields("bad id", "then", "later", "Mars/Base")
    assert issues_of(raw) == {
        "id": "invalid_id",
        "start": "invalid_instant",
        "end": "invalid_instant",
        "timezone": "unknown_timezone",
    }


@pytest.mark.parametrize(
    "zone", ["Europe/Atlantis", "localtime", "posix/Europe/Paris", "right/UTC", "Factory", "", "/etc/passwd"]
)
def test_only_iana_zone_names_are_time_zones(zone: str) -> None:
    assert issues_of(replace(GOOD, timezone=zone)) == {"timezone": "unknown_timezone"}


def test_end_must_be_after_start() -> None:
    assert issues_of(replace(GOOD, end=GOOD.start)) == {"end": "end_not_after_start"}


def test_duration_over_24_hours_is_rejected_and_exactly_24_is_accepted() -> None:
    start = "2026-11-19T10:00:00Z"
    assert issues_of(replace(GOOD, start=start, end="2026-11-20T10:00:01Z")) == {"end": "too_long"}
    accepted = parse_session(replace(GOOD, start=start, end="2026-11-20T10:00:00Z"), NOW, DEFAULT_CONFIG)
    assert accepted.end - accepted.start == timedelta(hours=24)


def test_end_more_than_5_minutes_in_the_future_is_rejected() -> None:
    assert issues_of(replace(GOOD, end="2026-11-21T12:05:01Z")) == {"end": "in_future"}
    assert parse_session(replace(GOOD, end="2026-11-21T12:05:00Z"), NOW, DEFAULT_CONFIG)


def test_start_older_than_the_late_data_limit_is_rejected() -> None:
    raw = replace(GOOD, start="2026-10-22T11:59:59Z", end="2026-10-22T13:00:00Z")
    assert issues_of(raw) == {"start": "too_old"}


def test_late_data_limit_is_configurable() -> None:
    raw = replace(GOOD, start="2026-11-10T10:00:00Z", end="2026-11-10T11:00:00Z")
    assert issues_of(raw, StreakConfig(late_data_limit=timedelta(days=7))) == {"start": "too_old"}


def test_max_duration_is_configurable_and_named_in_the_message() -> None:
    config = StreakConfig(max_session_duration=timedelta(hours=4))
    raw = replace(GOOD, start="2026-11-21T05:00:00Z", end="2026-11-21T09:30:00Z")
    with pytest.raises(SessionRejected) as caught:
        parse_session(raw, NOW, config)
    assert "4 hours" in caught.value.issues[0].message


def test_nanosecond_fractions_are_truncated_not_rejected() -> None:
    assert parse_instant("2026-11-21T09:00:00.123456789Z").microsecond == 123456
