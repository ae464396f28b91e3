"""Print an ID token for a demo user of the running local stack (signs the user up the first time)."""

from __future__ import annotations

import argparse
import json
import sys

import requests

from devstack.__main__ import require_running_stack

API_KEY = "demo-key"  # the Auth emulator accepts any key


def id_token(auth_host: str, project_id: str, email: str, password: str, admin: bool) -> str:
    base = f"http://{auth_host}/identitytoolkit.googleapis.com/v1"
    credentials = {"email": email, "password": password, "returnSecureToken": True}
    response = requests.post(
        f"{base}/accounts:signInWithPassword?key={API_KEY}", json=credentials, timeout=10
    )
    if response.status_code != 200:
        response = requests.post(f"{base}/accounts:signUp?key={API_KEY}", json=credentials, timeout=10)
        response.raise_for_status()
    if admin:
        uid = response.json()["localId"]
        requests.post(
            f"{base}/projects/{project_id}/accounts:update",
            json={"localId": uid, "customAttributes": json.dumps({"admin": True})},
            headers={"Authorization": "Bearer owner"},
            timeout=10,
        ).raise_for_status()
        response = requests.post(
            f"{base}/accounts:signInWithPassword?key={API_KEY}", json=credentials, timeout=10
        )
        response.raise_for_status()
    return str(response.json()["idToken"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--email", default="demo@example.com")
    parser.add_argument("--password", default="demo-password")
    parser.add_argument("--admin", action="store_true", help="give the user the admin claim")
    args = parser.parse_args()
    info = require_running_stack()
    print(id_token(str(info["auth_host"]), str(info["project_id"]), args.email, args.password, args.admin))
    return 0


if __name__ == "__main__":
    sys.exit(main())
