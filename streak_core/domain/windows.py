"""Rate-limit windows: fixed, and aligned on the epoch so every instance agrees on them without reading; and
their notation, that of the `limits` library ("3/second;20/10 seconds;100/minute")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from streak_core.domain.vocabulary import WindowUnit

# What limits counts each unit as: a month is 30 days, a year 12 of those.
UNIT_SECONDS = {
    WindowUnit.SECOND: 1,
    WindowUnit.MINUTE: 60,
    WindowUnit.HOUR: 60 * 60,
    WindowUnit.DAY: 60 * 60 * 24,
    WindowUnit.MONTH: 60 * 60 * 24 * 30,
    WindowUnit.YEAR: 60 * 60 * 24 * 30 * 12,
}
NAMESPACE = "LIMITER"  # the first part of every key, as limits names its keys

# limits' own grammar (limits/util.py), so that both read the same strings the same way (tests/unit/
# test_rate_limit.py checks it against limits.parse_many): one window, and windows joined by `,`, `;` or
# `|`, with the optional `:` before a separator that limits' pattern allows.
_ONE = r"\s*([0-9]+)\s*(?:/|\s*per\s*)\s*([0-9]+)?\s*([a-z]+)\s*"
_WINDOW = re.compile(_ONE, re.IGNORECASE)
_WINDOWS = re.compile(rf"^{_ONE}(?::?[,;|]{_ONE})*$", re.IGNORECASE)
_SEPARATOR = re.compile(r"[,;|]")


@dataclass(frozen=True, slots=True)
class RateLimit:
    """`amount` requests per `multiples` `unit`s: one window of the notation ("20/10 seconds")."""

    amount: int
    multiples: int
    unit: WindowUnit

    @property
    def expiry(self) -> int:
        """The window's length in seconds."""
        return self.multiples * UNIT_SECONDS[self.unit]

    def key_for(self, *identifiers: str) -> str:
        """The window's counter key for these identifiers, as limits builds it
        (`LIMITER/write/{uid}/20/10/second`)."""
        return "/".join((NAMESPACE, *identifiers, str(self.amount), str(self.multiples), self.unit.value))


def parse_limits(spec: str) -> tuple[RateLimit, ...]:
    """The windows of `spec` in limits' notation; an empty (or blank) spec means no limit. ValueError for
    anything else limits would not read."""
    if not spec.strip():
        return ()
    if not _WINDOWS.match(spec):
        raise ValueError(f"couldn't parse rate limit string '{spec}'")
    # Once the whole matched, each part is one window of it.
    windows = (found.groups() for part in _SEPARATOR.split(spec) if (found := _WINDOW.match(part)))
    return tuple(
        RateLimit(int(amount), int(multiples or 0) or 1, _unit(unit)) for amount, multiples, unit in windows
    )


def _unit(word: str) -> WindowUnit:
    word = word.lower()
    for unit in WindowUnit:
        if word in (unit.value, f"{unit.value}s"):
            return unit
    raise ValueError(f"no granularity matched for {word}")


def window_start(now: float, expiry: int) -> int:
    """The start (epoch seconds) of the window of `expiry` seconds holding `now`."""
    return int(now // expiry) * expiry
