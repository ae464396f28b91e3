"""Maintaining due users: close their finished local days and record what happened in the outbox."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from streak_core.domain.config import StreakConfig
from streak_core.domain.maintenance import close_days
from streak_core.models import DueUser, OutboxEntry
from streak_core.ports import MaintenanceStore, TransientStoreError
from streak_core.services.views import local_today, next_local_midnight, user_timezone


@dataclass(slots=True)
class BatchReport:
    processed: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    redone: list[str] = field(default_factory=list)


def maintain(user: DueUser, now: datetime, config: StreakConfig) -> list[OutboxEntry]:
    """Close the user's days up to their local yesterday and move their next due instant (in place)."""
    timezone = user_timezone(user.settings, user.streak)
    yesterday = local_today(now, timezone) - timedelta(days=1)
    record = user.streak
    closing = close_days(
        record.state, record.weekly_bonus_weeks, record.last_maintained_date, yesterday, config
    )
    record.last_maintained_date = closing.last_closed or record.last_maintained_date
    record.maintenance_due_at = next_local_midnight(now, timezone)
    return [OutboxEntry(user.uid, e.kind, e.key, e.data, now) for e in closing.events]


def maintain_batch(
    store: MaintenanceStore, uids: list[str], now: datetime, config: StreakConfig, parallelism: int = 16
) -> BatchReport:
    """One batched read, then a guarded write per user; a user who changed meanwhile is redone atomically."""
    report = BatchReport()
    users = store.load(uids)

    def one(user: DueUser) -> tuple[str, str | None, bool]:
        outbox = maintain(user, now, config)
        try:
            if store.commit_if_unchanged(user, outbox):
                return user.uid, None, False
            store.redo_in_transaction(user.uid, lambda fresh: maintain(fresh, now, config))
            return user.uid, None, True
        except TransientStoreError as exc:
            return user.uid, str(exc), False

    with ThreadPoolExecutor(max_workers=parallelism) as pool:
        for uid, error, redone in pool.map(one, users):
            if error is not None:
                report.failed[uid] = error
                continue
            report.processed.append(uid)
            if redone:
                report.redone.append(uid)
    return report
