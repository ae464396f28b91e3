"""The retry queue's handler, dead letters for users that keep failing, and their replay by an admin."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from streak_core.domain.vocabulary import RetryOutcome
from streak_core.models.maintenance import DeadLetter, RetryTask
from streak_core.ports.maintenance import DeadLetterStore
from streak_core.services.maintenance import BatchWorker

log = logging.getLogger(__name__)
MAX_REPLAY = 500  # dead letters one replay call works through


def retry_user(
    worker: BatchWorker,
    dead_letters: DeadLetterStore,
    task: RetryTask,
    attempt: int,
    max_attempts: int,
    failed_at: datetime,
) -> RetryOutcome:
    """One Cloud Tasks attempt (`attempt` counts from 0). On the last failing attempt the user goes to
    `dead_letters/` and the task succeeds, so the queue stops; before that the task fails and is retried."""
    report = worker.run([task.uid], task.now)
    error = report.failed.get(task.uid) or report.deferred.get(task.uid)
    if error is None:  # maintained, or the user no longer exists: nothing left to do
        return RetryOutcome.MAINTAINED
    if attempt + 1 < max_attempts:
        return RetryOutcome.RETRY
    letter = DeadLetter(task.letter_id, task.uid, task.run_id, task.now, error, attempt + 1, failed_at)
    dead_letters.add(letter)
    fields = {"dead_letter": True, "dead_letter_kind": "maintenance", "letter_id": letter.id, "error": error}
    log.error("maintenance dead-lettered", extra=fields)
    return RetryOutcome.DEAD_LETTERED


@dataclass(slots=True)
class ReplayReport:
    replayed: list[str] = field(default_factory=list)
    still_failing: dict[str, str] = field(default_factory=dict)


def replay_dead_letters(
    worker: BatchWorker, dead_letters: DeadLetterStore, now: datetime, limit: int
) -> ReplayReport:
    """Maintain each dead-lettered user again at `now` (catching up every day since); remove what succeeds."""
    report = ReplayReport()
    for letter in dead_letters.list(limit):
        outcome = worker.run([letter.uid], now)
        error = outcome.failed.get(letter.uid) or outcome.deferred.get(letter.uid)
        if error is None:
            dead_letters.remove(letter.id)
            report.replayed.append(letter.uid)
        else:
            report.still_failing[letter.uid] = error
    return report
