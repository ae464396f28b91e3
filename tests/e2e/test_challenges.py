"""Challenges on the emulators: every creation rule, listing by status, joining before and after activity,
completion rewarded once, the limits, private visibility, and participants at both ends of the clock."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from google.cloud import firestore

from tests.conftest import AuthEmulator
from tests.e2e.conftest import NOW, AppUser, admin_token, retried_like_the_app

pytestmark = pytest.mark.e2e
WEEK = {"starts_on": "2026-11-16", "ends_on": "2026-11-22"}


def challenge(user: AppUser, token: str | None = None, now: str = NOW, **fields: Any) -> dict[str, Any]:
    body = {"title": "Study sprint", "kind": "qualified_days", "target": 3, **WEEK, **fields}
    response = user.call("POST", "/v1/challenges", json=body, token=token, now=now)
    assert response.status_code == 201, response.text
    return dict(response.json()["challenge"])


def outbox_of(user: AppUser, kind: str) -> list[str]:
    query = user.firestore.collection("outbox").where(filter=firestore.FieldFilter("uid", "==", user.uid))
    return sorted(doc.id for doc in query.stream() if doc.get("kind") == kind)


def session(day: int, minutes: int = 60, sid: str | None = None) -> dict[str, str]:
    return {
        "id": sid or f"s{day}",
        "start": f"2026-11-{day:02d}T08:00:00Z",
        "end": f"2026-11-{day:02d}T{8 + minutes // 60:02d}:{minutes % 60:02d}:00Z",
        "timezone": "UTC",
    }


def test_creation_checks_every_rule_and_stores_nothing_it_refuses(
    app_user: AppUser, auth_emulator: AuthEmulator
) -> None:
    cases = {
        "before_starts_on": {"starts_on": "2026-11-25", "ends_on": "2026-11-24"},
        "window_too_long": {"starts_on": "2026-11-21", "ends_on": "2027-02-21"},  # 93 days
        "too_small": {"target": 0},
        "out_of_range": {"reward_xp": 1001, "visibility": "public"},
        "private_reward": {"reward_xp": 10},
        "in_past": {"starts_on": "2026-11-01", "ends_on": "2026-11-19"},  # over everywhere (21st, 00:00 UTC)
        "unreachable": {"target": 8},
        "invalid_title": {"title": "   "},
    }
    admin = admin_token(auth_emulator)
    for code, fields in cases.items():
        body = {"title": "Sprint", "kind": "qualified_days", "target": 3, **WEEK, **fields}
        response = app_user.call("POST", "/v1/challenges", json=body, token=admin)
        assert response.status_code == 422, (code, response.text)
        assert code in {d["code"] for d in response.json()["error"]["details"]}, (code, response.text)
    public = {"title": "Sprint", "kind": "qualified_days", "target": 3, **WEEK, "visibility": "public"}
    refused = app_user.call("POST", "/v1/challenges", json=public)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "forbidden"
    made = app_user.firestore.collection("challenges").where(
        filter=firestore.FieldFilter("created_by", "==", app_user.uid)
    )
    assert list(made.stream()) == []
    ninety_two = challenge(app_user, starts_on="2026-11-21", ends_on="2027-02-20")
    assert ninety_two["status"] == "active"
    assert ninety_two["visibility"] == "private"
    assert ninety_two["participants"] == 0


def test_a_completion_is_rewarded_once_under_retries_rebuilds_and_parallel_submissions(
    app_user: AppUser, auth_emulator: AuthEmulator
) -> None:
    admin = admin_token(auth_emulator)
    sprint = challenge(app_user, token=admin, visibility="public", reward_xp=100)
    app_user.focus_days(range(16, 18))  # before joining: counted all the same
    joined = app_user.call("POST", f"/v1/challenges/{sprint['id']}:join")
    assert joined.status_code == 200, joined.text
    assert joined.json()["me"] == {"joined": True, "progress": 2, "completed_at": None, "rank": 1}
    assert joined.json()["challenge"]["participants"] == 1
    xp_before = app_user.call("GET", "/v1/me/streak").json()["xp"]
    batch = {"sessions": [session(18), session(19)]}

    def submit(client: int) -> list[int]:
        """Three identical transactions contend: a 503 is sent again, as the app does."""
        return retried_like_the_app(lambda: app_user.call("POST", "/v1/sessions:batch", json=batch), client)

    with ThreadPoolExecutor(3) as pool:
        tries = list(pool.map(submit, range(3)))
    assert [t[-1] for t in tries] == [200] * 3, tries
    assert all(set(t[:-1]) <= {503} for t in tries), tries
    assert app_user.call("POST", "/v1/sessions:batch", json=batch).status_code == 200  # a retry
    streak = app_user.call("GET", "/v1/me/streak").json()
    assert streak["xp"] == xp_before + 2 * 10 + 100  # two qualified days, one reward
    assert outbox_of(app_user, "challenge_completed") == [
        f"{app_user.uid}:challenge_completed:{sprint['id']}"
    ]
    badges = {b["id"]: b for b in app_user.call("GET", "/v1/me/badges").json()["badges"]}
    assert badges["challenger"]["earned_at"] is not None
    detail = app_user.call("GET", f"/v1/challenges/{sprint['id']}").json()
    assert detail["me"]["progress"] == 3
    assert detail["me"]["completed_at"] is not None
    assert [row["user_id"] for row in detail["top"]] == [app_user.uid]
    again = app_user.call("POST", f"/v1/challenges/{sprint['id']}:join")
    assert again.status_code == 200
    assert again.json()["me"]["completed_at"] is not None
    left = app_user.call("POST", f"/v1/challenges/{sprint['id']}:leave")
    assert left.status_code == 409
    assert left.json()["error"]["code"] == "challenge_completed"
    rebuilt = app_user.call("POST", f"/v1/admin/users/{app_user.uid}:rebuild", token=admin)
    assert rebuilt.status_code == 200, rebuilt.text
    assert rebuilt.json()["changed"] is False
    # A corrupted read model loses the reward: the rebuild restores it from the membership, once.
    app_user.firestore.collection("streaks").document(app_user.uid).update({"challenge_rewards": {}})
    assert app_user.call("GET", "/v1/me/streak").json()["xp"] == xp_before + 20
    assert app_user.call("POST", f"/v1/admin/users/{app_user.uid}:rebuild", token=admin).json()["changed"]
    assert app_user.call("GET", "/v1/me/streak").json()["xp"] == xp_before + 120
    assert len(outbox_of(app_user, "challenge_completed")) == 1


def test_joining_after_the_end_and_past_ten_unfinished_challenges_is_refused(app_user: AppUser) -> None:
    over = challenge(app_user, starts_on="2026-11-16", ends_on="2026-11-21")
    ended = app_user.call("POST", f"/v1/challenges/{over['id']}:join", now="2026-11-22T00:30:00Z")
    assert ended.status_code == 409
    assert ended.json()["error"]["code"] == "challenge_ended"
    ids = [challenge(app_user, title=f"Sprint {n}")["id"] for n in range(11)]
    for challenge_id in ids[:10]:
        assert app_user.call("POST", f"/v1/challenges/{challenge_id}:join").status_code == 200
    refused = app_user.call("POST", f"/v1/challenges/{ids[10]}:join")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "too_many_challenges"
    assert app_user.call("POST", f"/v1/challenges/{ids[0]}:leave").status_code == 204
    assert app_user.call("POST", f"/v1/challenges/{ids[0]}:leave").status_code == 204  # not in it: no-op
    assert app_user.call("POST", f"/v1/challenges/{ids[10]}:join").status_code == 200
    assert app_user.call("GET", f"/v1/challenges/{ids[0]}").json()["challenge"]["participants"] == 0
    assert app_user.call("POST", "/v1/challenges/nope:join").status_code == 404


def test_private_challenges_are_listed_for_their_creator_and_participants_only(
    app_user: AppUser, api_url: str, auth_emulator: AuthEmulator, firestore_client: Any
) -> None:
    friend, stranger = (AppUser(api_url, *auth_emulator.sign_up(), firestore_client) for _ in range(2))
    running = challenge(app_user, title="Running")
    upcoming = challenge(app_user, title="Later", starts_on="2026-12-01", ends_on="2026-12-07")
    second = challenge(app_user, title="Also running", starts_on="2026-11-20", ends_on="2026-11-30")

    def listed(user: AppUser, status: str, **params: Any) -> list[str]:
        response = user.call("GET", "/v1/challenges", params={"status": status, **params})
        assert response.status_code == 200, response.text
        return [c["id"] for c in response.json()["challenges"]]

    assert running["id"] in listed(app_user, "active")
    assert upcoming["id"] not in listed(app_user, "active")
    assert upcoming["id"] in listed(app_user, "upcoming")
    assert running["id"] not in listed(friend, "active")
    assert friend.call("GET", f"/v1/challenges/{running['id']}").status_code == 200  # the id invites
    assert friend.call("POST", f"/v1/challenges/{running['id']}:join").status_code == 200
    assert running["id"] in listed(friend, "active")
    assert running["id"] not in listed(stranger, "active")
    assert running["id"] not in listed(app_user, "ended")
    later = app_user.call("GET", "/v1/challenges", params={"status": "ended"}, now="2026-11-24T00:00:00Z")
    assert running["id"] in [c["id"] for c in later.json()["challenges"]]
    mine = {running["id"], second["id"]}
    seen: list[str] = []
    cursor = None
    while True:  # one at a time: every active one exactly once, soonest to close first
        params = {"status": "active", "limit": 1, **({"cursor": cursor} if cursor else {})}
        page = app_user.call("GET", "/v1/challenges", params=params).json()
        seen += [c["id"] for c in page["challenges"] if c["id"] in mine]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [running["id"], second["id"]]
    wrong = app_user.call("GET", "/v1/challenges", params={"status": "ended", "cursor": cursor or "x"})
    assert wrong.status_code == 422


def test_participants_in_utc_plus_14_and_utc_minus_10_count_their_own_local_dates(
    api_url: str, auth_emulator: AuthEmulator, firestore_client: Any
) -> None:
    east, west = (AppUser(api_url, *auth_emulator.sign_up(), firestore_client) for _ in range(2))
    day = {"starts_on": "2026-11-20", "ends_on": "2026-11-20"}
    one_day = challenge(east, now="2026-11-19T09:00:00Z", kind="focus_minutes", target=30, **day)
    for user in (east, west):
        assert user.call("POST", f"/v1/challenges/{one_day['id']}:join", now="2026-11-19T09:00:00Z").ok
    # Sent once the day is over everywhere (late data still counts). Kiritimati's 21 November: not in it.
    east.post_session("2026-11-20T10:30:00Z", "2026-11-20T11:30:00Z", "Pacific/Kiritimati", "e-late")
    detail = east.call("GET", f"/v1/challenges/{one_day['id']}").json()
    assert detail["me"]["progress"] == 0
    # 00:00-00:40 on 20 November in Kiritimati (UTC+14) is 10:00-10:40 UTC on the 19th.
    east.post_session("2026-11-19T10:00:00Z", "2026-11-19T10:40:00Z", "Pacific/Kiritimati", "e1")
    # 22:00-22:40 on 20 November in Honolulu (UTC-10) is 08:00-08:40 UTC on the 21st.
    later = "2026-11-21T12:05:00Z"
    west.post_session("2026-11-21T08:00:00Z", "2026-11-21T08:40:00Z", "Pacific/Honolulu", "w1", now=later)
    detail = west.call("GET", f"/v1/challenges/{one_day['id']}").json()
    assert [(row["user_id"], row["rank"], row["progress"]) for row in detail["top"]] == [
        (east.uid, 1, 30),
        (west.uid, 2, 30),
    ]
    assert detail["me"]["rank"] == 2
    assert detail["me"]["completed_at"] is not None
    assert detail["challenge"]["participants"] == 2


def test_an_active_listing_stops_scanning_past_upcoming_ones_and_carries_a_cursor_on(
    app_user: AppUser,
) -> None:
    """Upcoming challenges closing before an active one are skipped at most SCAN_PAGES query pages a
    request: the page comes back short (here empty) with a cursor, and paging on still finds the active
    one."""
    soon = [
        challenge(app_user, title=f"Soon {n}", target=1, starts_on="2026-11-23", ends_on="2026-11-23")["id"]
        for n in range(9)
    ]
    running = challenge(app_user, title="Long", target=1, starts_on="2026-11-20", ends_on="2027-01-31")["id"]
    seen: list[str] = []
    short_with_cursor = 0
    cursor = None
    for _ in range(100):
        params = {"status": "active", "limit": 1, **({"cursor": cursor} if cursor else {})}
        response = app_user.call("GET", "/v1/challenges", params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(page["challenges"]) <= 1
        seen += [c["id"] for c in page["challenges"]]
        cursor = page["next_cursor"]
        short_with_cursor += not page["challenges"] and cursor is not None
        if cursor is None:
            break
    assert seen.count(running) == 1
    assert not set(soon) & set(seen)
    assert short_with_cursor >= 1
