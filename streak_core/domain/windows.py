"""Rate-limit windows: fixed, and aligned on the epoch so every instance agrees on them without reading."""

from __future__ import annotations


def window_start(now: float, expiry: int) -> int:
    """The start (epoch seconds) of the window of `expiry` seconds holding `now`."""
    return int(now // expiry) * expiry
