"""Shared fixtures: the real emulators and functions, started once per run by the suite itself."""

from __future__ import annotations

import os
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from devstack.stack import Stack
from tests.index_coverage import recording, uncovered


@dataclass
class AuthEmulator:
    host: str
    project_id: str

    def sign_up(self) -> tuple[str, str]:
        """A fresh user: (uid, ID token)."""
        return self.sign_up_with(f"{uuid.uuid4().hex}@example.com")

    def sign_up_with(self, email: str) -> tuple[str, str]:
        response = requests.post(
            f"http://{self.host}/identitytoolkit.googleapis.com/v1/accounts:signUp?key=demo-key",
            json={
                "email": email,
                "password": "s3cret-pass",
                "returnSecureToken": True,
            },
            timeout=10,
        )
        response.raise_for_status()
        body = response.json()
        return body["localId"], body["idToken"]

    def token_with_claims(self, uid: str, email: str, claims: dict[str, Any]) -> str:
        import json

        requests.post(
            f"http://{self.host}/identitytoolkit.googleapis.com/v1/projects/{self.project_id}/accounts:update",
            json={"localId": uid, "customAttributes": json.dumps(claims)},
            headers={"Authorization": "Bearer owner"},
            timeout=10,
        ).raise_for_status()
        response = requests.post(
            f"http://{self.host}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=demo-key",
            json={"email": email, "password": "s3cret-pass", "returnSecureToken": True},
            timeout=10,
        )
        response.raise_for_status()
        return str(response.json()["idToken"])


# (operation, status) -> requests the API fuzzer made (tests/e2e/test_api_fuzz.py)
FUZZ_FIGURES: pytest.StashKey[Counter[tuple[str, int]]] = pytest.StashKey()
# the slowest answer the fuzzer saw: (seconds, "operation -> status")
FUZZ_SLOWEST: pytest.StashKey[tuple[float, str]] = pytest.StashKey()


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    figures = config.stash.get(FUZZ_FIGURES, None)
    if not figures:
        return
    operations = {operation for operation, _ in figures}
    statuses = Counter[int]()
    for (_, status), count in figures.items():
        statuses[status] += count
    terminalreporter.write_line(
        f"API fuzzing: {len(operations)} operations, {sum(figures.values())} requests, "
        f"statuses {dict(sorted(statuses.items()))}"
    )
    seconds, what = config.stash.get(FUZZ_SLOWEST, (0.0, ""))
    terminalreporter.write_line(f"API fuzzing: slowest answer {seconds * 1000:.0f} ms ({what})")


@pytest.fixture(scope="session", autouse=True)
def every_query_has_its_index() -> Iterator[None]:
    """Fails the run if any query built in this process lacks a composite index in firestore.indexes.json."""
    with recording() as seen:
        yield
    missing = uncovered(seen)
    assert not missing, f"queries without a composite index in firestore.indexes.json: {missing}"


GENEROUS_LIMITS = {f"RATE_LIMIT_{scope}": "1000/second" for scope in ("WRITES", "READS", "PUBLIC")}


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Every emulator and function on free ports, wired as in `make dev`; stopped by PID at the end."""
    project = f"demo-test-{uuid.uuid4().hex[:8]}"
    # The API fuzzer sends thousands of requests as one user: the limiter runs (headers, shared counters) with
    # room for them; tight limits are tested on processes of their own (tests/e2e/test_rate_limits.py).
    limits = {**GENEROUS_LIMITS, "CURSOR_SECRET": uuid.uuid4().hex}
    running = Stack(tmp_path_factory.mktemp("stack"), project_id=project, extra_env=limits)
    running.start()
    saved = {k: os.environ.get(k) for k in running.env()}
    os.environ.update(running.env())
    try:
        yield running
    finally:
        running.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture(scope="session")
def auth_emulator(stack: Stack) -> AuthEmulator:
    return AuthEmulator(stack.hosts["auth"], stack.project_id)


@pytest.fixture(scope="session")
def api_url(stack: Stack) -> str:
    return f"http://{stack.hosts['functions']}"


@pytest.fixture(scope="session")
def firestore_client(stack: Stack) -> Any:
    from google.cloud import firestore

    return firestore.Client(project=stack.project_id)
