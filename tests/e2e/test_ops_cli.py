"""The operator's command line as an operator runs it: a process against the emulators, its JSON lines on
stdout and its exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from devstack.stack import Stack
from streak_core.adapters.firestore.client import LazyFirestore
from streak_core.adapters.firestore.documents import PAUSE_DOC
from streak_core.adapters.firestore.rebuild import FirestoreRebuildStore
from streak_core.adapters.firestore.users import FirestoreUserStore
from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.sessions import SessionFields
from streak_core.models.streaks import Pause
from streak_core.services.sessions import accept_sessions
from tests.conftest import AuthEmulator
from tests.e2e.conftest import AppUser

pytestmark = pytest.mark.e2e
NOW = datetime.now(UTC)


def ops(env: dict[str, str], *args: str) -> tuple[int, list[dict[str, Any]], str]:
    """Run the command line; its exit code, the JSON lines it printed, and what it said on stderr."""
    done = subprocess.run(
        [sys.executable, "-m", "ops", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return done.returncode, lines, done.stderr


@pytest.fixture
def own_project(stack: Stack) -> tuple[dict[str, str], Any]:
    """A project of its own on the suite's Firestore emulator, so "every user" is just this test's."""
    project = f"demo-ops-{uuid.uuid4().hex[:8]}"
    env = {**stack.env(), "GOOGLE_CLOUD_PROJECT": project, "GCLOUD_PROJECT": project}
    from google.cloud import firestore

    return env, firestore.Client(project=project)


def seed(client: Any, uids: list[str]) -> None:
    """Users with a week of focus (and a recovered break), written by the real acceptance service."""
    users = FirestoreUserStore(LazyFirestore(None, factory=lambda _: client))
    today = NOW.date()
    for uid in uids:
        raws = []
        for back in (7, 6, 5, 3, 2, 1):  # the 4th day back is missed; a strong 3rd day back recovers it
            day = today - timedelta(days=back)
            minutes = 60 if back == 3 else 40
            start = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
            raws.append(
                SessionFields(
                    f"s{back}", start.isoformat(), (start + timedelta(minutes=minutes)).isoformat(), "UTC"
                )
            )
        accept_sessions(users, uid, raws, NOW, DEFAULT_CONFIG)


def test_rebuild_all_reports_no_difference_on_a_healthy_database_and_repairs_a_corrupted_user(
    own_project: tuple[dict[str, str], Any],
) -> None:
    env, client = own_project
    uids = [f"u{n}" for n in range(5)]
    seed(client, uids)
    code, lines, _ = ops(env, "rebuild", "--all", "--dry-run")
    assert code == 0
    summary = lines[-1]
    assert (summary["summary"], summary["users"], summary["users_changed"], summary["failed"]) == (
        "rebuild",
        5,
        0,
        {},
    )

    client.collection("streaks").document("u3").update({"qualified_days": 1, "recovered": []})
    code, lines, _ = ops(env, "rebuild", "--all", "--dry-run")
    assert (code, lines[-1]["users_changed"]) == (0, 1)
    code, lines, _ = ops(env, "rebuild", "--user", "u3")
    assert code == 0
    assert (lines[0]["uid"], lines[0]["changed"], lines[0]["after"]["qualified_days"]) == ("u3", True, 6)
    assert [type(lines[-1][k]) for k in ("users", "users_changed")] == [int, int]  # counts, not flags
    assert (lines[-1]["users"], lines[-1]["users_changed"]) == (1, 1)
    assert ops(env, "rebuild", "--all", "--dry-run")[1][-1]["users_changed"] == 0


def test_a_page_read_gives_each_user_exactly_what_their_own_transaction_reads(
    own_project: tuple[dict[str, str], Any],
) -> None:
    _, client = own_project
    seed(client, ["u1", "u10", "u2", "u20"])
    pause = Pause("p", NOW.date() + timedelta(days=2), NOW.date() + timedelta(days=4), NOW)
    client.collection("users").document("u1").collection("pauses").document("p").set(PAUSE_DOC.dump(pause))
    store = FirestoreRebuildStore(LazyFirestore(None, factory=lambda _: client))
    views = store.read_page(["u1", "u2"])  # u10 sorts between them, u20 just after: neither may leak in
    assert sorted(views) == ["u1", "u2"]
    for uid, view in views.items():
        mine = store.run_in_transaction(uid, lambda tx: tx.history(), read_only=True)
        assert view.history() == mine
    assert len(views["u1"].history().pauses) == 1
    assert {s.session.id for s in views["u2"].history().sessions} == {"s7", "s6", "s5", "s3", "s2", "s1"}


def test_bad_input_and_unknown_things_exit_non_zero(own_project: tuple[dict[str, str], Any]) -> None:
    env, _ = own_project
    assert ops(env, "rebuild")[0] == 2  # neither --user nor --all
    code, lines, _ = ops(env, "rebuild", "--user", "nobody")
    assert (code, lines[-1]["failed"]) == (1, {"nobody": "UserNotFound: No such user."})
    assert ops(env, "run-status", "no-such-run")[0] == 1
    assert ops(env, "grant-freezes", "--user", "nobody", "--count", "1")[0] == 1
    assert ops(env, "grant-freezes", "--user", "x", "--count", "9")[0] == 2
    start, end = (NOW - timedelta(hours=100)).isoformat(), (NOW - timedelta(hours=1)).isoformat()
    code, _, said = ops(env, "outage", "--start", start, "--end", end, "--reason", "too long")
    assert (code, "72 hours" in said) == (2, True)
    assert ops(env, "outage", "--start", "yesterday", "--end", end, "--reason", "x")[0] == 2


def test_freezes_outages_and_run_records_against_the_stack(
    app_user: AppUser, auth_emulator: AuthEmulator, stack: Stack
) -> None:
    env = stack.env()
    today = NOW.date()
    for back in (3, 2):
        day = today - timedelta(days=back)
        start = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
        response = app_user.post_session(
            start.isoformat(),
            (start + timedelta(minutes=40)).isoformat(),
            "UTC",
            f"o{back}",
            now=NOW.isoformat(),
        )
        assert response.status_code == 201, response.text
    code, lines, _ = ops(env, "grant-freezes", "--user", app_user.uid, "--count", "1")
    assert (code, lines) == (0, [{"user": app_user.uid, "freezes_available": 1}])

    yesterday = today - timedelta(days=1)
    start = datetime(yesterday.year, yesterday.month, yesterday.day, 10, tzinfo=UTC)
    window = ["--start", start.isoformat(), "--end", (start + timedelta(hours=2)).isoformat()]
    code, lines, _ = ops(env, "outage", *window, "--reason", "drill", "--dry-run")
    assert code == 0
    assert lines[0]["users_affected"] >= 1  # this user broke yesterday
    code, lines, _ = ops(env, "outage", *window, "--reason", "drill", "--timeout", "120")
    assert code == 0, lines
    run_id = lines[0]["run_id"]
    assert (lines[-1]["summary"], lines[-1]["status"], lines[-1]["users_failed"]) == ("run", "done", 0)
    code, lines, _ = ops(env, "run-status", run_id)
    assert (code, lines[0]["run_id"], lines[0]["status"]) == (0, run_id, "done")
    streak = app_user.call("GET", "/v1/me/streak", now=NOW.isoformat()).json()
    assert streak["current_streak"] == 2  # yesterday is excused: the run goes on to today
    code, lines, _ = ops(env, "replay-dead-letters", "--limit", "10")
    assert code == 0
    assert lines[0]["summary"] == "replay"


def test_recount_boards_rebuilds_a_lost_histogram(own_project: tuple[dict[str, str], Any]) -> None:
    env, client = own_project
    uids = [f"rc-{n}" for n in range(3)]
    seed(client, uids)
    histogram = client.collection("boards").document("all").collection("rank")
    before = sorted(d.id for d in histogram.stream())
    for doc in histogram.stream():
        doc.reference.delete()
    code, lines, _ = ops(env, "recount-boards", "--key", "all")
    assert (code, lines) == (0, [{"board": "all", "public_entries": 0}])  # users start friends-only
    client.collection("boards").document("all").collection("entries").document(uids[0]).update(
        {"visibility": "public"}
    )
    code, lines, _ = ops(env, "recount-boards", "--key", "all")
    assert lines == [{"board": "all", "public_entries": 1}]
    counted = {d.id: d.to_dict() for d in histogram.stream()}
    assert sum(1 for doc_id in counted if doc_id.startswith("tie-")) == 1
    assert (
        sum(n for doc_id, d in counted.items() if doc_id.startswith("blocks-") for n in d["c"].values()) == 1
    )
    assert before == []  # nothing public was counted before either
