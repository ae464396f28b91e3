"""The dashboard's build: its API types match our OpenAPI document, and its first load stays small."""

from __future__ import annotations

import gzip
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from devstack import web

pytestmark = pytest.mark.unit
FIRST_LOAD_LIMIT = 250 * 1024  # gzip bytes: the budget for the shell and the first page


def test_the_generated_api_types_are_those_of_the_current_document() -> None:
    assert web.SCHEMA.read_text() == web.generated_types(), (
        "web/src/api/schema.d.ts is stale: run `.venv/bin/python -m devstack.web types`"
    )


def first_load(manifest: dict[str, Any], *entries: str) -> set[str]:
    """The files a first visit fetches: the entries, their static imports, and their CSS."""
    seen: set[str] = set()
    files: set[str] = set()
    pending = list(entries)
    while pending:
        key = pending.pop()
        if key in seen:
            continue
        seen.add(key)
        chunk = manifest[key]
        files.add(chunk["file"])
        files.update(chunk.get("css", []))
        pending.extend(chunk.get("imports", []))
    return files


def test_the_first_load_is_under_250_kb_gzip(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    subprocess.run(
        [str(web.BIN / "vite"), "build", "--outDir", str(out), "--manifest", "--logLevel", "error"],
        cwd=web.WEB,
        check=True,
        capture_output=True,
        timeout=300,
    )
    manifest = json.loads((out / ".vite" / "manifest.json").read_text())
    files = first_load(manifest, "index.html", "src/pages/Today.tsx")  # the shell, then the default page
    sizes = {name: len(gzip.compress((out / name).read_bytes(), 9)) for name in [*files, "index.html"]}
    total = sum(sizes.values())
    print(f"first load: {total / 1024:.1f} KB gzip over {len(sizes)} files: {sorted(sizes.items())}")
    assert total < FIRST_LOAD_LIMIT, sizes

    # The chart library (its plot's "u-over" layer) is fetched only by the pages that draw charts.
    def drawing(found: set[str]) -> set[str]:
        return {name for name in found if "u-over" in (out / name).read_text(errors="ignore")}

    assert not drawing(files)
    for page in ("src/pages/Insights.tsx", "src/pages/Analytics.tsx"):
        assert drawing(first_load(manifest, page)), page


def test_every_notification_kind_has_a_name_in_both_languages_of_the_dashboard() -> None:
    """The settings page lists every kind by its `kind.<kind>` text: a kind without one breaks the page."""
    from streak_core.domain.vocabulary import NotificationKind

    source = (web.WEB / "src" / "i18n.ts").read_text()
    for kind in NotificationKind:
        assert source.count(f'"kind.{kind.value}":') == 2, kind  # English and French
