"""Share cards and links on the emulators, and the public page as headless Chromium (Debian's) shows it."""

from __future__ import annotations

import base64
import json
import struct
import subprocess
import time
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
import requests
import websocket

from devstack.tools import free_port
from tests.e2e.conftest import AppUser

pytestmark = pytest.mark.e2e
CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / ".artifacts"


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def shared(user: AppUser, **body: Any) -> dict[str, Any]:
    response = user.call("POST", "/v1/shares", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json()["share"])


@pytest.fixture
def named_user(app_user: AppUser) -> AppUser:
    patch = {"display_name": "Ada Lovelace"}
    assert app_user.call("PATCH", "/v1/me/settings", json=patch).status_code == 200
    app_user.focus_days(range(15, 22))
    return app_user


def test_the_card_is_1200_by_630_in_both_formats(named_user: AppUser) -> None:
    png = named_user.call("GET", "/v1/me/share-card")
    assert png.headers["Content-Type"] == "image/png"
    assert png_size(png.content) == (1200, 630)
    svg = named_user.call("GET", "/v1/me/share-card", params={"format": "svg"})
    root = ElementTree.fromstring(svg.content)
    assert (root.get("width"), root.get("height")) == ("1200", "630")
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "Ada Lovelace" in texts
    assert "7" in texts


def test_a_share_freezes_only_what_was_included_and_counts_opens_until_revoked(
    named_user: AppUser, api_url: str
) -> None:
    share = shared(named_user, include=["level"])
    assert len(share["id"]) >= 32  # 24 random bytes, URL-safe: 192 bits
    assert share["url"] == f"{api_url}/s/{share['id']}"
    assert share["image_url"] == f"{api_url}/s/{share['id']}.png"
    assert share["links"]["twitter"].startswith("https://twitter.com/intent/tweet?url=http")
    assert share["include"] == ["level"]
    page = requests.get(share["url"], timeout=10)
    assert page.status_code == 200
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert page.headers["Cache-Control"] == "public, max-age=300, s-maxage=0"  # the CDN revalidates each view
    assert "Ada" not in page.text  # the name was not included
    for tag in (
        f'<meta property="og:image" content="{share["image_url"]}">',
        '<meta property="og:image:width" content="1200">',
        '<meta property="og:image:height" content="630">',
        '<meta name="twitter:card" content="summary_large_image">',
    ):
        assert tag in page.text
    image = requests.get(share["image_url"], timeout=10)
    assert png_size(image.content) == (1200, 630)
    requests.get(share["url"], timeout=10)
    listed = named_user.call("GET", "/v1/shares").json()["shares"]
    assert [(s["id"], s["opens"]) for s in listed] == [(share["id"], 2)]  # page views, not image fetches
    assert named_user.call("DELETE", f"/v1/shares/{share['id']}").status_code == 204
    assert requests.get(share["url"], timeout=10).status_code == 404
    assert requests.get(share["image_url"], timeout=10).status_code == 404
    assert named_user.call("DELETE", f"/v1/shares/{share['id']}").status_code == 404
    assert named_user.call("GET", "/v1/shares").json()["shares"] == []


def test_someone_elses_share_cannot_be_revoked(named_user: AppUser, app_user_2: AppUser) -> None:
    share = shared(named_user)
    assert app_user_2.call("DELETE", f"/v1/shares/{share['id']}").status_code == 404
    assert requests.get(share["url"], timeout=10).status_code == 200


@pytest.fixture
def app_user_2(api_url: str, auth_emulator: Any, firestore_client: Any) -> AppUser:
    uid, token = auth_emulator.sign_up()
    return AppUser(api_url, uid, token, firestore_client)


class DevTools:
    """Headless Chromium driven over the DevTools protocol: navigate, evaluate, screenshot."""

    def __init__(self, profile: Path) -> None:
        port = free_port()  # never one the stack was given
        self.process = subprocess.Popen(
            [
                CHROMIUM,
                "--headless=new",
                "--no-sandbox",  # the suite runs as root in CI
                "--disable-gpu",
                "--no-first-run",
                f"--remote-debugging-port={port}",
                f"--user-data-dir={profile}",
                "--window-size=1280,900",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                pages = requests.get(f"http://127.0.0.1:{port}/json/list", timeout=2).json()
                target = next(p for p in pages if p["type"] == "page")
                break
            except (requests.RequestException, StopIteration, ValueError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        # No Origin header: Chromium refuses DevTools connections from web origins it was not told of.
        self.socket = websocket.create_connection(
            target["webSocketDebuggerUrl"], timeout=30, suppress_origin=True
        )
        self.next_id = 0

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                assert "error" not in message, message
                return dict(message["result"])

    def wait_for(self, event: str) -> None:
        while json.loads(self.socket.recv()).get("method") != event:
            pass

    def close(self) -> None:
        self.socket.close()
        self.process.terminate()
        self.process.wait(timeout=10)


def test_the_public_page_in_headless_chromium_shows_the_card(named_user: AppUser, tmp_path: Path) -> None:
    share = shared(named_user)
    browser = DevTools(tmp_path / "profile")
    try:
        browser.call("Page.enable")
        browser.call("Page.navigate", url=share["url"])
        browser.wait_for("Page.loadEventFired")
        seen = browser.call(
            "Runtime.evaluate",
            expression="[document.title, document.images[0].naturalWidth, document.images[0].naturalHeight,"
            " document.images[0].complete]",
            returnByValue=True,
        )["result"]["value"]
        shot = base64.b64decode(browser.call("Page.captureScreenshot", format="png")["data"])
    finally:
        browser.close()
    assert seen == ["Ada Lovelace's 7-day focus streak", 1200, 630, True]
    SCREENSHOTS.mkdir(exist_ok=True)
    (SCREENSHOTS / "share-page.png").write_bytes(shot)  # for a person to look at
    assert png_size(shot)[0] == 1280
