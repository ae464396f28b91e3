"""Outages: the days they excuse, freezes given back, and the admin route that records them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import flask

from functions.api.pipeline import handle
from streak_core.domain.config import StreakConfig
from streak_core.domain.outages import excuse_outage, local_days
from streak_core.domain.streaks import StreakState
from tests.unit.fakes import InMemoryOutageStore, RecordingTicks, api_dependencies

CONFIG = StreakConfig()
D0 = date(2026, 11, 1)
app = flask.Flask(__name__)


def day(n: int) -> date:
    return D0 + timedelta(days=n)


def at(n: int, hour: int = 0) -> datetime:
    return datetime(2026, 11, 1 + n, hour, tzinfo=UTC)


def history(*ns: int, freezes: int = 0) -> StreakState:
    state = StreakState(freezes_available=freezes)
    for n in ns:
        state.add_qualified(day(n), CONFIG)
    return state


def test_the_days_a_window_overlaps_are_the_users_local_days() -> None:
    window = (at(3, 22), at(4, 3))  # 22:00 on the 4th to 03:00 on the 5th, UTC
    assert local_days(*window, "UTC") == [day(3), day(4)]
    assert local_days(*window, "Asia/Tokyo") == [day(4)]  # 07:00 to 12:00 on the 5th there
    assert local_days(at(3), at(4), "UTC") == [day(3)]  # the end is excluded


def test_a_day_that_broke_a_run_is_excused_and_the_run_goes_on() -> None:
    state = history(0, 1, 2, 4)
    assert excuse_outage(state, at(3), at(4), "UTC", CONFIG) == [day(3)]
    assert state.current_streak(day(4)) == 4


def test_a_spent_freeze_comes_back() -> None:
    state = history(0, 1, 2, freezes=1)
    state.apply_freeze(day(3), CONFIG)
    assert excuse_outage(state, at(3), at(4), "UTC", CONFIG) == [day(3)]
    assert (state.freezes_available, state.is_frozen(day(3)), state.is_excused(day(3))) == (1, False, True)


def test_each_day_of_a_long_outage_that_the_break_moves_to_is_excused() -> None:
    state = history(0, 1, 2)
    assert excuse_outage(state, at(3), at(6), "UTC", CONFIG) == [day(3), day(4), day(5)]
    assert state.current_streak(day(6)) == 3


def test_a_used_recovery_is_given_back() -> None:
    state = history(0, 1, 2, 4)
    state.add_strong(day(4), CONFIG)
    assert state.is_recovered(day(3))
    assert excuse_outage(state, at(3), at(4), "UTC", CONFIG) == [day(3)]
    assert (state.is_recovered(day(3)), state.recovered) == (False, [])


def test_days_with_nothing_lost_stay_as_they_are_and_twice_is_once() -> None:
    state = history(0, 1, 2, 3)
    assert excuse_outage(state, at(1), at(3), "UTC", CONFIG) == []  # qualified days lose nothing
    assert excuse_outage(history(5), at(1), at(3), "UTC", CONFIG) == []  # no run to break
    broken = history(0, 1)
    assert excuse_outage(broken, at(2), at(3), "UTC", CONFIG) == [day(2)]
    assert excuse_outage(broken, at(2), at(3), "UTC", CONFIG) == []


NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)


def admin(deps: Any, body: dict[str, object]) -> flask.Response:
    headers = {"Authorization": "Bearer admin:ops"}
    with app.test_request_context("/v1/admin/outages", method="POST", headers=headers, json=body):
        return handle(flask.request, deps)


def test_recording_an_outage_stores_it_and_starts_its_run() -> None:
    deps = api_dependencies(NOW)
    body = {"start": "2026-11-20T22:00:00Z", "end": "2026-11-21T03:00:00Z", "reason": "db down"}
    response = admin(deps, body)
    assert response.status_code == 202
    answer = response.get_json()
    outage_id = answer["outage"]["id"]
    assert answer["run_id"] == f"outage-{outage_id}"
    outages: InMemoryOutageStore = deps.admin.outages  # type: ignore[assignment]
    ticks: RecordingTicks = deps.admin.ticks  # type: ignore[assignment]
    assert outages.get(outage_id) is not None
    assert [(t.run_id, t.outage_id) for t in ticks.ticks] == [(answer["run_id"], outage_id)]


def test_a_dry_run_counts_the_users_affected_and_writes_nothing() -> None:
    deps = api_dependencies(NOW)
    users = deps.admin.store
    for uid, days in (("broke", (17, 18, 19)), ("fine", (18, 19, 20)), ("gone", (1, 2))):
        state = users.snapshot(uid, (), ()).streak  # type: ignore[union-attr]
        for n in days:
            state.state.add_qualified(date(2026, 11, n), CONFIG)
        users.users[uid].streak = state  # type: ignore[attr-defined]
    body = {"start": "2026-11-20T10:00:00Z", "end": "2026-11-20T12:00:00Z", "reason": "x", "dry_run": True}
    response = admin(deps, body)
    assert (response.status_code, response.get_json()) == (200, {"users_affected": 1})
    assert not users.users["broke"].streak.state.excused  # type: ignore[attr-defined]
    assert deps.admin.ticks.ticks == []  # type: ignore[attr-defined]


def test_an_outage_longer_than_72_hours_or_not_over_is_422() -> None:
    deps = api_dependencies(NOW)
    for start, end, field in (
        ("2026-11-17T00:00:00Z", "2026-11-20T00:00:01Z", "end"),
        ("2026-11-21T11:00:00Z", "2026-11-21T13:00:00Z", "end"),
        ("2026-11-21T11:00:00Z", "2026-11-21T10:00:00Z", "end"),
        ("yesterday", "2026-11-21T10:00:00Z", "start"),
    ):
        response = admin(deps, {"start": start, "end": end, "reason": "x"})
        assert response.status_code == 422, (start, end)
        assert field in [d["field"] for d in response.get_json()["error"]["details"]]
