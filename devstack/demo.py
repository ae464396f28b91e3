"""`make demo`: a demo user with a phone reaches a 7-day streak from a week of late sessions; the milestone
push is shown as the FCM capture server receives it (`make dev` prints it too, and the webhook deliveries
of the stack's receiver, which the demo registers as an endpoint)."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime, timedelta

import requests

from devstack.__main__ import require_running_stack
from devstack.token import id_token


def subscribe(info: dict[str, object], api: str) -> None:
    """The stack's webhook receiver as an endpoint for every event (once), so `make dev` prints them."""
    hook_url = info.get("hook_url")
    if not hook_url:
        return
    ops = id_token(str(info["auth_host"]), str(info["project_id"]), "demo-ops@example.com", "demo-ops", True)
    headers, url = {"Authorization": f"Bearer {ops}"}, f"{hook_url}/in"
    listed = requests.get(f"{api}/v1/admin/webhooks", headers=headers, timeout=30).json()
    if any(hook["url"] == url for hook in listed.get("webhooks", [])):
        return
    made = requests.post(
        f"{api}/v1/admin/webhooks", json={"url": url, "events": ["*"]}, headers=headers, timeout=30
    )
    if made.status_code == 201:
        secret = made.json()["webhook"]["secret"]
        requests.post(f"{hook_url}/_control/secret", json={"secret": secret}, timeout=10)
        print(f"webhook endpoint {url} registered: `make dev` prints each delivery")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--email", default="demo@example.com")
    parser.add_argument("--password", default="demo-password")
    parser.add_argument("--wait", type=float, default=60.0, help="seconds to wait for the push")
    args = parser.parse_args()
    info = require_running_stack()
    token = id_token(str(info["auth_host"]), str(info["project_id"]), args.email, args.password, False)
    api, auth = str(info["api_url"]), {"Authorization": f"Bearer {token}"}
    subscribe(info, api)
    device = f"demo-phone-{args.email}"
    requests.post(
        f"{api}/v1/me/devices", json={"token": device, "platform": "android"}, headers=auth, timeout=30
    )

    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    sessions = [
        {
            "id": f"demo-{day:%Y-%m-%d}",
            "start": f"{day:%Y-%m-%d}T00:05:00Z",
            "end": f"{day:%Y-%m-%d}T00:50:00Z",
            "timezone": "UTC",
        }
        for day in (today - timedelta(days=n) for n in range(7, 0, -1))  # the last 7 full days
    ]
    response = requests.post(
        f"{api}/v1/sessions:batch", json={"sessions": sessions}, headers=auth, timeout=30
    )
    print(f"POST /v1/sessions:batch → {response.status_code}")
    streak = requests.get(f"{api}/v1/me/streak", headers=auth, timeout=30).json()
    print(f"current streak: {streak.get('current_streak')} days")
    if info.get("web_url"):
        print(f"dashboard: {info['web_url']} — sign in as {args.email} / {args.password}")

    deadline = time.monotonic() + args.wait
    while time.monotonic() < deadline:
        captured = requests.get(f"{info['fcm_url']}/captured", params={"token": device}, timeout=10).json()
        if captured["messages"]:
            for message in captured["messages"]:
                note = message["message"]["notification"]
                print(f"push arrived at the FCM capture server: {note['title']} — {note['body']}")
            return 0
        time.sleep(0.5)
    print("No push arrived (it is sent once per milestone: already sent for this user?)", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
