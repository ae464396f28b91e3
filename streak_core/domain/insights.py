"""Insights: figures over whole local days, focus by local hour, and a small explained streak prediction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from streak_core.domain.config import StreakConfig
from streak_core.domain.days import qualifies

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_WEEKS = 52
# Local hour boundaries fall on UTC quarter hours in every zone (offsets are multiples of 15 minutes).
QUARTER_MS = 15 * 60 * 1000
# The prediction: each weekday's qualification rate, recent weeks weighing more (a weight halves every
# HALF_LIFE_DAYS), pulled towards the user's overall rate by PRIOR_WEIGHT pseudo-days; the overall rate
# itself is Laplace's rule of succession ((hits + 1) / (days + 2)), so a short perfect record is good, not
# certain. Only days from the user's first active one count: the weeks before they began are no misses.
HALF_LIFE_DAYS = 28
PRIOR_WEIGHT = 2.0
HORIZON_DAYS = 7
# A weekday is named the weakest only when its chance is this much below the best weekday's.
WEAKER_BY = 0.1


@dataclass(frozen=True, slots=True)
class DayFocus:
    """One local day as insights see it: focus seconds, sessions, and the merged intervals (UTC ms)."""

    day: date
    seconds: int
    sessions: int = 0
    intervals: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class PeriodFigures:
    first: date
    last: date
    days: int
    active_days: int
    qualified_days: int
    qualified_rate: float
    average_seconds_per_day: int
    average_seconds_per_active_day: int
    average_sessions_per_active_day: float
    weekday_rates: dict[str, float]
    best_weekday: str | None
    hour_seconds: list[int]


@dataclass(frozen=True, slots=True)
class Prediction:
    keep_streak_7_days: float
    weakest_weekday: str | None
    weekday_chances: dict[str, float]  # the model's chance of qualifying on each weekday


def period_of(last: date, weeks: int) -> tuple[date, date]:
    """The `weeks` whole weeks of local dates ending with `last`."""
    return last - timedelta(days=7 * weeks - 1), last


def figures(
    days: Mapping[date, DayFocus], first: date, last: date, zone: tzinfo, config: StreakConfig
) -> PeriodFigures:
    """Every figure of a period, from its local days (missing days had no focus). Averages are per local
    day, whatever its length in hours (a DST day has 23 or 25)."""
    dates = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    inside = [days[d] for d in dates if d in days]
    active = [d for d in inside if d.seconds > 0]
    qualified = {d.day for d in inside if qualifies(d.seconds, config)}
    total = sum(d.seconds for d in inside)
    weekday_rates = {}
    for n, name in enumerate(WEEKDAYS):
        of_weekday = [d for d in dates if d.weekday() == n]
        hits = sum(1 for d in of_weekday if d in qualified)
        weekday_rates[name] = round(hits / len(of_weekday), 4) if of_weekday else 0.0
    best = max(WEEKDAYS, key=lambda name: weekday_rates[name])  # the first of equals, Monday first
    return PeriodFigures(
        first=first,
        last=last,
        days=len(dates),
        active_days=len(active),
        qualified_days=len(qualified),
        qualified_rate=round(len(qualified) / len(dates), 4) if dates else 0.0,
        average_seconds_per_day=round(total / len(dates)) if dates else 0,
        average_seconds_per_active_day=round(total / len(active)) if active else 0,
        average_sessions_per_active_day=round(sum(d.sessions for d in active) / len(active), 2)
        if active
        else 0.0,
        weekday_rates=weekday_rates,
        best_weekday=best if weekday_rates[best] > 0 else None,
        hour_seconds=hour_seconds(inside, zone),
    )


def hour_seconds(days: Iterable[DayFocus], zone: tzinfo) -> list[int]:
    """Focus seconds by local clock hour (0-23), over the days' merged intervals. In a DST fall-back night
    the repeated hour counts twice; the skipped spring hour gets nothing."""
    totals_ms = [0] * 24
    for day in days:
        for start, end in day.intervals:
            at = start
            while at < end:
                step = min(end, (at // QUARTER_MS + 1) * QUARTER_MS)
                hour = datetime.fromtimestamp(at / 1000, UTC).astimezone(zone).hour
                totals_ms[hour] += step - at
                at = step
    return [ms // 1000 for ms in totals_ms]


def weekday_chances(qualified: Mapping[date, bool], first: date, last: date) -> dict[str, float]:
    """Each weekday's recency-weighted chance of qualifying over first..last, smoothed towards the
    overall weighted rate."""
    hits = [0.0] * 7
    seen = [0.0] * 7
    for n in range((last - first).days + 1):
        day = first + timedelta(days=n)
        weight = 0.5 ** ((last - day).days / HALF_LIFE_DAYS)
        seen[day.weekday()] += weight
        hits[day.weekday()] += weight * qualified.get(day, False)
    overall = (sum(hits) + 1) / (sum(seen) + 2)
    return {
        name: (hits[n] + PRIOR_WEIGHT * overall) / (seen[n] + PRIOR_WEIGHT) for n, name in enumerate(WEEKDAYS)
    }


def keep_chance(chances: Sequence[float], safe: Sequence[bool], freezes: int) -> float:
    """The chance of no break over the coming days: each day qualifies with its chance, a safe day (paused
    or excused) needs nothing, and a missed day spends a freeze while any are held. Exact, over the number
    of freezes left."""
    alive = {freezes: 1.0}  # freezes left -> probability of being there with the streak unbroken
    for chance, is_safe in zip(chances, safe, strict=True):
        if is_safe:
            continue
        following: dict[int, float] = {}
        for left, p in alive.items():
            following[left] = following.get(left, 0.0) + p * chance
            if left > 0:
                following[left - 1] = following.get(left - 1, 0.0) + p * (1 - chance)
        alive = following
    return sum(alive.values())


def predict(
    qualified: Mapping[date, bool],
    first: date,
    last: date,
    today: date,
    safe_days: Iterable[date],
    freezes: int,
) -> Prediction:
    """The chance of keeping the streak over the 7 days from `today`, from the weekday chances learnt on
    first..last, the days already safe (pauses planned, excused) and the freezes held."""
    began = min((d for d, q in qualified.items() if first <= d <= last and q), default=None)
    if began is None:  # nothing qualified yet: no streak to keep, nothing learnt
        return Prediction(0.0, None, dict.fromkeys(WEEKDAYS, 0.0))
    chances = weekday_chances(qualified, began, last)
    coming = [today + timedelta(days=n) for n in range(HORIZON_DAYS)]
    safe = set(safe_days)
    keep = keep_chance([chances[WEEKDAYS[d.weekday()]] for d in coming], [d in safe for d in coming], freezes)
    lowest = min(WEEKDAYS, key=lambda name: chances[name])
    # Named only when it really is weaker than the best weekday: else there is nothing to watch out for.
    weakest = lowest if chances[lowest] <= max(chances.values()) - WEAKER_BY else None
    return Prediction(round(keep, 4), weakest, {k: round(v, 4) for k, v in chances.items()})
