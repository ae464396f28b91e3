"""What the product team's daily figures count, and which write moves which counter: one name per figure, and
the rules that turn a write's changes into counter moves (applied by the writes that already happen)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum

from streak_core.domain.vocabulary import (
    Channel,
    DeliveryStatus,
    HookDeliveryStatus,
    NotificationKind,
)


class Metric(StrEnum):
    """A daily figure of `GET /v1/admin/analytics` (UTC dates)."""

    ACTIVE_USERS = "active_users"  # users with a session accepted that date (once each)
    QUALIFYING_USERS = "qualifying_users"  # users whose acceptance qualified a day that date (once each)
    SESSIONS = "sessions"  # sessions accepted
    FOCUS_SECONDS = "focus_seconds"  # focus those sessions added (overlaps counted once)
    STREAKS_STARTED = "streaks_started"
    STREAKS_BROKEN = "streaks_broken"
    FREEZES_APPLIED = "freezes_applied"
    RECOVERIES = "recoveries"
    SHARE_OPENS = "share_opens"


class Group(StrEnum):
    """Which side of the reactivation experiment a user is on."""

    TREATMENT = "treatment"
    HOLDOUT = "holdout"


@dataclass(frozen=True, slots=True)
class Count:
    """Move counter `name` of UTC date `day` by `n`."""

    day: date
    name: str
    n: int = 1


def notification_counter(kind: NotificationKind, channel: Channel, status: DeliveryStatus) -> str:
    return f"notifications:{kind}:{channel}:{status}"


def webhook_counter(status: HookDeliveryStatus) -> str:
    return f"webhooks:{status}"


def reactivation_counter(group: Group, what: str) -> str:
    """`users` (reached a step) or `returned` (qualified a day within 7 days after it)."""
    return f"reactivation:{group}:{what}"


# The notifications that are a figure in themselves. (Streaks started are counted by the acceptance that
# begins a live run, not from `streak.started` events, which a batch that builds a whole run never sends.)
COUNTED_KINDS = {
    NotificationKind.STREAK_BROKEN: Metric.STREAKS_BROKEN,
    NotificationKind.FREEZE_APPLIED: Metric.FREEZES_APPLIED,
    NotificationKind.STREAK_RECOVERED: Metric.RECOVERIES,
}


def utc_day(at: datetime) -> date:
    return at.astimezone(UTC).date()


def counts_of(kinds: Iterable[tuple[NotificationKind, datetime]]) -> list[Count]:
    """The figures a write's new outbox entries move (the one rule every writer of entries goes through)."""
    return [Count(utc_day(at), COUNTED_KINDS[k]) for k, at in kinds if k in COUNTED_KINDS]


def merged(counts: Iterable[Count]) -> dict[tuple[date, str], int]:
    """Counts summed by (date, counter), zeros left out: what one write sends."""
    out: dict[tuple[date, str], int] = {}
    for c in counts:
        out[(c.day, c.name)] = out.get((c.day, c.name), 0) + c.n
    return {k: n for k, n in out.items() if n}


# --- the yearly focus histogram (Wrapped's percentile) --------------------------------------------------
# Each user active in a year is counted in one bucket of their focus that year; four buckets per doubling
# of the minutes, so a percentile read from it is within a few points anywhere on the scale. The buckets
# live on the year's first date among the daily counters (names `year_focus:{bucket}`).
YEAR_FOCUS = "year_focus:"


def focus_bucket(seconds: int) -> int:
    """1 for the first minute, then 4 buckets per doubling of the minutes (0: no focus)."""
    return 0 if seconds <= 0 else 1 + int(4 * math.log2(seconds / 60 + 1))


def year_moves(before: Mapping[str, int], after: Mapping[str, int]) -> list[Count]:
    """The histogram moves of a user's yearly focus going from `before` to `after` (year -> seconds)."""
    moves = []
    for year in sorted(set(before) | set(after)):
        old, new = focus_bucket(before.get(year, 0)), focus_bucket(after.get(year, 0))
        if old == new:
            continue
        first = date(int(year), 1, 1)
        if old:
            moves.append(Count(first, f"{YEAR_FOCUS}{old}", -1))
        if new:
            moves.append(Count(first, f"{YEAR_FOCUS}{new}", 1))
    return moves


def percentile(histogram: Mapping[int, int], seconds: int) -> int | None:
    """The share (0-100) of the other users active that year with less focus than `seconds`: every user of
    a lower bucket, and half of the others in the user's own (None: no focus, or nobody else)."""
    mine = focus_bucket(seconds)
    total = sum(histogram.values())
    if not mine or total <= 1:
        return None
    below = sum(n for b, n in histogram.items() if b < mine)
    same = max(histogram.get(mine, 1) - 1, 0)
    return round(100 * (below + same / 2) / (total - 1))


def histogram_of(counters: Mapping[str, int]) -> dict[int, int]:
    """The year's buckets from its first date's counters."""
    return {int(k[len(YEAR_FOCUS) :]): n for k, n in counters.items() if k.startswith(YEAR_FOCUS) and n > 0}
