"""The pure domain never imports the platform, the network or the clock."""

import ast
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[2] / "streak_core" / "domain"
FORBIDDEN_ROOTS = {"google", "firebase_admin", "functions_framework", "requests", "socket", "urllib", "http"}


def imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_domain_modules_import_nothing_from_the_platform_or_network() -> None:
    files = sorted(DOMAIN.glob("*.py"))
    assert len(files) >= 8
    offenders = {f.name: imported_roots(f) & FORBIDDEN_ROOTS for f in files}
    assert {name: bad for name, bad in offenders.items() if bad} == {}


def test_domain_never_reads_the_clock() -> None:
    source = "\n".join(f.read_text() for f in DOMAIN.glob("*.py"))
    for call in ("datetime.now(", "date.today(", "time.time(", "utcnow("):
        assert call not in source


def test_the_core_imports_nothing_above_it() -> None:
    """Layers import one way: `functions/` (HTTP) and `ops/` (the operator's CLI) use the core, never back."""
    core = sorted((DOMAIN.parent).rglob("*.py"))
    assert len(core) > 50
    offenders = {
        str(f.relative_to(DOMAIN.parents[1])): bad
        for f in core
        if (bad := imported_roots(f) & {"functions", "ops", "devstack", "deploy", "bench", "tests"})
    }
    assert offenders == {}
