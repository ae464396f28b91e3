"""The operators' routes (the `admin` claim): runs, rebuilds, freezes, outages, dead letters."""

from __future__ import annotations

from functions.api.presenters.admin import (
    OUTAGE_HOURS,
    FreezesIn,
    FreezesOut,
    ImportIn,
    MaintenanceRunOut,
    OutageDryRunOut,
    OutageIn,
    OutageOut,
    OutageRecordedOut,
    RebuildOut,
    RebuildQuery,
    ReplayIn,
    ReplayOut,
)
from functions.api.presenters.sessions import BatchOut, item_out, read_item
from functions.api.shared import StreakOut
from functions.routing import Auth, Call, Reply, Routes, Tag
from streak_core.areas import AdminDeps
from streak_core.domain.ids import is_user_id
from streak_core.errors import UserNotFound
from streak_core.services import outages, retries, sessions
from streak_core.services.admin import grant_freezes
from streak_core.services.rebuild import rebuild_user
from streak_core.services.sessions import MAX_IMPORT
from streak_core.services.ticks import run_status

AdminCall = Call[AdminDeps]


ROUTES: Routes[AdminDeps] = Routes(auth=Auth.ADMIN)


@ROUTES.get(
    "/v1/admin/maintenance-runs/{run_id}",
    {200: MaintenanceRunOut},
    operation_id="getMaintenanceRun",
)
def get_maintenance_run(call: AdminCall) -> Reply:
    """Get a maintenance run

    A maintenance run's progress (admin claim required)
    """
    return Reply(200, MaintenanceRunOut.model_validate(run_status(call.deps.runs, call.params["run_id"])))


@ROUTES.post(
    "/v1/admin/users/{uid}:rebuild",
    {200: RebuildOut},
    query=RebuildQuery,
    operation_id="rebuildUser",
)
def rebuild(call: AdminCall) -> Reply:
    """Rebuild a user's projections

    Recompute a user's days, streak and board entries from the session log and the recorded facts and report
    what differed (admin)
    """
    dry_run = call.query_as(RebuildQuery).dry_run
    uid = call.params["uid"]
    if not is_user_id(uid):
        raise UserNotFound
    deps = call.deps
    report = rebuild_user(deps.rebuilds, uid, call.now, deps.config, dry_run)
    return Reply(200, RebuildOut.model_validate(report))


@ROUTES.post(
    "/v1/admin/users/{uid}/freezes",
    {200: FreezesOut},
    body=FreezesIn,
    operation_id="grantFreezes",
)
def post_freezes(call: AdminCall) -> Reply:
    """Give a user freezes

    Give a user freezes, never above the cap (admin)
    """
    count = call.body_as(FreezesIn).count
    held = grant_freezes(call.deps.store, call.params["uid"], count, call.deps.config)
    return Reply(200, FreezesOut(freezes_available=held))


@ROUTES.post(
    "/v1/admin/outages",
    {202: OutageRecordedOut, 200: OutageDryRunOut},
    errors=(422,),
    body=OutageIn,
    description=f"Record an outage (at most {OUTAGE_HOURS} h, already over): a run excuses the days it"
    " cost users and gives their freezes back; a dry run counts the users affected (admin)",
    operation_id="recordOutage",
)
def post_outage(call: AdminCall) -> Reply:
    """Record an outage"""
    body, deps = call.body_as(OutageIn), call.deps
    if body.dry_run:
        page = deps.page_size
        affected = outages.count_affected(deps.maintenance, body.start, body.end, call.now, deps.config, page)
        return Reply(200, OutageDryRunOut(users_affected=affected))
    outage, run_id = outages.record_outage(
        deps.outages, deps.ticks, body.start, body.end, body.reason, call.now
    )
    return Reply(202, OutageRecordedOut(outage=OutageOut.model_validate(outage), run_id=run_id))


@ROUTES.post(
    "/v1/admin/dead-letters:replay",
    {200: ReplayOut},
    body=ReplayIn,
    operation_id="replayDeadLetters",
)
def replay_dead_letters(call: AdminCall) -> Reply:
    """Replay dead-lettered users

    Maintain dead-lettered users again; those that succeed leave the dead letters (admin)
    """
    body = call.body_as(ReplayIn)
    deps = call.deps
    report = retries.replay_dead_letters(deps.replay_worker, deps.dead_letters, call.now, body.limit)
    return Reply(200, ReplayOut.model_validate(report))


@ROUTES.post(
    "/v1/admin/users/{uid}/sessions:import",
    {200: BatchOut},
    body=ImportIn,
    description=f"Import up to {MAX_IMPORT} sessions of any age (a migration): each gets its own status;"
    " closed leaderboard periods and settled challenges stay as they are; nobody is notified (admin)",
    operation_id="importSessions",
)
def import_sessions(call: AdminCall) -> Reply:
    """Import a user's history"""
    uid, body = call.params["uid"], call.body_as(ImportIn)
    if not is_user_id(uid):
        raise UserNotFound
    items = [read_item(n, raw) for n, raw in enumerate(body.sessions)]
    outcome = sessions.import_sessions(call.deps.store, uid, items, call.now, call.deps.config)
    results = [item_out(item) for item in outcome.items]
    return Reply(200, BatchOut(results=results, streak=StreakOut.model_validate(outcome.streak)))


TAG = Tag(
    "Admin",
    "Operator routes: maintenance runs, rebuilds, freezes, outages, dead letters and imports. The `admin`"
    " claim is required.",
)
