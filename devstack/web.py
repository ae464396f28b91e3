"""The dashboard's build steps: its API types from our OpenAPI document, its bundle, and its checks.

`python -m devstack.web types` rewrites web/src/api/schema.d.ts; `... build` makes web/dist.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from devstack.node import node_env
from devstack.stack import ROOT

WEB = ROOT / "web"
DIST = WEB / "dist"
SCHEMA = WEB / "src" / "api" / "schema.d.ts"
BIN = WEB / "node_modules" / ".bin"


def openapi_json() -> str:
    """The production document (no `X-Now`): what a deployed `api` serves at /v1/openapi.json."""
    from functions.api.table import api_document

    return json.dumps(api_document(clock_override=False).root, indent=2, sort_keys=True) + "\n"


def generated_types() -> str:
    """What openapi-typescript makes of the current document."""
    with tempfile.TemporaryDirectory() as tmp:
        source, out = Path(tmp) / "openapi.json", Path(tmp) / "schema.d.ts"
        source.write_text(openapi_json())
        subprocess.run(
            [str(BIN / "openapi-typescript"), str(source), "-o", str(out)],
            check=True,
            capture_output=True,
            cwd=WEB,
            env=node_env(),
        )
        return out.read_text()


def write_types() -> None:
    SCHEMA.write_text(generated_types())


def build() -> None:
    subprocess.run([str(BIN / "vite"), "build", "--logLevel", "warn"], check=True, cwd=WEB, env=node_env())


def main(argv: list[str]) -> int:
    commands = {"types": write_types, "build": build}
    if len(argv) != 1 or argv[0] not in commands:
        print(f"usage: python -m devstack.web {'|'.join(commands)}", file=sys.stderr)
        return 2
    commands[argv[0]]()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
