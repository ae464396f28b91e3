"""A cold start without the cyclic garbage collector: off while an instance imports and answers its first
request, frozen and back on after it; and without pydantic's search for plugins (we use none).

Everything a cold start allocates (modules, classes, the clients) lives as long as the instance, so each
collection during it scans a growing heap to free nothing: measured at 40-65 ms of a first answer on the
emulators (bench/coldstart.py). After the first answer, `gc.freeze()` moves what exists to the permanent
generation (later collections never scan it again) and collection resumes. Only an instance the Functions
Framework loads (FUNCTION_TARGET set, as it sets it before importing the source) is affected: a test or a
tool importing `main` keeps its collector.
"""

from __future__ import annotations

import functools
import gc
import os
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def begin() -> None:
    """Called by main.py before it imports anything of ours."""
    # We use no pydantic plugins: without this, the first model pydantic builds reads the entry points of
    # every installed distribution to look for some (~13 M instructions, bench/coldstart.py --instructions).
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if os.environ.get("FUNCTION_TARGET"):
        gc.disable()


def settled() -> None:
    """After an answer: the startup's objects frozen, collection back on (a no-op once it is on)."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def settles(target: Callable[P, R]) -> Callable[P, R]:
    """A function target whose first answer, however it ends, turns collection back on."""

    @functools.wraps(target)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return target(*args, **kwargs)
        finally:
            settled()

    return run
