"""Nightly maintenance and outages: the users a run works on, its messages and tasks, its record."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from streak_core.domain.vocabulary import (
    RunStatus,
)
from streak_core.models.streaks import StreakRecord
from streak_core.models.users import UserSettings


@dataclass(slots=True)
class DueUser:
    """A user read for maintenance, with the version its write must still match and what the stored
    document weighs (pages and commits are sized by it)."""

    uid: str
    settings: UserSettings
    streak: StreakRecord
    version: object
    stored_bytes: int = 0
    friend_streaks: tuple[str, ...] = ()  # read with the settings where they are (the reminder tick)


@dataclass(frozen=True, slots=True)
class Outage:
    """A window of our own failure, recorded once by an operator; users' days in it are excused."""

    id: str
    start: datetime
    end: datetime
    reason: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class MaintenanceTick:
    """What starts a run: nightly maintenance, the excusing of an outage (`outage_id`), or the settlement
    of a league week (`league_week`)."""

    run_id: str
    now: datetime | None = None
    outage_id: str | None = None
    league_week: str | None = None


@dataclass(frozen=True, slots=True)
class MaintenanceBatch:
    """One page of a run's users: the message a tick publishes for a batch function."""

    run_id: str
    batch: int
    uids: tuple[str, ...]
    now: datetime
    outage_id: str | None = None
    league_week: str | None = None  # `uids` are then the ids of the week's cohorts to settle
    friend_streaks: bool = False  # `uids` are then ids of friend streaks whose check is due


@dataclass(frozen=True, slots=True)
class RetryTask:
    """One user's maintenance handed to the retry queue."""

    uid: str
    run_id: str | None
    now: datetime
    error: str | None = None

    @property
    def letter_id(self) -> str:
        """The dead letter this task becomes if every attempt fails: one per run and user."""
        return f"{self.run_id or 'manual'}:{self.uid}"


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A user whose maintenance exhausted its retries, kept for an operator's replay."""

    id: str
    uid: str
    run_id: str | None
    now: datetime
    error: str
    attempts: int
    failed_at: datetime


@dataclass(frozen=True, slots=True)
class MaintenanceRun:
    """`maintenance_runs/{run_id}`: a run's progress; the counters are exact once it is done."""

    run_id: str
    status: RunStatus
    users_due: int
    users_processed: int
    users_failed: int
    batches: int | None  # None until the fan-out is complete
    batches_done: int
    started_at: datetime
    finished_at: datetime | None

    @classmethod
    def started(cls, run_id: str, now: datetime) -> MaintenanceRun:
        return cls(run_id, RunStatus.RUNNING, 0, 0, 0, None, 0, now, None)

    def fanned_out(self, users_due: int, batches: int, now: datetime) -> MaintenanceRun:
        return replace(self, users_due=users_due, batches=batches)._finished_if_complete(now)

    def with_batch(self, processed: int, failed: int, now: datetime) -> MaintenanceRun:
        return replace(
            self,
            users_processed=self.users_processed + processed,
            users_failed=self.users_failed + failed,
            batches_done=self.batches_done + 1,
        )._finished_if_complete(now)

    def _finished_if_complete(self, now: datetime) -> MaintenanceRun:
        """Every batch reported: done, or failed when some users could not be maintained by the run (they
        went to the retry queue, and from there to the dead letters if they kept failing)."""
        if self.batches is not None and self.batches_done >= self.batches:
            status = RunStatus.FAILED if self.users_failed else RunStatus.DONE
            return replace(self, status=status, finished_at=now)
        return self
