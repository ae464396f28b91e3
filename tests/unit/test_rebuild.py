"""Rebuilding a user's projections from the session log and the recorded facts, with fakes of the stores."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import flask
import pytest

from functions.api.pipeline import handle
from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.runs import ordinals
from streak_core.domain.sessions import SessionFields
from streak_core.errors import UserNotFound
from streak_core.services.admin import grant_freezes
from streak_core.services.rebuild import rebuild_user, screen_users
from streak_core.services.sessions import accept_sessions
from tests.unit.fakes import InMemoryPauseStore, InMemoryRebuildStore, InMemoryUserStore, api_dependencies

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)
app = flask.Flask(__name__)


def world() -> tuple[InMemoryUserStore, InMemoryRebuildStore]:
    users = InMemoryUserStore()
    return users, InMemoryRebuildStore(users, InMemoryPauseStore(users))


def focus(users: InMemoryUserStore, uid: str, days: list[int], minutes: int = 40) -> None:
    raws = []
    for d in days:
        start = datetime(2026, 11, d, 9, tzinfo=UTC)
        end = start + timedelta(minutes=minutes)
        raws.append(SessionFields(f"s{d}", start.isoformat(), end.isoformat(), "UTC"))
    accept_sessions(users, uid, raws, NOW, DEFAULT_CONFIG)


def stored(users: InMemoryUserStore, uid: str) -> object:
    """What the user's projections hold, but the days version (which a rebuild that changes days moves on,
    so that no cached calendar outlives it)."""
    user = users.users[uid]
    boards = {k: b.get(uid) for k, b in users.boards.items()}
    return copy.deepcopy((replace(user.streak, days_version=0), user.days, boards))


def test_a_healthy_user_rebuilds_to_exactly_what_is_stored() -> None:
    users, rebuilds = world()
    focus(users, "ada", [10, 11, 12, 15])
    focus(users, "ada", [14], minutes=60)  # a strong 14th recovers the 13th
    report = rebuild_user(rebuilds, "ada", NOW, DEFAULT_CONFIG, dry_run=False)
    assert (report.changed, report.days_changed, report.boards_changed) == (False, 0, 0)
    assert report.before == report.after
    assert report.after.recoveries_used == 1


def test_a_corrupted_read_model_is_reported_then_restored_exactly() -> None:
    users, rebuilds = world()
    focus(users, "ada", [10, 11, 12, 14, 15, 16])
    healthy = stored(users, "ada")
    user = users.users["ada"]
    user.streak.state.qualified_days = 99
    user.streak.state.lengths = ordinals([1, 1])
    del user.days[date(2026, 11, 14)]
    user.days[date(2026, 11, 15)].state.focus_ms = 1
    users.boards["all"]["ada"] = users.boards["all"]["ada"].__class__("ada", 1, 1, NOW)
    dry = rebuild_user(rebuilds, "ada", NOW, DEFAULT_CONFIG, dry_run=True)
    assert (dry.changed, dry.days_changed, dry.boards_changed) == (True, 2, 1)
    assert (dry.before.qualified_days, dry.after.qualified_days) == (99, 6)
    assert stored(users, "ada") != healthy  # a dry run writes nothing
    rebuild_user(rebuilds, "ada", NOW, DEFAULT_CONFIG, dry_run=False)
    assert stored(users, "ada") == healthy
    assert not rebuild_user(rebuilds, "ada", NOW, DEFAULT_CONFIG, dry_run=True).changed


def test_freezes_frozen_and_excused_days_are_facts_a_rebuild_keeps() -> None:
    users, rebuilds = world()
    focus(users, "ada", [10, 11, 12, 15, 16])
    state = users.users["ada"].streak.state
    state.freezes_available = 2
    state.apply_freeze(date(2026, 11, 13), DEFAULT_CONFIG)
    state.excuse(date(2026, 11, 14), DEFAULT_CONFIG)
    healthy = stored(users, "ada")
    assert not rebuild_user(rebuilds, "ada", NOW, DEFAULT_CONFIG, dry_run=False).changed
    assert stored(users, "ada") == healthy
    assert users.users["ada"].streak.state.current_streak(date(2026, 11, 16)) == 5


def test_a_freeze_on_a_day_the_sessions_qualify_comes_back() -> None:
    users, rebuilds = world()
    focus(users, "ada", [10, 11, 12, 13])
    state = users.users["ada"].streak.state
    state.freezes_available = 0
    state.frozen = [date(2026, 11, 12).toordinal()]  # a corrupted model: a qualified day marked frozen
    report = rebuild_user(rebuilds, "ada", NOW, DEFAULT_CONFIG, dry_run=False)
    assert (report.before.freezes_available, report.after.freezes_available) == (0, 1)
    assert users.users["ada"].streak.state.frozen == []


def test_an_unknown_user_cannot_be_rebuilt_or_given_freezes() -> None:
    users, rebuilds = world()
    with pytest.raises(UserNotFound):
        rebuild_user(rebuilds, "nobody", NOW, DEFAULT_CONFIG, dry_run=True)
    with pytest.raises(UserNotFound):
        grant_freezes(users, "nobody", 1, DEFAULT_CONFIG)


def admin_call(method: str, path: str, token: str = "admin:ops", **kwargs: object) -> flask.Response:
    with app.test_request_context(
        path, method=method, headers={"Authorization": f"Bearer {token}"}, **kwargs
    ):  # type: ignore[arg-type]
        return handle(flask.request, DEPS)


DEPS = api_dependencies(NOW)


def test_admins_give_freezes_up_to_the_cap() -> None:
    focus(DEPS.admin.store, "bob", [10])  # type: ignore[arg-type]
    assert admin_call("POST", "/v1/admin/users/bob/freezes", json={"count": 5}).get_json() == {
        "freezes_available": DEFAULT_CONFIG.max_freezes_held
    }
    assert (
        admin_call("POST", "/v1/admin/users/bob/freezes", token="token:bob", json={"count": 1}).status_code
        == 403
    )
    assert admin_call("POST", "/v1/admin/users/nobody/freezes", json={"count": 1}).status_code == 404
    assert admin_call("POST", "/v1/admin/users/bob/freezes", json={"count": 6}).status_code == 422


def test_admins_rebuild_over_http_with_a_dry_run() -> None:
    focus(DEPS.admin.store, "cy", [10, 11])  # type: ignore[arg-type]
    report = admin_call("POST", "/v1/admin/users/cy:rebuild?dry_run=true").get_json()
    assert {k: report[k] for k in ("uid", "dry_run", "changed", "days_changed")} == {
        "uid": "cy",
        "dry_run": True,
        "changed": False,
        "days_changed": 0,
    }
    assert report["after"]["qualified_days"] == 2
    assert admin_call("POST", "/v1/admin/users/__x__:rebuild").status_code == 404


def test_a_page_screen_reads_the_page_once_and_writes_nothing() -> None:
    users, rebuilds = world()
    for uid in ("ada", "bob", "cy"):
        focus(users, uid, [10, 11, 12])
    users.users["bob"].streak.state.qualified_days = 99
    before = stored(users, "bob")
    screened = screen_users(rebuilds, ["ada", "bob", "cy", "nobody"], NOW, DEFAULT_CONFIG)
    reports = {uid: check() for uid, check in screened.items()}
    assert {uid: r.changed for uid, r in reports.items()} == {"ada": False, "bob": True, "cy": False}
    assert all(r.dry_run for r in reports.values())
    assert rebuilds.page_reads == [["ada", "bob", "cy", "nobody"]]
    assert stored(users, "bob") == before
