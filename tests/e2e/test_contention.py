"""Five sessions of one user posted at the same moment (a phone retrying beside a watch): on the emulator
each used to wait out the others' lock timeouts (2-10 s, sometimes a 503 at 21 s); they now queue on the
instance and all are answered at once, each counted once."""

from __future__ import annotations

import threading
import time

import pytest
import requests

from tests.e2e.conftest import AppUser
from tests.unit.helpers import daily_bodies

pytestmark = pytest.mark.e2e
WRITERS = 5
BUDGET_SECONDS = 5.0  # the bound; a single session takes ~40 ms here


def test_five_concurrent_sessions_of_one_user_all_land_promptly_once_each(app_user: AppUser) -> None:
    start = threading.Barrier(WRITERS)
    answers: list[tuple[int, float]] = [(0, 0.0)] * WRITERS

    def post(n: int) -> None:
        body = daily_bodies("together-", "2026-11", range(16 + n, 17 + n))[0]
        headers = {"Authorization": f"Bearer {app_user.token}", "X-Now": "2026-11-21T12:00:00Z"}
        start.wait()
        began = time.monotonic()
        answer = requests.post(f"{app_user.api_url}/v1/sessions", json=body, headers=headers, timeout=60)
        answers[n] = (answer.status_code, time.monotonic() - began)

    threads = [threading.Thread(target=post, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print("five writers:", [(status, round(seconds, 2)) for status, seconds in answers])
    assert [status for status, _ in answers] == [201] * WRITERS
    assert max(seconds for _, seconds in answers) < BUDGET_SECONDS
    streak = app_user.call("GET", "/v1/me/streak", headers={"X-Now": "2026-11-21T12:00:00Z"}).json()
    assert (streak["current_streak"], streak["qualified_days"]) == (5, 5)  # no update lost, none doubled
