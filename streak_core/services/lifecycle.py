"""A user's life as the product team counts it: what an acceptance moves on the daily counters and the yearly
focus histogram, and the reactivation steps of an absence (with its holdout) that nightly maintenance takes.
Both change the streak record in place; its write moves the counters with it (no read of their own)."""

from __future__ import annotations

import hashlib
import hmac
from bisect import bisect_right
from collections.abc import Mapping
from datetime import date, datetime, timedelta

from streak_core.domain import day_start
from streak_core.domain.analytics import Count, Group, Metric, reactivation_counter, utc_day, year_moves
from streak_core.domain.config import StreakConfig
from streak_core.domain.timeline import zone_named
from streak_core.domain.vocabulary import NotificationKind
from streak_core.models.notifications import OutboxEntry
from streak_core.models.streaks import Absence, StreakRecord

RETURN_WINDOW_DAYS = 7  # a qualified day this soon after a step counts as a return
# A step is told only while fresh: someone quiet for a year hears nothing the night this ships.
STALE_STEP_DAYS = 7


def in_holdout(uid: str, config: StreakConfig) -> bool:
    """Stable for a uid and key: the first 8 bytes of HMAC-SHA256(key, uid) as a fraction of 2**64."""
    digest = hmac.new(config.holdout_key.encode(), uid.encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < config.reactivation_holdout


def group_of(uid: str, config: StreakConfig) -> Group:
    return Group.HOLDOUT if in_holdout(uid, config) else Group.TREATMENT


def count_acceptance(
    streak: StreakRecord,
    grown: Mapping[date, int],
    qualified: list[date],
    sessions: int,
    started: int,
    now: datetime,
    silent: bool,
) -> None:
    """What an acceptance moves: the user's yearly focus (its histogram bucket), and, unless it is an import
    of history, the day's sessions, focus, streaks started (a live run it began), active and qualifying
    users (each user once a date) and a return after a reactivation step."""
    before = dict(streak.year_seconds)
    for day, seconds in grown.items():
        year = str(day.year)
        streak.year_seconds[year] = streak.year_seconds.get(year, 0) + seconds
    due = year_moves(before, streak.year_seconds)
    today = utc_day(now)
    if not silent:
        due += [
            Count(today, Metric.SESSIONS, sessions),
            Count(today, Metric.FOCUS_SECONDS, sum(grown.values())),
            Count(today, Metric.STREAKS_STARTED, started),
        ]
        if streak.active_on != today:
            streak.active_on = today
            due.append(Count(today, Metric.ACTIVE_USERS))
        if qualified and streak.qualifying_on != today:
            streak.qualifying_on = today
            due.append(Count(today, Metric.QUALIFYING_USERS))
        due += _returned(streak, qualified)
    streak.analytics_due.extend(due)


def _returned(streak: StreakRecord, qualified: list[date]) -> list[Count]:
    absence = streak.absence
    if absence is None or absence.returned:
        return []
    last = absence.closed + timedelta(days=RETURN_WINDOW_DAYS)
    if not any(absence.closed < day <= last for day in qualified):
        return []
    streak.absence = Absence(
        absence.since, absence.step, absence.reached_on, absence.group, absence.closed, True
    )
    return [Count(absence.reached_on, reactivation_counter(absence.group, "returned"))]


def reactivate(
    uid: str, streak: StreakRecord, timezone: str, closed: date, now: datetime, config: StreakConfig
) -> OutboxEntry | None:
    """Maintenance has closed the user's days through `closed`: the reactivation step their absence has
    reached, once per step of an absence (steps skipped by a late run are not told), never during a pause;
    counted for both groups, told to the treatment group only."""
    if not streak.latest_session_end_ms:
        return None  # never focused: nothing to come back to
    state = streak.state
    today = closed + timedelta(days=1)
    if state.is_paused(closed) or state.is_paused(today):
        return None
    starts = streak.day_starts_setting
    since = day_start.day_of(streak.latest_session_end_ms, zone_named(timezone), starts)
    # The days after the last focus through the closed one, less the paused ones (a count on the sorted
    # paused ordinals: a user quiet for years costs the nightly run no walk over the years).
    lo, hi = since.toordinal(), closed.toordinal()
    quiet = hi - lo - (bisect_right(state.paused, hi) - bisect_right(state.paused, lo)) if hi > lo else 0
    step = max((s for s in config.reactivation_steps if s <= quiet), default=None)
    told = streak.absence
    if step is None or (told is not None and told.since == since and told.step >= step):
        return None
    if quiet - step >= STALE_STEP_DAYS:
        return None  # reached long ago (an absence older than this feature, or maintenance down for days)
    group = group_of(uid, config)
    reached = utc_day(now)
    streak.absence = Absence(since, step, reached, group, closed)
    streak.analytics_due.append(Count(reached, reactivation_counter(group, "users")))
    if group is Group.HOLDOUT:
        return None
    data: dict[str, int | str] = {"days": quiet, "step": step, "since": since.isoformat()}
    return OutboxEntry(uid, NotificationKind.REACTIVATION, f"{since}:{step}", data, now)
