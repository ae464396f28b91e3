"""No module of the code grows past what one person can hold: at most 400 lines each, in every package."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 400


PACKAGES = ("functions", "streak_core", "ops", "devstack", "deploy", "bench", "docs")


def test_every_module_of_every_package_is_at_most_400_lines() -> None:
    modules = [p for top in PACKAGES for p in (ROOT / top).rglob("*.py")]
    assert len(modules) > 50  # the walk found the code
    too_long = {
        str(p.relative_to(ROOT)): n for p in modules if (n := len(p.read_text().splitlines())) > MAX_LINES
    }
    assert too_long == {}
