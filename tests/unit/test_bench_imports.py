"""Every benchmark imports: the benches run outside `make test`, so a name moved elsewhere would otherwise
break one silently until someone runs it (bench.webhooks did, when `announce_events` moved)."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit
BENCHES = sorted(p.stem for p in (Path(__file__).parents[2] / "bench").glob("*.py") if p.stem != "__init__")


@pytest.mark.parametrize("name", BENCHES)
def test_the_benchmark_imports(name: str) -> None:
    module = importlib.import_module(f"bench.{name}")
    assert module.__doc__, f"bench/{name}.py opens with a line saying what it is for"
