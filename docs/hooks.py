"""MkDocs hooks: the reference pages generated from the code, so the site cannot drift from it.

- `<!-- generated:settings -->`: every environment variable of `streak_core.settings.Settings`, its type,
  default and meaning (the comments written beside each field).
- `<!-- generated:errors -->`: every error code a service can answer, with its HTTP status.
- `assets/javascripts/mermaid.min.js`: the diagrams' renderer, from the pinned npm package (no CDN).
- `reference/redoc.html`: the API reference, Redoc built by Redocly's CLI from the production document
  into one self-contained page (nothing fetched at run time), and `reference/openapi.json` beside it."""

from __future__ import annotations

import ast
import inspect
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MERMAID = "assets/javascripts/mermaid.min.js"  # mkdocs.yml's extra_javascript names it


def _project_importable() -> None:
    """MkDocs restores sys.path after loading a hook module, so the project is made importable per call."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def _settings_table() -> str:
    _project_importable()
    from streak_core.settings import Settings

    notes = _field_comments(ROOT / "streak_core" / "settings.py", "Settings")
    rows = ["| variable | type | default | meaning |", "|---|---|---|---|"]
    variables = Settings.variables()
    for name, field in Settings.model_fields.items():
        variable = variables[name]
        kind = getattr(field.annotation, "__name__", None) or str(field.annotation).replace("typing.", "")
        default = "(none)" if field.default is None else f"`{field.default}`"
        if field.is_required():
            default = "(required)"
        meaning = notes.get(name, "").replace("|", "\\|")
        rows.append(f"| `{variable}` | `{kind}` | {default} | {meaning} |")
    return "\n".join(rows)


def _field_comments(path: Path, class_name: str) -> dict[str, str]:
    """The comment lines just above each field of the class, and the one at the end of its line."""
    source = path.read_text().splitlines()
    tree = ast.parse("\n".join(source))
    found: dict[str, str] = {}
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == class_name)
    for node in cls.body:
        if not (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)):
            continue
        above: list[str] = []
        line = node.lineno - 2
        while line >= 0 and source[line].strip().startswith("#"):
            above.insert(0, source[line].strip().lstrip("# "))
            line -= 1
        end = source[node.end_lineno - 1] if node.end_lineno else ""
        trailing = end.split("  # ", 1)[1] if "  # " in end else ""
        found[node.target.id] = " ".join([*above, trailing]).strip()
    return found


def _errors_table() -> str:
    _project_importable()
    from functions.http import SERVICE_STATUS
    from streak_core import errors

    rows = ["| code | status | when |", "|---|---|---|"]
    kinds = [c for _, c in inspect.getmembers(errors, inspect.isclass) if issubclass(c, errors.ServiceError)]
    for cls in sorted(kinds, key=lambda kind: (kind.code, kind.__name__)):
        if cls is errors.ServiceError or cls.__module__ != errors.__name__:
            continue
        status = next((s for kind, s in SERVICE_STATUS if issubclass(cls, kind)), 500)
        doc = (inspect.getdoc(cls) or "").split("\n\n")[0].replace("\n", " ")
        rows.append(f"| `{cls.code}` | {status} | {doc} |")
    return "\n".join(rows)


GENERATED = {"<!-- generated:settings -->": _settings_table, "<!-- generated:errors -->": _errors_table}


def on_page_markdown(markdown: str, **_: Any) -> str:
    for marker, make in GENERATED.items():
        if marker in markdown:
            markdown = markdown.replace(marker, make())
    return markdown


def production_document() -> dict[str, Any]:
    _project_importable()
    from functions.api.table import api_document

    return api_document(clock_override=False).root


def _node_env() -> dict[str, str]:
    _project_importable()
    from devstack.node import node_env

    return node_env()


def _redoc_page(document: dict[str, Any]) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        source, out = Path(tmp) / "openapi.json", Path(tmp) / "api.html"
        source.write_text(json.dumps(document))
        subprocess.run(
            [
                str(ROOT / "node_modules" / ".bin" / "redocly"),
                "build-docs",
                str(source),
                "-o",
                str(out),
                "--inlineBundle",
            ],
            cwd=ROOT,
            check=True,
            capture_output=True,
            timeout=300,
            env=_node_env(),
        )
        # The one thing the inlined bundle would still fetch is its "API docs by" badge image: left out (the
        # badge hides itself when its image does not load).
        return re.sub(r"https://cdn\.redoc\.ly/redoc/logo-mini(-full)?\.svg", "", out.read_text())


def on_files(files: Any, config: Any, **_: Any) -> Any:
    from mkdocs.structure.files import File

    document = production_document()
    files.append(File.generated(config, "reference/openapi.json", content=json.dumps(document, indent=1)))
    files.append(File.generated(config, "reference/redoc.html", content=_redoc_page(document)))
    # Material loads Mermaid from a CDN unless the page already has it: the pinned npm copy is served instead.
    files.append(
        File.generated(config, MERMAID, abs_src_path=str(ROOT / "node_modules/mermaid/dist/mermaid.min.js"))
    )
    return files
