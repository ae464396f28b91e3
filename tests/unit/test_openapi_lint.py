"""The OpenAPI document judged by linters nobody here wrote: Spectral (its OpenAPI rules and the OWASP API
Security ruleset, `.spectral.yaml`) and Redocly's recommended rules (`redocly.yaml`), both pinned in
package.json. Zero errors; the counts of what they still warn about are printed."""

from __future__ import annotations

import json
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from devstack.node import node_env
from functions.api.table import API, api_document

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / "node_modules" / ".bin"
METHOD_NAME = re.compile(r"[a-z]+(?:[A-Z][a-z0-9]*)+|[a-z]+")


@pytest.fixture(scope="module")
def production_document(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The document a deployed `api` serves (no X-Now), as a file the linters read."""
    path = tmp_path_factory.mktemp("openapi") / "openapi.json"
    path.write_text(json.dumps(api_document(clock_override=False).root, indent=1))
    return path


def lint(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=240, check=False, env=node_env()
    )


def test_spectral_oas_and_owasp_find_no_error(production_document: Path) -> None:
    ruleset = ROOT / ".spectral.yaml"
    run = lint(
        [str(BIN / "spectral"), "lint", str(production_document), "-r", str(ruleset), "-f", "json", "-q"]
    )
    findings = json.loads(run.stdout or "[]")
    errors = [
        f"{f['code']}: {f['message']} at {'/'.join(map(str, f['path']))}"
        for f in findings
        if f["severity"] == 0
    ]
    counts = Counter((f["severity"], f["code"]) for f in findings)
    print("spectral:", dict(counts))
    assert not errors, "\n".join(errors[:40])
    assert run.returncode == 0, run.stderr


def test_redocly_recommended_finds_no_error(production_document: Path) -> None:
    run = lint([str(BIN / "redocly"), "lint", str(production_document), "--config", "redocly.yaml"])
    print(run.stdout[-2000:], run.stderr[-2000:])
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Woohoo" in run.stdout + run.stderr or "0 errors" not in run.stdout


def test_operation_ids_read_as_method_names_and_every_area_is_a_described_tag() -> None:
    document = api_document(clock_override=False).root
    operations = [op for item in document["paths"].values() for op in item.values()]
    ids = [op["operationId"] for op in operations]
    assert len(ids) == len(set(ids)) == len(API.routes)
    assert all(METHOD_NAME.fullmatch(op_id) for op_id in ids), ids
    described = {tag["name"] for tag in document["tags"] if tag["description"]}
    assert all(op["tags"] and set(op["tags"]) <= described for op in operations)
    assert all(op["summary"] and op["description"] and "security" in op for op in operations)
    public = {op["operationId"] for op in operations if op["security"] == []}
    assert public == {
        "getSharePage",
        "getSharedImage",
        "getUnsubscribePage",
        "unsubscribe",
        "getOpenApiDocument",
    }
