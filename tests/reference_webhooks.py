"""Deliveries checked by an implementation nobody here wrote: the Standard Webhooks reference verifier for
TypeScript (npm `standardwebhooks`, pinned in package.json), not the Python library that signs them."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from devstack.node import node

ROOT = Path(__file__).resolve().parents[1]


def reference_verdicts(deliveries: Sequence[tuple[str, Mapping[str, str], str]]) -> list[str | None]:
    """For each (secret, headers, body): None when the reference verifier accepts it, else its error."""
    items = [{"secret": s, "headers": dict(h), "body": b} for s, h, b in deliveries]
    run = subprocess.run(
        [node(), str(ROOT / "tests" / "webhook_verifier.cjs")],
        input=json.dumps(items),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=True,
    )
    verdicts: list[str | None] = json.loads(run.stdout)
    return verdicts
