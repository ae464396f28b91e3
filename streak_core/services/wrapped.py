"""Wrapped: a user's year in review from the year's days (one bounded read), with the percentile from the
yearly focus histogram the counters keep (never a scan of users), and its card."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from streak_core.domain.analytics import histogram_of, percentile
from streak_core.domain.cards import TextMetrics
from streak_core.domain.config import StreakConfig
from streak_core.domain.sessions import FieldIssue
from streak_core.domain.timeline import zone_named
from streak_core.domain.vocabulary import Locale
from streak_core.domain.wrapped import (
    FIRST_YEAR,
    CardSize,
    YearInReview,
    wrapped_svg,
    year_bounds,
    year_in_review,
)
from streak_core.errors import InvalidRequest
from streak_core.models.streaks import user_timezone
from streak_core.models.users import UserSettings
from streak_core.ports.analytics import AnalyticsStore
from streak_core.ports.users import UserStore
from streak_core.services.insights import day_focus
from streak_core.services.views import local_today


def get_wrapped(
    store: UserStore,
    analytics: AnalyticsStore,
    uid: str,
    year: int | None,
    now: datetime,
    config: StreakConfig,
) -> YearInReview:
    """The year (default: the user's current one, to date); a year before 2000 or after the current one is
    refused. A year without activity has zeros and nulls."""
    return _review(store, analytics, uid, year, now, config)[0]


def _review(
    store: UserStore,
    analytics: AnalyticsStore,
    uid: str,
    year: int | None,
    now: datetime,
    config: StreakConfig,
) -> tuple[YearInReview, UserSettings]:
    """The year in review, and the settings it was read with (the card's name and language)."""
    snap = store.snapshot(uid, (), ())
    timezone = user_timezone(snap.settings, snap.streak)
    today = local_today(now, timezone, snap.settings.day_starts)
    year = today.year if year is None else year
    if not FIRST_YEAR <= year <= today.year:
        issue = FieldIssue("year", "out_of_range", f"must be between {FIRST_YEAR} and {today.year}")
        raise InvalidRequest([issue])
    first, last = year_bounds(year)
    records = store.days_between(uid, first, min(last, today))
    focus = {d: day_focus(r) for d, r in records.items()}
    sessions = len({sid for r in records.values() for sid in r.pieces})
    review = year_in_review(
        year, focus, sessions, snap.streak.state, snap.streak.badges, zone_named(timezone), config
    )
    histogram = histogram_of(analytics.days(first, first).get(first, {}))
    return replace(review, percentile=percentile(histogram, review.focus_seconds)), snap.settings


def wrapped_card(
    store: UserStore,
    analytics: AnalyticsStore,
    metrics: TextMetrics,
    uid: str,
    year: int | None,
    size: CardSize,
    now: datetime,
    config: StreakConfig,
) -> str:
    """The year's card in the user's language."""
    review, settings = _review(store, analytics, uid, year, now, config)
    return wrapped_svg(review, settings.display_name, size, settings.locale or Locale.EN, metrics)
