"""`jobs/{id}`: asynchronous batches of sessions; `job_dead_letters/{id}`: those that ran out of attempts."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from google.api_core import exceptions as gexc

from streak_core.adapters.firestore import paths
from streak_core.adapters.firestore.client import LazyFirestore, run_transaction, store_errors, stream
from streak_core.adapters.firestore.codec import Codec
from streak_core.domain.vocabulary import JobStatus
from streak_core.models.jobs import SessionJob
from streak_core.ports.jobs import JobStore

SETTLED = (JobStatus.DONE, JobStatus.FAILED)


JOB_DOC = Codec(SessionJob, given=("id",))


class FirestoreJobStore(JobStore):
    def __init__(self, client: LazyFirestore) -> None:
        self._client = client

    def create_or_get(self, job: SessionJob) -> tuple[SessionJob, bool]:
        ref = paths.job(self._client(), job.id)
        try:
            with store_errors():
                ref.create(JOB_DOC.dump(job))
        except gexc.AlreadyExists:
            existing = self.get(job.id)
            if existing is None:  # created and deleted in between: nothing to return but ours
                return self.create_or_get(job)
            return existing, False
        return job, True

    def get(self, job_id: str) -> SessionJob | None:
        with store_errors():
            snapshot = paths.job(self._client(), job_id).get()
        return JOB_DOC.load(snapshot.to_dict(), id=job_id) if snapshot.exists else None

    def start_attempt(self, job_id: str, now: datetime) -> SessionJob | None:
        client = self._client()
        ref = paths.job(client, job_id)

        def body(transaction: Any) -> SessionJob | None:
            snapshot = ref.get(transaction=transaction)
            if not snapshot.exists:
                return None
            job = JOB_DOC.load(snapshot.to_dict(), id=job_id)
            if job.status in SETTLED:
                return None
            change = {"status": JobStatus.RUNNING.value, "attempts": job.attempts + 1, "updated_at": now}
            transaction.update(ref, change)
            return JOB_DOC.load({**snapshot.to_dict(), **change}, id=job_id)

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
        found = {doc.id: JOB_DOC.load(doc.to_dict(), id=doc.id) for doc in docs if doc.exists}
        return [found[letter.id] for letter in letters if letter.id in found]

    def requeue(self, job_id: str, now: datetime) -> SessionJob | None:
        client = self._client()
        ref, letter = paths.job(client, job_id), paths.job_dead_letter(client, job_id)

        def body(transaction: Any) -> SessionJob | None:
            snapshot = ref.get(transaction=transaction)
            if not snapshot.exists:
                return None
            job = JOB_DOC.load(snapshot.to_dict(), id=job_id)
            if job.status is not JobStatus.FAILED:
                return None
            again = replace(job, status=JobStatus.QUEUED, attempts=0, updated_at=now, error=None)
            transaction.set(ref, JOB_DOC.dump(again))
            transaction.delete(letter)
            return again

        return run_transaction(client, body)

    def settle(self, job: SessionJob, dead_letter: bool = False) -> None:
        client = self._client()
        batch = client.batch()
        batch.set(paths.job(client, job.id), JOB_DOC.dump(job))
        if dead_letter:
            letter = {"uid": job.uid, "error": job.error, "attempts": job.attempts}
            batch.set(paths.job_dead_letter(client, job.id), {**letter, "failed_at": job.updated_at})
        with store_errors():
            batch.commit()
