"""Every request example of the documentation site runs against the served API and answers what the page
shows, so the docs cannot drift from the code.

An example is an ```http block holding a request (method, path, headers, a blank line, a JSON body), followed
by an ```http block holding the answer (`HTTP/1.1 201 Created`, headers, a JSON body). The answer's status
must match, and every field the page shows must be in the real body with the value shown ("..." stands for
any value; a list shows its first items). `$TOKEN` is a fresh user's ID token, one user per page, so a
page's examples run in order as a reader would send them; every request carries
`X-Now: 2026-11-21T21:00:00Z`, the instant the examples are written at."""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import AuthEmulator

pytestmark = pytest.mark.e2e
DOCS = Path(__file__).resolve().parents[2] / "docs"
NOW = "2026-11-21T21:00:00Z"
BLOCK = re.compile(r"^```http\n(.*?)^```", re.MULTILINE | re.DOTALL)
METHOD = re.compile(r"^(GET|POST|PATCH|PUT|DELETE) (\S+)")
STATUS = re.compile(r"^HTTP/1\.1 (\d{3})")


@dataclass
class Example:
    page: str
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    status: int
    shown: Any = None
    extra: dict[str, str] = field(default_factory=dict)


def _split(block: str) -> tuple[list[str], str]:
    head, _, rest = block.partition("\n\n")
    return head.strip().splitlines(), rest.strip()


def examples_of(page: Path) -> list[Example]:
    blocks = BLOCK.findall(page.read_text())
    found: list[Example] = []
    for request, answer in itertools.pairwise(blocks):
        lines, body = _split(request)
        method = METHOD.match(lines[0]) if lines else None
        status = STATUS.match(answer.strip())
        if method is None:
            continue
        assert status is not None, f"{page.name}: {lines[0]} is not followed by its answer"
        headers = dict(line.split(": ", 1) for line in lines[1:])
        _, shown = _split(answer)
        found.append(
            Example(
                page.relative_to(DOCS).as_posix(),
                method.group(1),
                method.group(2),
                headers,
                json.loads(body) if body else None,
                int(status.group(1)),
                json.loads(shown) if shown else None,
            )
        )
    return found


PAGES = sorted(p for p in DOCS.rglob("*.md") if examples_of(p))


def test_the_guides_hold_examples_to_run() -> None:
    names = {p.relative_to(DOCS).as_posix() for p in PAGES}
    assert {"get-started.md", "guides/sessions.md", "guides/batches.md", "guides/sign-in.md"} <= names


def contains(actual: Any, shown: Any, where: str = "body") -> list[str]:
    """What the page shows that the real answer does not hold."""
    if shown == "...":
        return []
    if isinstance(shown, dict):
        if not isinstance(actual, dict):
            return [f"{where} is {actual!r}, the page shows an object"]
        missing = [f"{where}.{k} is missing" for k in shown if k not in actual]
        return missing + [
            p for k in shown if k in actual for p in contains(actual[k], shown[k], f"{where}.{k}")
        ]
    if isinstance(shown, list):
        if not isinstance(actual, list) or len(actual) < len(shown):
            return [f"{where} is {actual!r}, the page shows {len(shown)} items"]
        return [p for n, item in enumerate(shown) for p in contains(actual[n], item, f"{where}[{n}]")]
    return [] if actual == shown else [f"{where} is {actual!r}, the page shows {shown!r}"]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(DOCS).as_posix())
def test_a_pages_examples_answer_what_it_shows(page: Path, api_url: str, auth_emulator: AuthEmulator) -> None:
    _, token = auth_emulator.sign_up()
    for example in examples_of(page):
        headers = {k: v.replace("$TOKEN", token) for k, v in example.headers.items()}
        headers["X-Now"] = NOW
        answer = requests.request(
            example.method, f"{api_url}{example.path}", headers=headers, json=example.body, timeout=30
        )
        what = f"{example.page}: {example.method} {example.path}"
        assert answer.status_code == example.status, (
            f"{what} answered {answer.status_code}: {answer.text[:400]}"
        )
        if example.shown is not None:
            problems = contains(answer.json(), example.shown)
            assert not problems, f"{what}: {problems}"
