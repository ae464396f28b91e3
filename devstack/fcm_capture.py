"""A local stand-in for the FCM v1 send endpoint: keeps what it is sent and fails on request.

FCM has no emulator. The functions post here (`FCM_URL`); tests and `make dev` read what arrived.
- `POST /v1/projects/{project}/messages:send`: answers like FCM. A token starting `unregistered-` gets
  404 UNREGISTERED, `invalid-` gets 400 INVALID_ARGUMENT; otherwise the message is kept.
- Every send is first checked against FCM v1's own schema (devstack/fcm_schema.py): an unknown field name,
  a non-string data value or a message without exactly one target is 400 INVALID_ARGUMENT, as FCM answers,
  and is kept under `refused`.
- `GET /captured[?token=...]`: `{"messages": [{"project", "message", "received_at"}, ...], "refused":
  [{"message", "problems"}]}`, oldest first.
- `POST /fail` `{"token": "*" | token, "status": 500, "times": n}`: the next n sends to it fail.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from devstack.fcm_schema import problems

_ERRORS = {
    404: ("NOT_FOUND", "UNREGISTERED", "Requested entity was not found."),
    400: (
        "INVALID_ARGUMENT",
        "INVALID_ARGUMENT",
        "The registration token is not a valid FCM registration token",
    ),
    500: ("INTERNAL", "INTERNAL", "Internal error encountered."),
    503: ("UNAVAILABLE", "UNAVAILABLE", "The service is currently unavailable."),
}


class Capture:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.messages: list[dict[str, Any]] = []
        self.failures: dict[str, tuple[int, int]] = {}  # token or "*" -> (status, times left)
        self.refused: list[dict[str, Any]] = []

    def answer(self, project: str, request: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        invalid = problems(request)
        message = request.get("message") if isinstance(request.get("message"), dict) else {}
        if invalid:
            with self.lock:
                self.refused.append({"message": request.get("message"), "problems": invalid})
            print(f"push refused as FCM would: {invalid[0]}", flush=True)
            return 400, fcm_error(400, invalid[0])
        token = str(message.get("token", ""))
        with self.lock:
            for key in (token, "*"):
                status, left = self.failures.get(key, (0, 0))
                if left > 0:
                    self.failures[key] = (status, left - 1)
                    return status, fcm_error(status)
            if token.startswith("unregistered-"):
                return 404, fcm_error(404)
            if token.startswith("invalid-"):
                return 400, fcm_error(400)
            self.messages.append({"project": project, "message": message, "received_at": time.time()})
            number = len(self.messages)
        notification = message.get("notification") or {}
        print(
            f"push captured → {token[:24]}: {notification.get('title')} — {notification.get('body')}",
            flush=True,
        )
        return 200, {"name": f"projects/{project}/messages/{number}"}


def fcm_error(status: int, text: str | None = None) -> dict[str, Any]:
    code, fcm_code, default = _ERRORS.get(status, ("UNKNOWN", "UNSPECIFIED_ERROR", "Error"))
    text = text or default
    detail = {"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": fcm_code}
    return {"error": {"code": status, "message": text, "status": code, "details": [detail]}}


class JsonHandler(BaseHTTPRequestHandler):
    """A quiet handler answering JSON (the stand-ins' common part)."""

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _reply(self, status: int, body: dict[str, Any]) -> None:
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)


def serve(doc: str, handler: type[BaseHTTPRequestHandler], what: str, argv: list[str] | None) -> int:
    """Serve `handler` on --host/--port until interrupted."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    server = ThreadingHTTPServer((args.host, args.port), handler)
    print(f"{what} on http://{args.host}:{args.port}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


def handler_for(capture: Capture) -> type[BaseHTTPRequestHandler]:
    class Handler(JsonHandler):
        def _json(self) -> dict[str, Any]:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            return body if isinstance(body, dict) else {}

        def do_GET(self) -> None:
            url = urlparse(self.path)
            if url.path == "/captured":
                token = parse_qs(url.query).get("token", [None])[0]
                with capture.lock:
                    found = [
                        m for m in capture.messages if token is None or m["message"].get("token") == token
                    ]
                    refused = list(capture.refused)
                self._reply(200, {"messages": found, "refused": refused})
            else:
                self._reply(200, {"ok": True})

        def do_POST(self) -> None:
            parts = urlparse(self.path).path.strip("/").split("/")
            try:
                body = self._json()
            except ValueError:
                self._reply(400, fcm_error(400))
                return
            if parts == ["fail"]:
                with capture.lock:
                    capture.failures[str(body.get("token", "*"))] = (
                        int(body.get("status", 500)),
                        int(body.get("times", 1)),
                    )
                self._reply(200, {"ok": True})
            elif len(parts) == 4 and parts[:2] == ["v1", "projects"] and parts[3] == "messages:send":
                self._reply(*capture.answer(parts[2], body))
            else:
                self._reply(404, {"error": {"code": 404, "message": "no such route", "status": "NOT_FOUND"}})

    return Handler


def main(argv: list[str] | None = None) -> int:
    return serve(__doc__ or "", handler_for(Capture()), "FCM capture server", argv)


if __name__ == "__main__":
    sys.exit(main())
