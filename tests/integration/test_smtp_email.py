"""Email through the local SMTP server the stack runs: subject, plain text and HTML arrive intact."""

from __future__ import annotations

import mailbox
import re
import time
import uuid

import pytest

from devstack.stack import Stack
from streak_core.adapters.smtp_email import SmtpEmailSender
from streak_core.domain.notifications import render
from streak_core.ports.notifications import DeliveryError

pytestmark = pytest.mark.integration


def test_a_rendered_notification_arrives_as_text_and_html(stack: Stack) -> None:
    host, port = stack.hosts["smtp"].rsplit(":", 1)
    address = f"{uuid.uuid4().hex[:8]}@example.com"
    message = render("weekly_bonus", "fr", {"week": "2026-W47", "qualified_days": 5, "xp": 50})
    SmtpEmailSender(host, int(port), "streaks@example.com").send(
        address, message.title, message.body, message.html
    )
    deadline = time.monotonic() + 10
    found = []
    while time.monotonic() < deadline and not found:
        found = [m for m in mailbox.Maildir(stack.mailbox, create=False) if m["To"] == address]
        time.sleep(0.1)
    assert len(found) == 1
    received = found[0]
    assert received["Subject"] == "Bonus de la semaine : +50 XP"
    parts = {
        part.get_content_type(): part.get_payload(decode=True).decode()
        for part in received.walk()
        if not part.is_multipart()
    }
    assert "5 jours pendant la semaine 2026-W47" in parts["text/plain"]
    assert "<h1>Bonus de la semaine : +50 XP</h1>" in parts["text/html"]


def test_an_unsubscribe_link_becomes_the_one_click_headers_of_rfc_8058(stack: Stack) -> None:
    host, port = stack.hosts["smtp"].rsplit(":", 1)
    address = f"{uuid.uuid4().hex[:8]}@example.com"
    url = "https://focus.example/v1/unsubscribe?token=abc.def"
    SmtpEmailSender(host, int(port), "streaks@example.com").send(address, "s", "t", "<p>h</p>", url)
    deadline = time.monotonic() + 10
    found = []
    while time.monotonic() < deadline and not found:
        found = [m for m in mailbox.Maildir(stack.mailbox, create=False) if m["To"] == address]
        time.sleep(0.1)
    assert found[0]["List-Unsubscribe"] == f"<{url}>"
    assert found[0]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_an_unreachable_server_is_a_retryable_delivery_error() -> None:
    sender = SmtpEmailSender("127.0.0.1", 1, "streaks@example.com", timeout=2)
    with pytest.raises(DeliveryError, match=re.escape("SMTP 127.0.0.1:1")):
        sender.send("a@example.com", "s", "t", "<p>h</p>")
