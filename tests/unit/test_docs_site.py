"""The documentation site builds strictly (a broken link, an anchor or a page missing from the nav fails),
holds the pages an app team adopts from, renders an API reference naming every operation without fetching
anything, and the README, its front door, stays short and links into it."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from functions.api.table import api_document

ROOT = Path(__file__).resolve().parents[2]
PAGES = (
    "index.html",
    "get-started/index.html",
    "concepts/local-days/index.html",
    "concepts/streaks/index.html",
    "concepts/forgiveness/index.html",
    "guides/sessions/index.html",
    "guides/webhooks/index.html",
    "guides/typed-client/index.html",
    "operate/settings/index.html",
    "operate/cli/index.html",
    "operate/alerts/index.html",
    "reference/redoc.html",
    "reference/openapi.json",
    "reference/bounds/index.html",
    "design/architecture/index.html",
)
README_LIMIT = 15 * 1024


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    build = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "mkdocs"), "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert build.returncode == 0, build.stderr[-4000:]
    return out


def test_the_strict_build_has_the_pages_an_app_team_needs(site: Path) -> None:
    missing = [page for page in PAGES if not (site / page).is_file()]
    assert not missing, missing


def test_the_api_reference_names_every_operation_and_fetches_nothing(site: Path) -> None:
    reference = (site / "reference" / "redoc.html").read_text()
    document = api_document(clock_override=False).root
    ids = [op["operationId"] for item in document["paths"].values() for op in item.values()]
    assert [i for i in ids if i not in reference] == []
    assert json.loads((site / "reference" / "openapi.json").read_text()) == document
    fetched = re.findall(r"""<(?:script|link)[^>]+(?:src|href)=["'](https?:)?//""", reference)
    assert fetched == []  # the Redoc bundle is inlined: no CDN
    assert "cdn.redoc.ly" not in reference


def test_generated_references_hold_every_setting_and_every_cli_command(site: Path) -> None:
    from ops.cli import cli
    from streak_core.settings import Settings

    settings = (site / "operate" / "settings" / "index.html").read_text()
    assert [v for v in Settings.variables().values() if v not in settings] == []
    commands = (site / "operate" / "cli" / "index.html").read_text()
    assert [c for c in cli.commands if c not in commands] == []


def test_the_readme_is_the_front_door(site: Path) -> None:
    readme = (ROOT / "README.md").read_text()
    assert len(readme.encode()) <= README_LIMIT
    assert "make dev" in readme
    assert "make test" in readme
    links = re.findall(r"\]\((docs/[^)#]+\.md)(?:#[^)]*)?\)", readme)
    assert len(links) >= 8
    for link in links:
        page = link.removeprefix("docs/").removesuffix(".md")
        built = site / ("index.html" if page == "index" else f"{page}/index.html")
        assert built.is_file(), f"README links to {link}, which the site does not build"
