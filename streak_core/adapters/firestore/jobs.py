"""`jobs/{id}`: asynchronous batches of sessions; `job_dead_letters/{id}`: those that ran out of attempts."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from google.api_core import exceptions as gexc

from streak_core.adapters.firestore import paths
from streak_core.adapters.firestore.client import LazyFirestore, run_transaction, store_errors, stream
from streak_core.domain.vocabulary import JobStatus
from streak_core.models.jobs import SessionJob
from streak_core.ports.jobs import JobStore

SETTLED = (JobStatus.DONE, JobStatus.FAILED)


def job_to_doc(job: SessionJob) -> dict[str, Any]:
    return {
        "uid": job.uid,
        "status": job.status.value,
        "created_at": job.created_at,
        "updated_at": job.updated_at,
        "attempts": job.attempts,
        "request_json": job.request_json,
        "request_digest": job.request_digest,
        "now": job.now,
        "correlation_id": job.correlation_id,
        "result_json": job.result_json,
        "error": job.error,
    }


def job_from_doc(job_id: str, data: dict[str, Any]) -> SessionJob:
    return SessionJob(
        job_id,
        data["uid"],
        JobStatus(data["status"]),
        data["created_at"],
        data["updated_at"],
        int(data["attempts"]),
        data["request_json"],
        data["request_digest"],
        data["now"],
        data.get("correlation_id"),
        data.get("result_json"),
        data.get("error"),
    )


class FirestoreJobStore(JobStore):
    def __init__(self, client: LazyFirestore) -> None:
        self._client = client

    def create_or_get(self, job: SessionJob) -> tuple[SessionJob, bool]:
        ref = paths.job(self._client(), job.id)
        try:
            with store_errors():
                ref.create(job_to_doc(job))
        except gexc.AlreadyExists:
            existing = self.get(job.id)
            if existing is None:  # created and deleted in between: nothing to return but ours
                return self.create_or_get(job)
            return existing, False
        return job, True

    def get(self, job_id: str) -> SessionJob | None:
        with store_errors():
            snapshot = paths.job(self._client(), job_id).get()
        return job_from_doc(job_id, snapshot.to_dict()) if snapshot.exists else None

    def start_attempt(self, job_id: str, now: datetime) -> SessionJob | None:
        client = self._client()
        ref = paths.job(client, job_id)

        def body(transaction: Any) -> SessionJob | None:
            snapshot = ref.get(transaction=transaction)
            if not snapshot.exists:
                return None
            job = job_from_doc(job_id, snapshot.to_dict())
            if job.status in SETTLED:
                return None
            change = {"status": JobStatus.RUNNING.value, "attempts": job.attempts + 1, "updated_at": now}
            transaction.update(ref, change)
            return job_from_doc(job_id, {**snapshot.to_dict(), **change})

        return run_transaction(client, body)

    def failed_jobs(self, limit: int) -> list[SessionJob]:
        client = self._client()
        letters = stream(
            client.collection("job_dead_letters").order_by("failed_at").limit(limit), "job letters"
        )
        with store_errors():
            docs = (
                list(client.get_all([paths.job(client, letter.id) for letter in letters])) if letters else []
            )
        found = {doc.id: job_from_doc(doc.id, doc.to_dict()) for doc in docs if doc.exists}
        return [found[letter.id] for letter in letters if letter.id in found]

    def requeue(self, job_id: str, now: datetime) -> SessionJob | None:
        client = self._client()
        ref, letter = paths.job(client, job_id), paths.job_dead_letter(client, job_id)

        def body(transaction: Any) -> SessionJob | None:
            snapshot = ref.get(transaction=transaction)
            if not snapshot.exists:
                return None
            job = job_from_doc(job_id, snapshot.to_dict())
            if job.status is not JobStatus.FAILED:
                return None
            again = replace(job, status=JobStatus.QUEUED, attempts=0, updated_at=now, error=None)
            transaction.set(ref, job_to_doc(again))
            transaction.delete(letter)
            return again

        return run_transaction(client, body)

    def settle(self, job: SessionJob, dead_letter: bool = False) -> None:
        client = self._client()
        batch = client.batch()
        batch.set(paths.job(client, job.id), job_to_doc(job))
        if dead_letter:
            letter = {"uid": job.uid, "error": job.error, "attempts": job.attempts}
            batch.set(paths.job_dead_letter(client, job.id), {**letter, "failed_at": job.updated_at})
        with store_errors():
            batch.commit()
