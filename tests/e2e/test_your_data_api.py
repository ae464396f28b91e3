"""The caller's data through the served functions: the log listed and a session deleted, the export
downloaded, the account deleted through the session-jobs queue, and orphans purged by the command line."""

from __future__ import annotations

import time
import uuid
from typing import Any

import firebase_admin
import pytest
import requests
from firebase_admin import auth

from devstack.stack import Stack
from streak_core.adapters.firestore.client import LazyFirestore
from streak_core.adapters.firestore.users import FirestoreUserStore
from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.ids import erasure_id
from streak_core.domain.sessions import SessionFields
from streak_core.services.sessions import accept_sessions
from tests.e2e.conftest import NOW, AppUser
from tests.e2e.test_ops_cli import ops
from tests.unit.helpers import daily_bodies

pytestmark = pytest.mark.e2e


def week(user: AppUser) -> None:
    sessions = daily_bodies("w", "2026-11", range(14, 21), end="08:40")
    assert user.call("POST", "/v1/sessions:batch", json={"sessions": sessions}).status_code == 200


def test_a_wrong_session_is_listed_deleted_and_every_projection_follows(app_user: AppUser) -> None:
    week(app_user)
    listed = app_user.call("GET", "/v1/me/sessions", params={"limit": 3}).json()
    assert [s["id"] for s in listed["sessions"]] == ["w20", "w19", "w18"]
    assert app_user.call("GET", "/v1/me/streak").json()["current_streak"] == 7
    assert app_user.call("DELETE", "/v1/me/sessions/w17").status_code == 204
    assert app_user.call("GET", "/v1/me/days/2026-11-17").json()["seconds"] == 0
    assert app_user.call("GET", "/v1/me/streak").json()["current_streak"] == 3
    again = app_user.post_session("2026-11-17T08:00:00Z", "2026-11-17T08:40:00Z", "UTC", "w17")
    assert (again.status_code, again.json()["error"]["code"]) == (409, "session_deleted")
    rebuild_says = app_user.firestore.collection("users").document(app_user.uid).collection("sessions")
    assert rebuild_says.document("w17").get().to_dict().keys() == {"id", "deleted_at"}  # a tombstone only


def test_the_export_downloads_as_one_json_document(app_user: AppUser) -> None:
    week(app_user)
    response = app_user.call("GET", "/v1/me/export")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    found = response.json()
    assert found["user_id"] == app_user.uid
    assert sorted(s["id"] for s in found["sessions"]) == [f"w{d}" for d in range(14, 21)]
    assert len(found["days"]) == 7


def test_deleting_the_account_erases_everything_through_the_queue(app_user: AppUser, stack: Stack) -> None:
    week(app_user)
    share = app_user.call("POST", "/v1/shares", json={}).json()["share"]
    assert requests.get(share["url"], timeout=10).status_code == 200
    response = app_user.call("DELETE", "/v1/me")
    assert response.status_code == 202, response.text
    job = response.json()["job"]
    assert response.headers["Location"] == f"/v1/jobs/{job['id']}"
    assert job["id"] == erasure_id(app_user.uid)
    assert requests.get(share["url"], timeout=10).status_code == 404  # the public page goes at once
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and app_user.call("GET", "/v1/me/streak").status_code != 401:
        time.sleep(0.5)
    assert app_user.call("GET", "/v1/me/streak").status_code == 401  # the account went last
    client = app_user.firestore
    receipt = client.collection("deletions").document(erasure_id(app_user.uid)).get()
    assert receipt.exists
    assert receipt.get("finished_at") is not None
    assert not client.collection("streaks").document(app_user.uid).get().exists
    assert list(client.collection("users").document(app_user.uid).collection("sessions").stream()) == []
    assert (
        not client.collection("boards")
        .document("all")
        .collection("entries")
        .document(app_user.uid)
        .get()
        .exists
    )


def test_purge_orphans_erases_the_users_whose_account_is_gone(stack: Stack) -> None:
    project = f"demo-orphans-{uuid.uuid4().hex[:8]}"
    env = {**stack.env(), "GOOGLE_CLOUD_PROJECT": project, "GCLOUD_PROJECT": project}
    from google.cloud import firestore

    client = firestore.Client(project=project)
    users = FirestoreUserStore(LazyFirestore(None, factory=lambda _: client))
    kept, orphan = f"kept-{uuid.uuid4().hex[:6]}", f"orphan-{uuid.uuid4().hex[:6]}"
    for uid in (kept, orphan):
        raw = SessionFields("s1", "2026-11-20T08:00:00Z", "2026-11-20T09:00:00Z", "UTC")
        accept_sessions(users, uid, [raw], datetime_now(), DEFAULT_CONFIG)
    app = firebase_admin.initialize_app(options={"projectId": project}, name=f"orphans-{project}")
    auth.create_user(uid=kept, app=app)  # the other one's account was deleted in the console
    code, lines, errors = ops(env, "purge-orphans")
    assert code == 0, errors
    assert lines[-1] == {"summary": "purge-orphans", "erased": 1}
    assert not client.collection("streaks").document(orphan).get().exists
    assert client.collection("streaks").document(kept).get().exists


def datetime_now() -> Any:
    from streak_core.domain.sessions import parse_instant

    return parse_instant(NOW)


def test_the_command_line_exports_a_user_and_erases_them(stack: Stack) -> None:
    project = f"demo-cli-data-{uuid.uuid4().hex[:8]}"
    env = {**stack.env(), "GOOGLE_CLOUD_PROJECT": project, "GCLOUD_PROJECT": project}
    from google.cloud import firestore

    client = firestore.Client(project=project)
    users = FirestoreUserStore(LazyFirestore(None, factory=lambda _: client))
    uid = f"cli-{uuid.uuid4().hex[:6]}"
    raw = SessionFields("s1", "2026-11-20T08:00:00Z", "2026-11-20T09:00:00Z", "UTC")
    accept_sessions(users, uid, [raw], datetime_now(), DEFAULT_CONFIG)
    code, lines, errors = ops(env, "export", "--user", uid)
    assert code == 0, errors
    [document] = lines
    assert ([s["id"] for s in document["sessions"]], document["user_id"]) == (["s1"], uid)
    code, lines, errors = ops(env, "delete-user", "--user", uid)
    assert (code, lines[-1]["erased"]) == (0, True), errors
    assert not client.collection("streaks").document(uid).get().exists
    assert ops(env, "export", "--user", "a/b")[0] == 2  # no user can have this id
