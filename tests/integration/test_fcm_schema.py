"""Pushes judged by FCM v1's own schema (its discovery document): the capture server refuses what FCM
would, and every message our adapter sends is one FCM accepts, with the APNs and Android fields we set."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from typing import Any

import pytest
import requests

from devstack.fcm_capture import Capture, handler_for
from streak_core.adapters.fcm_push import ANDROID_CHANNEL, FcmPushSender
from streak_core.ports.notifications import DeliveryError

pytestmark = pytest.mark.integration
PROJECT = "demo-fcm-schema"


@pytest.fixture
def fcm() -> Iterator[tuple[str, Capture]]:
    capture = Capture()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(capture))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", capture
    finally:
        server.shutdown()
        server.server_close()


def send(url: str, message: dict[str, Any]) -> requests.Response:
    return requests.post(f"{url}/v1/projects/{PROJECT}/messages:send", json={"message": message}, timeout=10)


def test_what_our_adapter_sends_is_what_fcm_accepts_with_sound_and_channel(fcm: tuple[str, Capture]) -> None:
    url, capture = fcm
    outcome = FcmPushSender(PROJECT, url).send(
        ("device-a", "unregistered-b"),
        "7 days!",
        "Your streak is a week old.",
        {"kind": "milestone", "days": "7"},
    )
    assert (outcome.delivered, outcome.invalid_tokens) == (1, ("unregistered-b",))
    assert capture.refused == []
    (kept,) = capture.messages
    message = kept["message"]
    assert message["token"] == "device-a"
    assert message["data"] == {"kind": "milestone", "days": "7"}
    assert message["android"]["notification"]["channel_id"] == ANDROID_CHANNEL
    assert message["android"]["notification"]["sound"] == "default"
    assert message["apns"]["payload"]["aps"]["sound"] == "default"


@pytest.mark.parametrize(
    ("message", "says"),
    [
        ({"token": "t", "notification": {"title": "a", "subtitle": "b"}}, "Unknown name 'subtitle'"),
        ({"token": "t", "data": {"days": 7}}, "TYPE_STRING"),
        ({"token": "t", "android": {"notification": {"channel": "streaks"}}}, "Unknown name 'channel'"),
        ({"token": "t", "apns": {"headers": {"apns-priority": 10}}}, "TYPE_STRING"),
        ({"token": "t", "android": {"priority": "urgent"}}, "is not one of"),
        ({"notification": {"title": "nobody"}}, "exactly one of token, topic or condition"),
        ({"token": "t", "topic": "news"}, "exactly one of token, topic or condition"),
    ],
)
def test_the_capture_server_refuses_what_fcm_would(fcm: tuple[str, Capture], message: Any, says: str) -> None:
    url, capture = fcm
    answer = send(url, message)
    assert answer.status_code == 400
    assert answer.json()["error"]["status"] == "INVALID_ARGUMENT"
    assert says in answer.json()["error"]["message"]
    assert capture.messages == []
    assert requests.get(f"{url}/captured", timeout=10).json()["refused"][0]["message"] == message


def test_camel_case_and_proto_names_are_both_fcms_and_arbitrary_apns_payload_keys_pass(
    fcm: tuple[str, Capture],
) -> None:
    url, capture = fcm
    message = {
        "token": "t",
        "android": {"notification": {"channelId": "streaks", "notification_count": 2}},
        "apns": {"payload": {"aps": {"badge": 3, "sound": "default"}, "custom": {"deep": [1]}}},
        "fcm_options": {"analytics_label": "milestone"},
    }
    assert send(url, message).status_code == 200
    assert capture.refused == []


def test_a_message_fcm_refuses_keeps_the_device_and_is_retried(
    fcm: tuple[str, Capture], monkeypatch: pytest.MonkeyPatch
) -> None:
    """INVALID_ARGUMENT about the message (not the token) is our fault: the token is not pruned."""
    url, capture = fcm
    monkeypatch.setattr("streak_core.adapters.fcm_push.APNS", None)
    from firebase_admin import messaging

    bad = messaging.AndroidConfig(notification=messaging.AndroidNotification(channel_id="x", sound="default"))
    monkeypatch.setattr("streak_core.adapters.fcm_push.ANDROID", bad)
    monkeypatch.setattr("devstack.fcm_capture.problems", lambda request: ["Invalid value at 'message': no"])
    with pytest.raises(DeliveryError):
        FcmPushSender(PROJECT, url).send(("device-a",), "t", "b", {})
    assert len(capture.refused) == 1
