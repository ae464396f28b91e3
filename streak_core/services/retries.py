"""The retry queue's handler, dead letters for users that keep failing, and their replay by an admin."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from streak_core.domain.sessions import parse_instant
from streak_core.ports import DeadLetterStore
from streak_core.services.maintenance import BatchWorker

MAINTAINED, RETRY, DEAD_LETTERED = "maintained", "retry", "dead_lettered"


def letter_id(run_id: object, uid: str) -> str:
    return f"{run_id or 'manual'}:{uid}"


def retry_user(
    worker: BatchWorker,
    dead_letters: DeadLetterStore,
    payload: dict[str, object],
    attempt: int,
    max_attempts: int,
    failed_at: datetime,
) -> str:
    """One Cloud Tasks attempt (`attempt` counts from 0). On the last failing attempt the user goes to
    `dead_letters/` and the task succeeds, so the queue stops; before that the task fails and is retried."""
    uid = str(payload["uid"])
    now = parse_instant(str(payload["now"]))
    report = worker.run([uid], now)
    error = report.failed.get(uid) or report.deferred.get(uid)
    if error is None:  # maintained, or the user no longer exists: nothing left to do
        return MAINTAINED
    if attempt + 1 < max_attempts:
        return RETRY
    dead_letters.add(
        {
            "id": letter_id(payload.get("run_id"), uid),
            "uid": uid,
            "run_id": payload.get("run_id"),
            "now": now,
            "error": error,
            "attempts": attempt + 1,
            "failed_at": failed_at,
        }
    )
    return DEAD_LETTERED


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
        uid = str(letter["uid"])
        outcome = worker.run([uid], now)
        error = outcome.failed.get(uid) or outcome.deferred.get(uid)
        if error is None:
            dead_letters.remove(str(letter["id"]))
            report.replayed.append(uid)
        else:
            report.still_failing[uid] = error
    return report
