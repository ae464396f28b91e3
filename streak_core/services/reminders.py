"""The hourly reminder: users at their reminder hour whose streak breaks tonight hear how much is left."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from streak_core.domain.config import StreakConfig
from streak_core.domain.notifications import NotificationData, minutes_to_go, plan_reminder
from streak_core.domain.vocabulary import NotificationKind
from streak_core.models import OutboxEntry, user_timezone
from streak_core.ports import DispatchQueue, ReminderCandidate, ReminderStore
from streak_core.services.dispatch import announce


@dataclass(slots=True)
class ReminderReport:
    considered: int = 0
    reminded: int = 0
    not_announced: int = 0  # entries committed whose task could not be queued: the sweep sends them
    pages: int = 0


def send_reminders(
    store: ReminderStore,
    queue: DispatchQueue | None,
    now: datetime,
    config: StreakConfig,
    page_size: int = 200,
    max_pages: int = 1000,
) -> ReminderReport:
    """Work through every user due; each page moves its users' `reminder_at` past `now`, so the same query
    returns the next ones. The entry id holds the local date: at most one reminder per user and day."""
    report = ReminderReport()
    previous: list[str] = []
    while report.pages < max_pages:
        due = store.due_reminders(now, page_size)
        if not due or [u.uid for u in due] == previous:  # nothing moved on: every write lost a race
            break
        previous = [u.uid for u in due]
        report.pages += 1
        report.considered += len(due)
        plans = [(user, *_decide(user, now)) for user in due]
        wanted = [(user.uid, day) for user, _, day in plans if day is not None]
        seconds = store.focus_seconds(wanted) if wanted else {}
        writes: list[tuple[ReminderCandidate, datetime, OutboxEntry | None]] = []
        for user, next_at, day in plans:
            entry = None
            if day is not None:
                minutes = minutes_to_go(seconds.get((user.uid, day), 0), config)
                streak = user.streak.state.current_streak(day)
                data: NotificationData = {"minutes": minutes, "streak": streak, "date": day.isoformat()}
                kind = NotificationKind.REMINDER
                entry = OutboxEntry(user.uid, kind, day.isoformat(), data, now) if minutes > 0 else None
            writes.append((user, next_at, entry))
        written = store.commit_reminders(writes)
        report.reminded += len(written)
        # Without a queue (no NOTIFICATIONS_DISPATCH_URL) nothing is announced: the sweep sends them all.
        report.not_announced += announce(queue, written, now) if queue is not None else len(written)
        if len(due) < page_size:
            break
    return report


def _decide(user: ReminderCandidate, now: datetime) -> tuple[datetime, date | None]:
    """(the next reminder time, the local date to remind about now, if the streak is at risk on it)."""
    prefs = user.settings.notifications
    plan = plan_reminder(now, user_timezone(user.settings, user.streak), prefs.reminder_hour)
    day = plan.due_on
    if day is None or not prefs.allows(NotificationKind.REMINDER) or not user.streak.state.at_risk(day):
        return plan.next_at, None
    return plan.next_at, day
