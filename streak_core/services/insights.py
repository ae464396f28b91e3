"""A user's insights: this period and the one before, read in one range of days, and the prediction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from streak_core.domain.config import StreakConfig
from streak_core.domain.days import qualifies
from streak_core.domain.insights import (
    HORIZON_DAYS,
    DayFocus,
    PeriodFigures,
    Prediction,
    figures,
    period_of,
    predict,
)
from streak_core.domain.timeline import zone_named
from streak_core.models.streaks import DayRecord, user_timezone
from streak_core.ports.users import UserStore
from streak_core.services.views import local_today


@dataclass(frozen=True, slots=True)
class InsightsView:
    period: PeriodFigures
    previous: PeriodFigures
    prediction: Prediction


def day_focus(record: DayRecord) -> DayFocus:
    """The day as insights and the year in review read it: focus, sessions and merged intervals."""
    state = record.state
    return DayFocus(record.day, state.seconds, len(record.pieces), tuple((a, b) for a, b in state.intervals))


def get_insights(store: UserStore, uid: str, weeks: int, now: datetime, config: StreakConfig) -> InsightsView:
    """The `weeks` ending with the user's local yesterday, the same length before them, and the chance of
    keeping the streak over the 7 days from today (hours by the user's zone)."""
    snap = store.snapshot(uid, (), ())
    timezone = user_timezone(snap.settings, snap.streak)
    today = local_today(now, timezone, snap.settings.day_starts)
    first, last = period_of(today - timedelta(days=1), weeks)
    before_first, before_last = period_of(first - timedelta(days=1), weeks)
    records = store.days_between(uid, before_first, today)
    focus = {d: day_focus(r) for d, r in records.items()}
    zone = zone_named(timezone)
    state = snap.streak.state
    coming = [today + timedelta(days=n) for n in range(HORIZON_DAYS)]
    safe = [d for d in coming if state.is_paused(d) or state.is_excused(d)]
    if today in focus and qualifies(focus[today].seconds, config):
        safe.append(today)
    qualified = {d: qualifies(f.seconds, config) for d, f in focus.items() if d <= last}
    return InsightsView(
        figures(focus, first, last, zone, config),
        figures(focus, before_first, before_last, zone, config),
        predict(qualified, first, last, today, safe, state.freezes_available),
    )
