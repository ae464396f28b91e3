"""A local webhook receiver: keeps every delivery it is sent, checks its signature, and fails on request.

Register `{hook_url}/in` (any path but `/_control/…`) as an endpoint; `make dev` prints what arrives.
- `POST /<any path>`: a delivery, kept with its headers and body; answered 200 unless failures are queued.
- `GET /_control/captured`: `{"deliveries": [{"path", "headers", "body", "status", "signature",
  "received_at"}, ...]}`, oldest first; `status` is what it answered, `signature` "ok" | "bad" | "unchecked".
- `POST /_control/fail` `{"status": 500, "times": n}`: the next n deliveries are answered `status`.
- `POST /_control/secret` `{"secret": "whsec_…"}`: check signatures from now on (the library's verifier).
- `POST /_control/reset`: forget what arrived, queued failures and the secret.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from devstack.fcm_capture import JsonHandler, serve


class Receiver:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.deliveries: list[dict[str, Any]] = []
        self.failures: list[int] = []
        self.secret: str | None = None

    def receive(self, path: str, headers: dict[str, str], body: str) -> int:
        with self.lock:
            status = self.failures.pop(0) if self.failures else 200
            signature = "unchecked"
            if self.secret is not None:
                try:
                    Webhook(self.secret).verify(body, headers)
                    signature = "ok"
                except WebhookVerificationError:
                    signature = "bad"
            self.deliveries.append(
                {
                    "path": path,
                    "headers": headers,
                    "body": body,
                    "status": status,
                    "signature": signature,
                    "received_at": time.time(),
                }
            )
        try:
            kind = json.loads(body).get("type")
        except (ValueError, AttributeError):
            kind = None
        seen = f"{kind} {headers.get('webhook-id')} answered {status} (signature {signature})"
        print(f"webhook captured → {seen}", flush=True)
        return status

    def control(self, name: str, body: dict[str, Any]) -> bool:
        with self.lock:
            if name == "fail":
                self.failures += [int(body.get("status", 500))] * int(body.get("times", 1))
            elif name == "secret":
                self.secret = str(body["secret"])
            elif name == "reset":
                self.deliveries.clear()
                self.failures.clear()
                self.secret = None
            else:
                return False
        return True


def handler_for(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(JsonHandler):
        def _body(self) -> str:
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length).decode(errors="replace")

        def do_GET(self) -> None:
            if self.path.split("?", 1)[0] == "/_control/captured":
                with receiver.lock:
                    found = list(receiver.deliveries)
                self._reply(200, {"deliveries": found})
            else:
                self._reply(200, {"ok": True})

        def do_POST(self) -> None:
            path, body = self.path.split("?", 1)[0], self._body()
            if not path.startswith("/_control/"):
                headers = {k.lower(): v for k, v in self.headers.items()}
                self._reply(receiver.receive(path, headers, body), {"ok": True})
                return
            try:
                control = json.loads(body or "{}")
            except ValueError:
                self._reply(400, {"error": "not JSON"})
                return
            known = receiver.control(path.removeprefix("/_control/"), control)
            self._reply(200 if known else 404, {"ok": known})

    return Handler


def main(argv: list[str] | None = None) -> int:
    return serve(__doc__ or "", handler_for(Receiver()), "webhook receiver", argv)


if __name__ == "__main__":
    sys.exit(main())
