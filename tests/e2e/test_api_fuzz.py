"""The `api` function fuzzed from its own OpenAPI document (schemathesis), over every operation, with real
Auth-emulator tokens: no 5xx, and every status, content type and body as the document says.

The document is built in-process from the route table (the served one is checked to be the same), so the
operations are known when pytest collects, before the stack is up; the requests go to the served function."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests
import schemathesis
from schemathesis import checks
from schemathesis.specs.openapi import checks as openapi_checks

from functions.api.table import api_document
from tests.conftest import FUZZ_FIGURES, FUZZ_SLOWEST, AuthEmulator
from tests.e2e.conftest import delete_webhooks

pytestmark = pytest.mark.e2e
# A fixed seed, so CI runs are repeatable; FUZZ_SEED=<n> explores other inputs (as an outside tester would).
SEED = int(os.environ.get("FUZZ_SEED", "20261122"))
# Per operation and generation mode (valid and invalid data); with the coverage phase's boundary values
# this is a few thousand requests in all, a few minutes on the emulators.
MAX_EXAMPLES = 200
# Every operation's work is bounded by its input limits (docs/reference/bounds.md): an answer slower than
# this, even on the emulators of a 2-core machine, is a path whose work some input can blow up, and a finding.
MAX_RESPONSE_SECONDS = 5.0
CHECKS = [
    checks.not_a_server_error,
    checks.max_response_time,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
]


@dataclass(frozen=True)
class Tokens:
    user: str
    admin: str
    doomed: str  # a user of its own for DELETE /v1/me, so the fuzzer's own user lives on

    def for_case(self, method: str, path: str) -> str:
        if (method, path) == ("DELETE", "/v1/me"):
            return self.doomed
        return self.admin if path.startswith("/v1/admin/") else self.user


@pytest.fixture(scope="session")
def fuzz_tokens(auth_emulator: AuthEmulator) -> Tokens:
    _, user = auth_emulator.sign_up()
    email = "fuzz-admin@example.com"
    uid, _ = auth_emulator.sign_up_with(email)
    _, doomed = auth_emulator.sign_up()
    return Tokens(user, auth_emulator.token_with_claims(uid, email, {"admin": True}), doomed)


DOCUMENT = api_document(clock_override=True).root  # as the local stack serves it (ALLOW_CLOCK_OVERRIDE=1)
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "generation": {"mode": "all", "max-examples": MAX_EXAMPLES, "no-shrink": True},
        "phases": {"stateful": {"enabled": False}},
        "checks": {"max_response_time": MAX_RESPONSE_SECONDS},
    }
)
schema = schemathesis.openapi.from_dict(DOCUMENT, config=CONFIG)


@pytest.fixture(scope="module", autouse=True)
def no_endpoints_left(api_url: str, fuzz_tokens: Tokens) -> Iterator[None]:
    """The webhook endpoints the fuzzer registered go with it."""
    yield
    delete_webhooks(api_url, fuzz_tokens.admin)


def test_the_served_document_is_the_one_fuzzed(api_url: str) -> None:
    assert requests.get(f"{api_url}/v1/openapi.json", timeout=10).json() == DOCUMENT


@schema.parametrize()
def test_every_operation_answers_as_its_document_says(
    case: Any, api_url: str, fuzz_tokens: Tokens, request: pytest.FixtureRequest
) -> None:
    headers = {"Authorization": f"Bearer {fuzz_tokens.for_case(case.method.upper(), case.path)}"}
    response = case.call_and_validate(base_url=api_url, headers=headers, checks=CHECKS)
    stash = request.config.stash
    stash.setdefault(FUZZ_FIGURES, Counter())[(case.operation.label, response.status_code)] += 1
    slowest = stash.get(FUZZ_SLOWEST, (0.0, ""))
    if response.elapsed > slowest[0]:
        stash[FUZZ_SLOWEST] = (response.elapsed, f"{case.operation.label} -> {response.status_code}")
