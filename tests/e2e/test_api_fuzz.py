"""The `api` function fuzzed from its own OpenAPI document (schemathesis), over every operation, with real
Auth-emulator tokens: no 5xx, and every status, content type and body as the document says.

The document is built in-process from the route table (the served one is checked to be the same), so the
operations are known when pytest collects, before the stack is up; the requests go to the served function."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest
import requests
import schemathesis
from schemathesis import checks
from schemathesis.specs.openapi import checks as openapi_checks

from functions.api import api_document
from tests.conftest import FUZZ_FIGURES, AuthEmulator

pytestmark = pytest.mark.e2e
SEED = 20261122
# Per operation and generation mode (valid and invalid data); with the coverage phase's boundary values
# this is a few thousand requests in all, a few minutes on the emulators.
MAX_EXAMPLES = 200
CHECKS = [
    checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
]


@dataclass(frozen=True)
class Tokens:
    user: str
    admin: str

    def for_path(self, path: str) -> str:
        return self.admin if path.startswith("/v1/admin/") else self.user


@pytest.fixture(scope="session")
def fuzz_tokens(auth_emulator: AuthEmulator) -> Tokens:
    _, user = auth_emulator.sign_up()
    email = "fuzz-admin@example.com"
    uid, _ = auth_emulator.sign_up_with(email)
    return Tokens(user, auth_emulator.token_with_claims(uid, email, {"admin": True}))


DOCUMENT = api_document(clock_override=True).root  # as the local stack serves it (ALLOW_CLOCK_OVERRIDE=1)
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "generation": {"mode": "all", "max-examples": MAX_EXAMPLES, "no-shrink": True},
        "phases": {"stateful": {"enabled": False}},
    }
)
schema = schemathesis.openapi.from_dict(DOCUMENT, config=CONFIG)


def test_the_served_document_is_the_one_fuzzed(api_url: str) -> None:
    assert requests.get(f"{api_url}/v1/openapi.json", timeout=10).json() == DOCUMENT


@schema.parametrize()
def test_every_operation_answers_as_its_document_says(
    case: Any, api_url: str, fuzz_tokens: Tokens, request: pytest.FixtureRequest
) -> None:
    headers = {"Authorization": f"Bearer {fuzz_tokens.for_path(case.path)}"}
    response = case.call_and_validate(base_url=api_url, headers=headers, checks=CHECKS)
    request.config.stash.setdefault(FUZZ_FIGURES, Counter())[
        (case.operation.label, response.status_code)
    ] += 1
