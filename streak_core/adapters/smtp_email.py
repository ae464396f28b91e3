"""Sending email over SMTP (host, port and credentials from configuration): plain text plus HTML."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from streak_core.ports.notifications import DeliveryError, EmailSender


class SmtpEmailSender(EmailSender):
    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        timeout: float = 10.0,
    ) -> None:
        self._host, self._port, self._sender = host, port, sender
        self._username, self._password, self._starttls, self._timeout = username, password, starttls, timeout

    def send(
        self, address: str, subject: str, text: str, html: str, unsubscribe_url: str | None = None
    ) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self._sender, address, subject
        if unsubscribe_url is not None:  # RFC 8058: mail clients offer one click, which POSTs to the URL
            message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
            message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        message.set_content(text)
        message.add_alternative(html, subtype="html")
        try:
            with smtplib.SMTP(self._host, self._port, timeout=self._timeout) as smtp:
                if self._starttls:
                    smtp.starttls()
                if self._username:
                    smtp.login(self._username, self._password or "")
                smtp.send_message(message)
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"SMTP {self._host}:{self._port}: {exc}") from exc
