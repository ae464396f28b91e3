"""Sessions in: one at a time, in batches, or as asynchronous jobs (`Prefer: respond-async`)."""

from __future__ import annotations

import json

from functions.api.headers import idempotency_key, prefers_async
from functions.api.presenters.sessions import (
    BatchAnswer,
    BatchIn,
    JobEnvelope,
    SessionAcceptedOut,
    SessionIn,
    SessionOut,
    batch_answer,
    erasure_out,
    job_out,
)
from functions.http import RETRY_AFTER_SECONDS, service_error
from functions.routing import Call, Reply, Routes, Tag
from streak_core import context
from streak_core.dependencies import SessionDeps
from streak_core.errors import JobNotFound, SessionConflict
from streak_core.services import jobs
from streak_core.services.erasure import erasure_job
from streak_core.services.sessions import (
    MAX_BATCH,
    accept_session,
)
from streak_core.services.views import SessionView

SessionCall = Call[SessionDeps]


ROUTES: Routes[SessionDeps] = Routes()


@ROUTES.post(
    "/v1/sessions",
    {201: SessionAcceptedOut, 200: SessionAcceptedOut},
    errors=(403, 409, 422),
    body=SessionIn,
    operation_id="acceptSession",
)
def post_session(call: SessionCall) -> Reply:
    """Report a focus session

    Report a focus session (201 new, 200 exact duplicate)
    """
    body, deps = call.body_as(SessionIn), call.deps
    try:
        accepted = accept_session(
            deps.store, call.uid, body.fields(), call.now, deps.config, deps.notify, deps.pair_checks
        )
    except SessionConflict as conflict:
        answer = service_error(conflict)
        existing = SessionOut.model_validate(SessionView.of(conflict.existing))
        answer.details = {"existing": existing.model_dump(mode="json")}
        raise answer from None
    return Reply(200 if accepted.duplicate else 201, SessionAcceptedOut.model_validate(accepted))


@ROUTES.post(
    "/v1/sessions:batch",
    {200: BatchAnswer, 202: JobEnvelope},
    body=BatchIn,
    description=f"Report up to {MAX_BATCH} sessions; each gets its own status. With `Prefer:"
    " respond-async`: 202 and a job (the same Idempotency-Key again: 200 and the same job)",
    operation_id="acceptSessionBatch",
)
def post_batch(call: SessionCall) -> Reply:
    """Report a batch of sessions"""
    # Each item is checked on its own; one bad item never rejects the others. With `Prefer:
    # respond-async` (and the queue deployed) the batch becomes a job and the answer is 202.
    body, deps = call.body_as(BatchIn), call.deps
    if deps.jobs is not None and deps.job_queue is not None and prefers_async(call.request):
        request_json = json.dumps({"sessions": body.sessions}, sort_keys=True, separators=(",", ":"))
        key, correlation = idempotency_key(call.request), context.correlation_id()
        job, created = jobs.submit_job(
            deps.jobs, deps.job_queue, call.uid, request_json, call.now, key, correlation
        )
        headers = {"Location": f"/v1/jobs/{job.id}", "Retry-After": RETRY_AFTER_SECONDS}
        return Reply(202 if created else 200, job_out(job), headers=headers)
    return Reply(200, batch_answer(deps, call.uid, call.now, body))


@ROUTES.get("/v1/jobs/{id}", {200: JobEnvelope}, errors=(404,), operation_id="getJob")
def get_job(call: SessionCall) -> Reply:
    """Follow a job

    An asynchronous batch (Prefer: respond-async), or the caller's account deletion; another user's job is 404
    """
    deps, job_id = call.deps, call.params["id"]
    erasure = erasure_job(deps.eraser, call.uid, job_id, call.now) if deps.eraser is not None else None
    if erasure is not None:
        return Reply(200, erasure_out(erasure))
    if deps.jobs is None:
        raise service_error(JobNotFound())
    return Reply(200, job_out(jobs.get_job(deps.jobs, call.uid, job_id)))


TAG = Tag(
    "Sessions",
    "Focus sessions in: one at a time, in batches of up to 100, or as asynchronous jobs. The session id is"
    " the idempotency key.",
)
