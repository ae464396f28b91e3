"""The hourly reminder: users at their reminder hour whose streak breaks tonight hear how much is left."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from streak_core.domain.config import StreakConfig
from streak_core.domain.notifications import (
    NotificationData,
    minutes_to_go,
    minutes_to_recover,
    plan_reminder,
)
from streak_core.domain.vocabulary import NotificationKind
from streak_core.models.maintenance import DueUser
from streak_core.models.notifications import OutboxEntry
from streak_core.models.streaks import user_timezone
from streak_core.ports.followups import DispatchQueue
from streak_core.ports.notifications import ReminderStore
from streak_core.ports.users import Profiles
from streak_core.services.followups import announce
from streak_core.services.friend_streaks import FriendStreaks, FriendWaiting


@dataclass(slots=True)
class ReminderReport:
    considered: int = 0
    reminded: int = 0
    not_announced: int = 0  # entries committed whose task could not be queued: the sweep sends them
    pages: int = 0


def send_reminders(
    store: ReminderStore,
    profiles: Profiles,
    queue: DispatchQueue | None,
    now: datetime,
    config: StreakConfig,
    page_size: int = 200,
    max_pages: int = 1000,
    pairs: FriendStreaks | None = None,
) -> ReminderReport:
    """Work through every user due; each page moves its users' `reminder_at` past `now`, so the same query
    returns the next ones. The entry id holds the local date: at most one reminder per user and day. A user
    whom a friend streak at risk waits for (the friend has focused today) hears of that one (`pairs`)."""
    report = ReminderReport()
    previous: list[str] = []
    while report.pages < max_pages:
        due = store.due_reminders(now, page_size)
        if not due or [u.uid for u in due] == previous:  # nothing moved on: every write lost a race
            break
        previous = [u.uid for u in due]
        report.pages += 1
        report.considered += len(due)
        plans = [(user, *_decide(user, now, config)) for user in due]
        waiting = _friends_waiting(pairs, plans, now) if pairs is not None else {}
        wanted = [(user.uid, day) for user, _, day in plans if day is not None]
        seconds = profiles.focus_seconds(wanted) if wanted else {}
        writes: list[tuple[DueUser, datetime, OutboxEntry | None]] = []
        for user, next_at, day in plans:
            entry = None
            if day is not None:
                done = seconds.get((user.uid, day), 0)
                data = (
                    _friend_reminder(waiting[user.uid], done, config)
                    if user.uid in waiting
                    else _reminder(user, day, done, config)
                )
                kind = NotificationKind.REMINDER
                entry = OutboxEntry(user.uid, kind, day.isoformat(), data, now) if data["minutes"] else None
            writes.append((user, next_at, entry))
        written = store.commit_reminders(writes)
        report.reminded += len(written)
        # Without a queue (no NOTIFICATIONS_DISPATCH_URL) nothing is announced: the sweep sends them all.
        report.not_announced += announce(queue, written, now) if queue is not None else len(written)
        if len(due) < page_size:
            break
    return report


def _friends_waiting(
    pairs: FriendStreaks, plans: list[tuple[DueUser, datetime, date | None]], now: datetime
) -> dict[str, FriendWaiting]:
    """Users to remind whom a friend streak waits for: at risk, and the friend has focused today. (A friend
    streak at risk means the user's own streak is too: they cover yesterday and not today.)"""
    found = {}
    for user, _, day in plans:
        if day is None or not user.friend_streaks:  # most users keep none: no read for them
            continue
        waiting = pairs.waiting_on(user.uid, day, now)
        if waiting is not None:
            found[user.uid] = waiting
    return found


def _friend_reminder(waiting: FriendWaiting, seconds: int, config: StreakConfig) -> NotificationData:
    data: dict[str, int | str] = {
        "minutes": minutes_to_go(seconds, config),
        "streak": waiting.length,
        "date": waiting.day.isoformat(),
        "friend_streak_id": waiting.streak_id,
    }
    if waiting.friend:
        data["friend"] = waiting.friend
    return data


def _decide(user: DueUser, now: datetime, config: StreakConfig) -> tuple[datetime, date | None]:
    """(the next reminder time, the local date to remind about now: at risk, or recovering yesterday's
    break, and not paused)."""
    prefs = user.settings.notifications
    zone = user_timezone(user.settings, user.streak)
    plan = plan_reminder(now, zone, prefs.reminder_hour, user.settings.day_starts)
    day, state = plan.due_on, user.streak.state
    if day is None or not prefs.allows(NotificationKind.REMINDER) or state.is_paused(day):
        return plan.next_at, None
    if state.at_risk(day) or state.recovery_offer(day, config) is not None:
        return plan.next_at, day
    return plan.next_at, None


def _reminder(user: DueUser, day: date, seconds: int, config: StreakConfig) -> NotificationData:
    """How much is left today: to keep the streak, or to recover the one that broke yesterday."""
    state = user.streak.state
    if state.at_risk(day):
        minutes = minutes_to_go(seconds, config)
        return {"minutes": minutes, "streak": state.current_streak(day), "date": day.isoformat()}
    broken = state.run_ending_before(day - timedelta(days=1))
    streak = broken[2] if broken else 0
    minutes = minutes_to_recover(seconds, config)
    return {"minutes": minutes, "streak": streak, "date": day.isoformat(), "recovery": 1}
