"""Outages: an operator records a window of our failure once; a run excuses what it cost each user."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from streak_core.domain.config import StreakConfig
from streak_core.domain.outages import MAX_OUTAGE, excuse_outage
from streak_core.domain.sessions import FieldIssue
from streak_core.errors import InvalidRequest
from streak_core.models.maintenance import DueUser, MaintenanceTick, Outage
from streak_core.models.notifications import OutboxEntry
from streak_core.models.streaks import user_timezone
from streak_core.ports.maintenance import MaintenanceStore, OutageStore, TickPublisher
from streak_core.services.badges import award_badges
from streak_core.services.maintenance import Work

ACTIVE_MARGIN = timedelta(days=2)  # a run that ended this long before the window may have broken in it


def check_window(start: datetime, end: datetime, now: datetime) -> None:
    issues = []
    if end <= start:
        issues.append(FieldIssue("end", "end_not_after_start", "must be later than start"))
    elif end - start > MAX_OUTAGE:
        hours = MAX_OUTAGE // timedelta(hours=1)
        issues.append(FieldIssue("end", "too_long", f"an outage lasts at most {hours} hours"))
    if end > now:
        issues.append(FieldIssue("end", "in_future", "must not be in the future: outages are recorded after"))
    if issues:
        raise InvalidRequest(issues)


def record_outage(
    outages: OutageStore, ticks: TickPublisher, start: datetime, end: datetime, reason: str, now: datetime
) -> tuple[Outage, str]:
    """Store the outage and start the run that excuses it; returns the outage and the run's id."""
    check_window(start, end, now)
    outage = Outage(uuid.uuid4().hex, start, end, reason, now)
    outages.create(outage)
    run_id = f"outage-{outage.id}"
    ticks.publish_tick(MaintenanceTick(run_id, now, outage.id))
    return outage, run_id


def candidate_pages(store: MaintenanceStore, outage: Outage, page_size: int) -> Iterator[list[str]]:
    """The users whose latest run ends near the window or after it: only they can have lost anything."""
    since: date = (outage.start - ACTIVE_MARGIN).date()
    yield from store.active_pages(since, page_size)


def excusing(outage: Outage, config: StreakConfig) -> Work:
    """The batch work of an outage run: excuse the user's days, or leave them unwritten."""

    def work(user: DueUser, now: datetime) -> list[OutboxEntry] | None:
        zone = user_timezone(user.settings, user.streak)
        excused = excuse_outage(
            user.streak.state, outage.start, outage.end, zone, config, user.settings.day_starts
        )
        return award_badges(user.uid, user.streak, now) if excused else None

    return work


def count_affected(
    store: MaintenanceStore,
    start: datetime,
    end: datetime,
    now: datetime,
    config: StreakConfig,
    page_size: int,
) -> int:
    """How many users the outage would excuse days of, without writing anything."""
    check_window(start, end, now)
    trial = Outage("dry-run", start, end, "", now)
    affected = 0
    for page in candidate_pages(store, trial, page_size):
        for user in store.load(page):
            zone = user_timezone(user.settings, user.streak)
            starts = user.settings.day_starts
            if excuse_outage(copy.deepcopy(user.streak.state), start, end, zone, config, starts):
                affected += 1
    return affected
