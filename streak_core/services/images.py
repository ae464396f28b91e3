"""Pictures of a user's days: the activity heatmap, drawn once as SVG (and rasterised for PNG)."""

from __future__ import annotations

from datetime import datetime, timedelta

from streak_core.domain.config import StreakConfig
from streak_core.domain.heatmap import first_monday, heatmap_svg
from streak_core.ports.users import UserStore
from streak_core.services.views import day_view, user_today

MAX_HEATMAP_WEEKS = 53


def heatmap(store: UserStore, uid: str, weeks: int, now: datetime, config: StreakConfig) -> str:
    """The `weeks` columns of local dates ending with the week of the user's today, as SVG."""
    snap = store.snapshot(uid, (), ())
    today = user_today(snap.settings, snap.streak, now)
    first = first_monday(today, weeks)
    records = store.days_between(uid, first, today)
    dates = [first + timedelta(days=n) for n in range((today - first).days + 1)]
    days = [day_view(d, records.get(d), snap.streak, config) for d in dates]
    title = f"Focus by day from {first:%d %b %Y} to {today:%d %b %Y}"
    return heatmap_svg(days, today, weeks, config.threshold_seconds, title)
