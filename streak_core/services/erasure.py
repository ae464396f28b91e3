"""Erasing a user (GDPR art. 17, and the app stores' account deletion): every document about them with
every counter they moved, their Firebase account last; resumable at any point after a crash."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from streak_core.domain.ids import erasure_id
from streak_core.domain.vocabulary import ErasureStep, JobStatus
from streak_core.ports.erasure import AccountDirectory, Eraser, ErasureReceipt
from streak_core.ports.identity import TokenVerifier
from streak_core.ports.jobs import JobQueue

log = logging.getLogger(__name__)
PAGE = 100  # documents erased a commit


@dataclass(frozen=True, slots=True)
class ErasureJob:
    """An erasure as a job the caller can follow (GET /v1/jobs/{id})."""

    id: str
    status: JobStatus
    created_at: datetime
    updated_at: datetime


def view(uid: str, receipt: ErasureReceipt, now: datetime) -> ErasureJob:
    status = JobStatus.DONE if receipt.finished_at else JobStatus.RUNNING
    return ErasureJob(erasure_id(uid), status, receipt.requested_at, receipt.finished_at or now)


def request_erasure(
    eraser: Eraser,
    accounts: AccountDirectory,
    verifier: TokenVerifier | None,
    queue: JobQueue | None,
    uid: str,
    now: datetime,
) -> tuple[ErasureJob, bool]:
    """Start erasing the user (the same request again: the same erasure), and whether it is finished.
    The shares go at once (their public pages 404 from now on); the rest runs on the queue, or here
    without one."""
    receipt = eraser.begin(uid, now)
    if receipt.finished_at is not None:
        return view(uid, receipt, now), True
    if verifier is not None:
        verifier.forget(uid)  # once the account is gone, this instance refuses the user's tokens at once
    _run(eraser, uid, [ErasureStep.SHARES])
    if queue is not None:
        queue.enqueue_erasure(uid, erasure_id(uid))
        return view(uid, receipt, now), False
    done = erase_user(eraser, accounts, uid, now)
    return view(uid, done, now), True


def erase_user(eraser: Eraser, accounts: AccountDirectory, uid: str, now: datetime) -> ErasureReceipt:
    """Every step until nothing is left, the account, then the receipt: run again after a crash anywhere,
    it finishes what is left and moves no counter twice."""
    receipt = eraser.begin(uid, now)
    _run(eraser, uid, list(ErasureStep))
    accounts.delete(uid)
    eraser.finish(uid, now)
    log.info("user erased", extra={"erased": True, "receipt": erasure_id(uid)})
    return ErasureReceipt(receipt.requested_at, now)


def erasure_job(eraser: Eraser, uid: str, job_id: str, now: datetime) -> ErasureJob | None:
    """The caller's own erasure under its job id, if there is one (nobody else's id resolves)."""
    if job_id != erasure_id(uid):
        return None
    receipt = eraser.receipt(uid)
    return view(uid, receipt, now) if receipt is not None else None


def purge_orphans(
    eraser: Eraser, accounts: AccountDirectory, pages: Iterable[list[str]], now: datetime
) -> list[str]:
    """Erase every user of `pages` whose Firebase account is gone (deleted in the console or by the Admin
    SDK, where no request of ours saw it): the erased ids."""
    erased = []
    for page in pages:
        alive = accounts.existing(page)
        for uid in page:
            if uid not in alive:
                erase_user(eraser, accounts, uid, now)
                erased.append(uid)
    return erased


def _run(eraser: Eraser, uid: str, steps: list[ErasureStep]) -> None:
    for step in steps:
        while count := eraser.erase(uid, step, PAGE):
            log.info("erased", extra={"erasure_step": step.value, "documents": count})
