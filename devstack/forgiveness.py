"""`make demo-forgiveness`: a fresh user breaks a 3-day streak, recovers it the next day with 60 minutes of
focus, then pauses a week and keeps the streak without a freeze. Replayed over past dates with `X-Now` and
maintenance ticks at chosen instants, against the running `make dev`; every step is printed and checked."""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import requests

from devstack.__main__ import require_running_stack
from devstack.tick import run_tick
from devstack.token import id_token

ZONE = "Europe/Paris"


class Walk:
    """The demo user's side of the API, at a chosen local time."""

    def __init__(self, info: dict[str, object], email: str) -> None:
        self.info = info
        token = id_token(str(info["auth_host"]), str(info["project_id"]), email, "demo-password", False)
        self.api, self.auth = str(info["api_url"]), {"Authorization": f"Bearer {token}"}
        self.problems: list[str] = []

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(ZONE))

    def call(self, method: str, path: str, now: datetime, body: Any = None) -> Any:
        response = requests.request(
            method,
            f"{self.api}{path}",
            json=body,
            headers={**self.auth, "X-Now": now.isoformat()},
            timeout=30,
        )
        print(f"  {method} {path} (at {now:%Y-%m-%d %H:%M} {ZONE}) → {response.status_code}")
        if response.status_code >= 400:
            raise SystemExit(f"unexpected answer: {response.text}")
        return response.json() if response.content else None

    def focus(self, day: date, hour: int, minutes: int) -> None:
        start = self.at(day, hour)
        end = start + timedelta(minutes=minutes)
        session = {
            "id": f"f-{start:%Y%m%d%H}",
            "start": start.isoformat(),
            "end": end.isoformat(),
            "timezone": ZONE,
        }
        self.call("POST", "/v1/sessions", end + timedelta(minutes=1), session)

    def tick(self, day: date) -> None:
        """Maintenance as Cloud Scheduler would run it, at 03:00 local on `day`."""
        run = run_tick(self.info, f"forgiveness-{uuid.uuid4().hex[:8]}", self.at(day, 3).isoformat(), 120)
        if run is None:
            raise SystemExit("the maintenance run did not end within 120 s")

    def expect(self, what: str, seen: object, wanted: object) -> None:
        mark = "ok" if seen == wanted else f"EXPECTED {wanted!r}"
        print(f"    {what}: {seen!r}  {mark}")
        if seen != wanted:
            self.problems.append(what)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days-ago", type=int, default=20, help="how far back the walk starts (max 25)")
    args = parser.parse_args()
    info = require_running_stack()
    walk = Walk(info, f"forgiveness-{uuid.uuid4().hex[:8]}@example.com")
    first = datetime.now(ZoneInfo(ZONE)).date() - timedelta(days=min(args.days_ago, 25))
    days = [first + timedelta(days=n) for n in range(15)]
    walk.call("PATCH", "/v1/me/settings", walk.at(days[0], 8), {"timezone": ZONE})

    print(f"1. Three days of focus, {days[0]} to {days[2]} (40 minutes each)")
    for day in days[:3]:
        walk.focus(day, 9, 40)
    streak = walk.call("GET", "/v1/me/streak", walk.at(days[2], 20))
    walk.expect("current_streak", streak["current_streak"], 3)

    print(f"2. Nothing on {days[3]}; maintenance closes it at 03:00 on {days[4]}")
    walk.tick(days[4])
    notes = walk.call("GET", "/v1/me/notifications", walk.at(days[4], 8))["notifications"]
    broken = next((n for n in notes if n["kind"] == "streak_broken"), None)
    walk.expect("streak_broken written", broken is not None, True)
    if broken:
        print(f"    its data: {json.dumps(broken['data'])}")
        walk.expect("recoverable_until", "recoverable_until" in broken["data"], True)
    streak = walk.call("GET", "/v1/me/streak", walk.at(days[4], 8))
    print(f"    recovery: {json.dumps(streak['recovery'])}")
    walk.expect("recovery.day", (streak["recovery"] or {}).get("day"), days[3].isoformat())
    walk.expect("recovery.seconds_needed", (streak["recovery"] or {}).get("seconds_needed"), 3600)

    print(f"3. 60 minutes of focus on {days[4]}: the streak is recovered")
    walk.focus(days[4], 10, 60)
    streak = walk.call("GET", "/v1/me/streak", walk.at(days[4], 12))
    walk.expect("current_streak", streak["current_streak"], 4)
    walk.expect("recoveries_used", streak["recoveries_used"], 1)
    walk.expect("recovery", streak["recovery"], None)
    print(f"    next_recovery_on: {streak['next_recovery_on']}")
    calendar = walk.call("GET", f"/v1/me/calendar?from={days[2]}&to={days[4]}", walk.at(days[4], 12))
    broken_day = next(d for d in calendar["days"] if d["date"] == days[3].isoformat())
    print(f"    {days[3]}: {json.dumps(broken_day)}")
    walk.expect(f"{days[3]} recovered", broken_day["recovered"], True)
    notes = walk.call("GET", "/v1/me/notifications", walk.at(days[4], 12))["notifications"]
    walk.expect("streak_recovered written", any(n["kind"] == "streak_recovered" for n in notes), True)

    print(f"4. Focus on {days[5]}, then a week's pause, {days[6]} to {days[12]}, set the same day")
    walk.focus(days[5], 9, 40)
    pause = walk.call(
        "POST", "/v1/me/pauses", walk.at(days[5], 20), {"from": str(days[6]), "to": str(days[12])}
    )
    print(f"    {json.dumps(pause['pause'])}")
    print(f"5. Maintenance at 03:00 on {days[13]} closes the paused week; focus again on {days[13]}")
    walk.tick(days[13])
    walk.focus(days[13], 9, 40)
    streak = walk.call("GET", "/v1/me/streak", walk.at(days[13], 20))
    walk.expect(
        "current_streak (3 + 1 + 1 + 1, bridged by a recovery and a pause)", streak["current_streak"], 6
    )
    walk.expect("freezes_available", streak["freezes_available"], 0)
    notes = walk.call("GET", "/v1/me/notifications", walk.at(days[13], 20))["notifications"]
    walk.expect("freeze_applied written", any(n["kind"] == "freeze_applied" for n in notes), False)
    walk.expect("streak_broken written since", sum(n["kind"] == "streak_broken" for n in notes), 1)
    calendar = walk.call("GET", f"/v1/me/calendar?from={days[6]}&to={days[12]}", walk.at(days[13], 20))
    walk.expect("paused days", sum(d["paused"] for d in calendar["days"]), 7)

    if walk.problems:
        print(f"Not as expected: {', '.join(walk.problems)}", file=sys.stderr)
        return 1
    print("Forgiveness walk-through: everything as expected.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
