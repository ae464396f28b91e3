"""Webhook HTTP: DNS through the system resolver, and a POST pinned to an address already checked."""

from __future__ import annotations

import socket
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from urllib.parse import urlsplit

import urllib3
from cryptography.fernet import Fernet, InvalidToken

from streak_core.adapters.lazy import Lazy
from streak_core.errors import Unavailable
from streak_core.ports.webhooks import Attempt, Resolver, SecretBox, WebhookSender


class SystemResolver(Resolver):
    """getaddrinfo, in a thread so a slow resolver costs at most `timeout` seconds of a request."""

    def __init__(self, timeout: float = 2.0) -> None:
        self._timeout = timeout
        self._pool: Lazy[ThreadPoolExecutor] = Lazy(lambda: ThreadPoolExecutor(4, "resolver"))

    def addresses(self, host: str, port: int) -> list[str]:
        lookup = self._pool().submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
        try:
            found = lookup.result(timeout=self._timeout)
        except FutureTimeout as exc:
            raise LookupError(f"{host} did not resolve within {self._timeout:g} s") from exc
        except (OSError, UnicodeError) as exc:
            raise LookupError(f"{host}: {exc}") from exc
        addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
        if not addresses:
            raise LookupError(host)
        return addresses


class PinnedSender(WebhookSender):
    """Connects to the checked address itself (so a name cannot resolve elsewhere between the check and the
    connection), while TLS still verifies the certificate of the URL's host name (SNI and hostname check).
    Redirects are not followed: a 3xx is an answer that is not a 2xx."""

    def post(self, url: str, address: str, headers: dict[str, str], body: str, timeout: float) -> Attempt:
        parts = urlsplit(url)
        host = parts.hostname or ""
        https = parts.scheme == "https"
        port = parts.port or (443 if https else 80)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        pool: urllib3.HTTPConnectionPool
        if https:
            pool = urllib3.HTTPSConnectionPool(
                address, port, server_hostname=host, assert_hostname=host, maxsize=1, retries=False
            )
        else:
            pool = urllib3.HTTPConnectionPool(address, port, maxsize=1, retries=False)
        default_port = 443 if https else 80
        sent = {**headers, "host": host if port == default_port else f"{host}:{port}"}
        try:
            response = pool.urlopen(
                "POST",
                path,
                body=body.encode(),
                headers=sent,
                redirect=False,
                retries=False,
                timeout=urllib3.Timeout(total=timeout),
                preload_content=False,
            )
            try:
                response.read(64 * 1024, decode_content=False)  # a bounded look at the answer, then close
            finally:
                response.release_conn()
            return Attempt(response.status)
        except urllib3.exceptions.HTTPError as exc:
            return Attempt(None, f"{type(exc).__name__}: {exc}"[:500])
        finally:
            pool.close()


class FernetBox(SecretBox):
    """Signing secrets at rest, encrypted with the deployment's key (Fernet: AES-128-CBC + HMAC-SHA256)."""

    def __init__(self, key: str) -> None:
        self._fernet = Fernet(key.encode())

    def seal(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode()).decode()

    def open(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken as exc:
            raise ValueError("the secret was sealed with another key (WEBHOOK_SECRET_KEY changed?)") from exc


class UnsetBox(SecretBox):
    """Where WEBHOOK_SECRET_KEY is not set: webhooks answer 503 rather than keep a secret unencrypted."""

    def seal(self, secret: str) -> str:
        raise Unavailable("Webhooks are not configured here: WEBHOOK_SECRET_KEY is not set.")

    def open(self, sealed: str) -> str:
        return self.seal(sealed)
