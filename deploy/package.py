"""What each function's uploaded source holds: the code and its bytecode, compiled before the upload.

A Cloud Functions instance starts from the uploaded files, and Python compiles every module it imports
that has no valid bytecode beside it (about 200 of ours: 0.1-0.2 s of each cold start), writing the result
to a filesystem that the next instance does not share. Compiled here with `checked-hash` invalidation, the
bytecode is valid whatever times the files get when unpacked, and never stale: Python checks each file's
hash against its source. `.gcloudignore` keeps `__pycache__` in the upload; bench/coldstart.py serves a
copy prepared by `stage` the same way.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

SOURCES = ("main.py", "functions", "streak_core")
COMPILE = ("-m", "compileall", "-q", "--invalidation-mode", "checked-hash", *SOURCES)


def compile_command(python: str = "python3") -> str:
    """The plan's step, run from the repository's root before the functions are deployed."""
    return " ".join((python, *COMPILE))


def stage(root: Path, into: Path) -> Path:
    """A copy of the code as it is uploaded (bytecode compiled), for a local process to serve."""
    for name in SOURCES:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, into / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, into / name)
    subprocess.run([sys.executable, *COMPILE], cwd=into, check=True)
    return into
