"""Where a webhook may be sent: the URL's form, and every address its name resolves to (SSRF)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from streak_core.domain.webhooks import MAX_URL_CHARS, address_problem
from streak_core.ports.webhooks import Resolver


def url_problem(url: str, allow_local_http: bool) -> str | None:
    """Why `url` cannot be an endpoint (None: it can, once its addresses are checked). `https` only;
    with `allow_local_http` (local stacks), `http` to a loopback address too."""
    if len(url) > MAX_URL_CHARS:
        return f"the URL is longer than {MAX_URL_CHARS} characters"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "not a URL"
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return "an endpoint is an https:// URL"
    if parts.username is not None or parts.password is not None:
        return "credentials in the URL are not allowed"
    if parts.fragment:
        return "a fragment has no meaning to a server"
    if port == 0:
        return "port 0 is not a port"
    if parts.scheme == "http" and not (allow_local_http and _is_loopback_name(parts.hostname)):
        return "an endpoint is an https:// URL"
    return None


def checked_addresses(resolver: Resolver, url: str, allow_local: bool) -> tuple[list[str], str | None]:
    """The addresses to reach `url` at, or why it may not be reached: its form, a name that does not
    resolve, or any address it resolves to that an endpoint may not have (one bad address refuses all:
    a client could be sent to either)."""
    problem = url_problem(url, allow_local)
    if problem is not None:
        return [], problem
    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
    try:
        found = resolver.addresses(host, port)
    except LookupError:
        return [], f"{host} does not resolve"
    for address in found:
        refused = address_problem(address, allow_local)
        if refused is not None:
            return [], f"{host} resolves to {address}: {refused}"
    return found, None


def _is_loopback_name(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
