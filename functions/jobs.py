"""The `session_jobs` function: one asynchronous batch of sessions per task of the `session-jobs` queue."""

from __future__ import annotations

import flask

from functions import payloads
from functions.api.presenters.sessions import BatchIn, batch_answer
from functions.http import ApiError
from functions.routing import Auth, Call, Reply, Routes, RouteTable
from functions.tasks import handle_task
from streak_core import context
from streak_core.dependencies import SessionDeps
from streak_core.function_dependencies import JobDependencies
from streak_core.models.jobs import SessionJob
from streak_core.services.erasure import erase_user
from streak_core.services.jobs import run_job

ROUTES: Routes[JobDependencies] = Routes(auth=Auth.NONE)


@ROUTES.post("/", {200: payloads.JobRunOut}, body=payloads.JobTaskIn)
def run(call: Call[JobDependencies]) -> Reply:
    """Run one asynchronous batch of sessions (the session-jobs queue's target)"""
    # One attempt: 200 once the job is settled (done, or failed and dead-lettered), 503 to be retried.
    deps = call.deps

    def work(job: SessionJob) -> str:
        context.set_user(job.uid)  # every line of the run names the job's user
        body = BatchIn.model_validate_json(job.request_json)
        sessions = SessionDeps(deps.store, deps.notify, deps.config, pair_checks=deps.pair_checks)
        answer = batch_answer(sessions, job.uid, job.now, body)
        return answer.model_dump_json(by_alias=True)

    job_id = call.body_as(payloads.JobTaskIn).job_id
    job = run_job(deps.jobs, job_id, deps.clock.now, work, deps.max_attempts)
    out = payloads.JobRunOut(status=job.status if job else None, attempts=job.attempts if job else 0)
    return Reply(200, out, log_fields={"job_id": job_id})


@ROUTES.post("/erase", {200: payloads.ErasureOut}, body=payloads.ErasureTaskIn)
def erase(call: Call[JobDependencies]) -> Reply:
    """Erase one user (the session-jobs queue's erasure tasks)"""
    # A user's erasure, to its end: a failure is a 503 and the queue runs it again, resuming where it
    # stopped (every step is idempotent).
    deps, uid = call.deps, call.body_as(payloads.ErasureTaskIn).uid
    if deps.eraser is None or deps.accounts is None:
        raise ApiError(404, "not_found", "This deployment erases users in the api function.")
    context.set_user(uid)
    erase_user(deps.eraser, deps.accounts, uid, call.now)
    return Reply(200, payloads.ErasureOut(erased=True))


JOBS: RouteTable[JobDependencies] = RouteTable(ROUTES)


def handle_jobs(request: flask.Request, deps: JobDependencies) -> flask.Response:
    return handle_task(request, JOBS, deps, deps.clock, "session_jobs", deps.time_budget)
