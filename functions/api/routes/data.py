"""The caller's own data: the session log listed and a wrong session deleted, and the export of everything."""

from __future__ import annotations

from functions.api.presenters.data import (
    ExportOut,
    SessionsPageOut,
    SessionsQuery,
    export_json,
)
from functions.api.presenters.sessions import JobEnvelope, SessionOut, erasure_out
from functions.http import RETRY_AFTER_SECONDS, Stream
from functions.routing import Call, Reply, Routes, Tag
from streak_core.areas import DataDeps
from streak_core.services import session_log
from streak_core.services.erasure import request_erasure
from streak_core.services.export import export_user
from streak_core.services.views import SessionView

DataCall = Call[DataDeps]


ROUTES: Routes[DataDeps] = Routes()


@ROUTES.get(
    "/v1/me/sessions", {200: SessionsPageOut}, errors=(422,), query=SessionsQuery, operation_id="listSessions"
)
def get_sessions(call: DataCall) -> Reply:
    """List the caller's session log

    The caller's session log, newest first (a deleted session is not in it)
    """
    query, deps = call.query_as(SessionsQuery), call.deps
    page = session_log.list_sessions(
        deps.store, deps.data, deps.cursors, call.uid, query.from_, query.to, query.limit, query.cursor
    )
    sessions = [SessionOut.model_validate(SessionView.of(stored)) for stored in page.sessions]
    return Reply(200, SessionsPageOut(sessions=sessions, next_cursor=page.next_cursor))


@ROUTES.delete("/v1/me/sessions/{id}", {204: None}, errors=(404,), operation_id="deleteSession")
def delete_session(call: DataCall) -> Reply:
    """Delete a wrong session

    Take a wrong session out of the log: every projection follows (boards of closed periods and settled
    challenges stay, badges stay earned); again: 204; its id cannot be used again (409 session_deleted)
    """
    session_log.delete_session(call.deps.rebuilds, call.uid, call.params["id"], call.now, call.deps.config)
    return Reply(204)


@ROUTES.get("/v1/me/export", {200: ExportOut}, operation_id="exportMyData")
def get_export(call: DataCall) -> Reply:
    """Export the caller's data

    Every stored fact about the caller, as one JSON document to download
    """
    found = export_user(call.deps.export, call.uid, call.now, call.deps.config)
    disposition = f'attachment; filename="focus-export-{call.uid}.json"'
    return Reply(
        200, Stream(export_json(found), "application/json"), headers={"Content-Disposition": disposition}
    )


@ROUTES.delete("/v1/me", {202: JobEnvelope, 204: None}, operation_id="deleteAccount")
def delete_me(call: DataCall) -> Reply:
    """Delete the caller's account

    Delete the caller's account and every document about them (202 and the job to follow; 204 once done):
    shares go at once, the Firebase account last; the old token is then 401
    """
    deps = call.deps
    job, finished = request_erasure(
        deps.eraser, deps.accounts, deps.verifier, deps.job_queue, call.uid, call.now
    )
    if finished:
        return Reply(204)
    headers = {"Location": f"/v1/jobs/{job.id}", "Retry-After": RETRY_AFTER_SECONDS}
    return Reply(202, erasure_out(job), headers=headers)


TAG = Tag("Your data", "The session log, deleting a wrong session, the export and account deletion.")
