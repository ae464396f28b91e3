"""The caller's data through the API on fakes: the session log listed and a session deleted, the export."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.sessions import SessionFields
from streak_core.domain.vocabulary import ErasureStep, SessionStatus
from streak_core.errors import SessionNotFound
from streak_core.models.users import UserSettings
from streak_core.services.session_log import delete_session
from streak_core.services.sessions import accept_sessions
from tests.unit.fakes import InMemoryPauseStore, InMemoryRebuildStore, InMemoryUserStore, RecordingJobQueue
from tests.unit.helpers import daily_bodies
from tests.unit.test_api_http import call, deps

pytestmark = pytest.mark.unit


def session(n: int, day: int = 20, minutes: int = 40) -> dict[str, str]:
    return {
        "id": f"s{n}",
        "start": f"2026-11-{day:02d}T{8 + n:02d}:00:00Z",
        "end": f"2026-11-{day:02d}T{8 + n:02d}:{minutes:02d}:00Z",
        "timezone": "UTC",
    }


def posted(d: Any, *bodies: dict[str, str]) -> None:
    response = call(d, "POST", "/v1/sessions:batch", json={"sessions": list(bodies)})
    assert response.status_code == 200, response.get_json()
    assert {r["status"] for r in response.get_json()["results"]} == {201}


def test_the_log_is_listed_newest_first_a_page_at_a_time() -> None:
    d = deps()
    posted(d, *(session(n) for n in range(5)))
    first = call(d, "GET", "/v1/me/sessions", query_string={"limit": 2}).get_json()
    assert [s["id"] for s in first["sessions"]] == ["s4", "s3"]
    second = call(d, "GET", "/v1/me/sessions", query_string={"limit": 2, "cursor": first["next_cursor"]})
    assert [s["id"] for s in second.get_json()["sessions"]] == ["s2", "s1"]
    ranged = call(d, "GET", "/v1/me/sessions", query_string={"from": "2026-11-21", "to": "2026-11-21"})
    assert ranged.get_json() == {"sessions": [], "next_cursor": None}
    other = call(
        d, "GET", "/v1/me/sessions", query_string={"from": "2026-11-20", "cursor": first["next_cursor"]}
    )
    assert other.get_json()["error"]["code"] == "invalid_cursor"  # issued for another range


def test_a_deleted_session_leaves_the_day_and_the_streak_and_its_id_is_never_used_again() -> None:
    d = deps()
    posted(d, session(0, day=19), session(1, day=20), session(2, day=20))
    assert call(d, "GET", "/v1/me/days/2026-11-20").get_json()["seconds"] == 80 * 60
    assert call(d, "GET", "/v1/me/streak").get_json()["current_streak"] == 2
    assert call(d, "DELETE", "/v1/me/sessions/s2").status_code == 204
    day = call(d, "GET", "/v1/me/days/2026-11-20").get_json()
    assert (day["seconds"], day["qualified"], [s["id"] for s in day["sessions"]]) == (40 * 60, True, ["s1"])
    assert call(d, "DELETE", "/v1/me/sessions/s1").status_code == 204
    assert call(d, "GET", "/v1/me/days/2026-11-20").get_json()["seconds"] == 0
    streak = call(d, "GET", "/v1/me/streak").get_json()
    assert (streak["current_streak"], streak["qualified_days"]) == (0, 1)  # only the 19th is left
    assert call(d, "DELETE", "/v1/me/sessions/s1").status_code == 204  # again: nothing changes
    again = call(d, "POST", "/v1/sessions", json=session(1, day=20))
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "session_deleted")
    batch = call(d, "POST", "/v1/sessions:batch", json={"sessions": [session(1, day=20)]}).get_json()
    assert batch["results"][0]["status"] == 409
    assert batch["results"][0]["error"]["code"] == "session_deleted"
    missing = call(d, "DELETE", "/v1/me/sessions/never-sent")
    assert (missing.status_code, missing.get_json()["error"]["code"]) == (404, "session_not_found")
    assert [s["id"] for s in call(d, "GET", "/v1/me/sessions").get_json()["sessions"]] == ["s0"]


def test_the_export_is_one_json_document_with_every_part() -> None:
    d = deps()
    posted(d, *(session(n) for n in range(3)))
    call(d, "PATCH", "/v1/me/settings", json={"display_name": "Ada"})
    call(d, "POST", "/v1/me/devices", json={"token": "fcm:abc", "platform": "ios"})
    assert call(d, "POST", "/v1/me/league:join").status_code == 200
    friends, at = d.social.friends, datetime(2026, 11, 21, 12, tzinfo=UTC)
    friends.store.users.save_settings("u2", UserSettings(timezone="UTC"), at)  # type: ignore[attr-defined]
    friends.request("u2", "u1", at)
    friends.accept("u1", "u2", at)
    assert call(d, "POST", "/v1/friend-streaks", json={"user_id": "u2"}).status_code == 201
    response = call(d, "GET", "/v1/me/export")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="focus-export-u1.json"'
    found = json.loads(response.get_data())
    assert list(found) == [
        "exported_at",
        "user_id",
        "settings",
        "streak",
        "sessions",
        "days",
        "pauses",
        "badges",
        "challenges",
        "friends",
        "friend_requests",
        "friend_streaks",
        "devices",
        "notifications",
        "shares",
        "leagues",
    ]
    assert found["user_id"] == "u1"
    assert found["settings"]["display_name"] == "Ada"
    assert sorted(s["id"] for s in found["sessions"]) == ["s0", "s1", "s2"]
    assert [(day["date"], day["seconds"]) for day in found["days"]] == [("2026-11-20", 120 * 60)]
    assert found["devices"][0]["token"] == "fcm:abc"
    [pair] = found["friend_streaks"]
    assert (pair["status"], pair["invited_by"], pair["friend"]["user_id"]) == ("invited", "u1", "u2")
    assert len(found["badges"]) == 15
    [week] = found["leagues"]
    assert (week["week"], week["tier"], week["outcome"]) == ("2026-W47", "bronze", None)
    assert week["seconds"] == 120 * 60  # the week's focus before the join counts


# --- deletions join the order-independence properties --------------------------------------------------
START = datetime(2026, 11, 2, tzinfo=UTC)
NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)
POOL = [
    SessionFields(
        f"p{n}",
        (START + timedelta(hours=7 * n)).isoformat(),
        (START + timedelta(hours=7 * n, minutes=25 + 9 * (n % 5))).isoformat(),
        ("UTC", "Europe/Paris", "America/New_York")[n % 3],
    )
    for n in range(40)
]


def projections(users: InMemoryUserStore, uid: str) -> object:
    """What a user's sessions made: days, the streak's facts and counters, board scores."""
    user = users.users[uid]
    streak = user.streak
    days = {d: r.state.seconds for d, r in user.days.items() if r.state.seconds}
    scores = {k: b[uid].score for k, b in users.boards.items() if uid in b}
    return (
        days,
        streak.state.qualified_days,
        streak.state.longest_streak,
        list(streak.state.q_starts),
        scores,
    )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["add", "delete"]), st.integers(0, 39)), min_size=1, max_size=60),
)
def test_any_order_of_adds_duplicates_and_deletions_gives_the_state_of_the_surviving_sessions(
    steps: list[tuple[str, int]],
) -> None:
    users = InMemoryUserStore()
    rebuilds = InMemoryRebuildStore(users, InMemoryPauseStore(users))
    sent: set[int] = set()
    deleted: set[int] = set()
    for action, n in steps:
        if action == "add":
            [item] = accept_sessions(users, "u", [POOL[n]], NOW, DEFAULT_CONFIG).items
            wanted = SessionStatus.DUPLICATE if n in sent else SessionStatus.CREATED
            assert item.status is (SessionStatus.DELETED if n in deleted else wanted)
            sent.add(n)
        elif n in sent:
            delete_session(rebuilds, "u", POOL[n].id, NOW, DEFAULT_CONFIG)
            deleted.add(n)
        else:
            with pytest.raises(SessionNotFound):
                delete_session(rebuilds, "u", POOL[n].id, NOW, DEFAULT_CONFIG)
    surviving = sorted(sent - deleted)
    fresh = InMemoryUserStore()
    if surviving:
        accept_sessions(fresh, "u", [POOL[n] for n in surviving], NOW, DEFAULT_CONFIG)
    if "u" in users.users:
        expected = projections(fresh, "u") if surviving else ({}, 0, 0, [], {})
        assert projections(users, "u") == expected


def test_an_import_brings_old_history_into_the_streak_silently_and_leaves_closed_boards_alone() -> None:
    d = deps()
    call(d, "PATCH", "/v1/me/settings", json={"leaderboard_visibility": "public", "timezone": "UTC"})
    old = daily_bodies("old-", "2025-03", range(1, 11))
    assert call(d, "POST", "/v1/admin/users/u1/sessions:import", json={"sessions": old}).status_code == 403
    response = call(
        d, "POST", "/v1/admin/users/u1/sessions:import", token="admin:ops", json={"sessions": old}
    )
    assert response.status_code == 200, response.get_json()
    assert [r["status"] for r in response.get_json()["results"]] == [201] * 10
    assert response.get_json()["streak"]["longest_streak"] == 10
    again = call(d, "POST", "/v1/admin/users/u1/sessions:import", token="admin:ops", json={"sessions": old})
    assert [r["status"] for r in again.get_json()["results"]] == [200] * 10  # idempotent by id
    boards = d.sessions.store.boards  # type: ignore[attr-defined]  # the fake's boards
    assert boards["all"]["u1"].score == 10
    assert not [key for key in boards if key != "all"]  # the weeks and month of 2025-03 are closed
    assert d.sessions.store.outbox == {}  # type: ignore[attr-defined]  # a migration tells nobody
    too_late = call(d, "POST", "/v1/sessions", json={**old[0], "id": "live-old"})
    assert too_late.status_code == 422  # the API's own acceptance keeps its late-data limit


def test_deleting_the_account_erases_it_and_its_token_is_refused_after() -> None:
    d = deps()
    posted(d, session(0))
    call(d, "POST", "/v1/shares", json={})
    queued = call(d, "DELETE", "/v1/me")
    assert queued.status_code == 204  # no queue here: the erasure ran in the request
    eraser = d.data.eraser
    assert eraser.steps[:1] == [ErasureStep.SHARES]  # type: ignore[attr-defined]  # the shares first
    assert d.data.store.users.get("u1") is None  # type: ignore[attr-defined]
    assert call(d, "GET", "/v1/me/streak").status_code == 401
    assert d.data.verifier.forgotten == ["u1"]  # type: ignore[union-attr]


def test_with_a_queue_the_erasure_is_a_job_to_follow_and_the_same_request_again_is_the_same_job() -> None:
    queue = RecordingJobQueue()
    d = deps(job_queue=queue)
    posted(d, session(0))
    first = call(d, "DELETE", "/v1/me")
    assert first.status_code == 202
    job = first.get_json()["job"]
    assert first.headers["Location"] == f"/v1/jobs/{job['id']}"
    assert job["status"] == "running"
    assert call(d, "DELETE", "/v1/me").get_json()["job"]["id"] == job["id"]
    assert queue.erasures == ["u1", "u1"]  # one task: the queue keeps one per name (the receipt)
    followed = call(d, "GET", f"/v1/jobs/{job['id']}")
    assert (followed.status_code, followed.get_json()["job"]["status"]) == (200, "running")
    assert call(d, "GET", f"/v1/jobs/{job['id']}", token="token:u2").status_code == 404  # not theirs
