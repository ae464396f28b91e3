"""The operators' routes (the `admin` claim): runs, rebuilds, freezes, outages, dead letters."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr

from functions.api.routes.sessions import BatchOut, item_out, read_item, sessions_field
from functions.api.shared import StreakOut
from functions.fields import Instant, InstantIn, Strict, View, derived
from functions.routing import Auth, Call, Reply, Routes, Tag
from streak_core.dependencies import AdminDeps
from streak_core.domain.ids import is_user_id
from streak_core.domain.outages import MAX_OUTAGE, MAX_REASON
from streak_core.domain.vocabulary import RunStatus
from streak_core.errors import UserNotFound
from streak_core.models.maintenance import Outage
from streak_core.services import outages, retries, sessions
from streak_core.services.admin import MAX_FREEZE_GRANT, grant_freezes
from streak_core.services.rebuild import Counters, RebuildReport, rebuild_user
from streak_core.services.retries import MAX_REPLAY, ReplayReport
from streak_core.services.sessions import MAX_IMPORT
from streak_core.services.ticks import run_status

AdminCall = Call[AdminDeps]
OUTAGE_HOURS = MAX_OUTAGE // timedelta(hours=1)


# --- schemas ----------------------------------------------------------------------------------------------
class MaintenanceRunOut(View):
    run_id: str
    status: RunStatus
    users_due: int
    users_processed: int
    users_failed: int
    batches: int | None
    started_at: Instant | None
    finished_at: Instant | None


class RebuildQuery(BaseModel):
    dry_run: bool = Field(default=False, description="true: compare only, write nothing")


@derived(Counters)
class CountersOut(View):
    pass


@derived(RebuildReport)
class RebuildOut(View):
    pass


class FreezesIn(Strict):
    count: StrictInt = Field(
        ge=1, le=MAX_FREEZE_GRANT, description="Freezes to give; the user never holds more than the cap"
    )


class FreezesOut(BaseModel):
    freezes_available: int


class OutageIn(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "start": "2026-11-20T22:00:00Z",
                    "end": "2026-11-21T03:00:00Z",
                    "reason": "database incident",
                }
            ]
        }
    )

    start: InstantIn
    end: InstantIn = Field(description=f"After start, at most {OUTAGE_HOURS} hours later, not in the future")
    reason: StrictStr = Field(min_length=1, max_length=MAX_REASON)
    dry_run: StrictBool = Field(default=False, description="true: count the users affected, write nothing")


@derived(Outage, leave_out=("created_at",))
class OutageOut(View):
    pass


class OutageRecordedOut(BaseModel):
    outage: OutageOut
    run_id: str


class OutageDryRunOut(BaseModel):
    users_affected: int


class ReplayIn(Strict):
    limit: StrictInt = Field(
        default=100, ge=1, le=MAX_REPLAY, description="Dead letters to replay in this call"
    )


@derived(ReplayReport)
class ReplayOut(View):
    pass


class ImportIn(Strict):
    """History from another backend: sessions of any age, each judged on its own."""

    sessions: sessions_field(MAX_IMPORT) = Field(  # type: ignore[valid-type]  # an Annotated type built once
        max_length=MAX_IMPORT, description=f"Up to {MAX_IMPORT} session bodies"
    )


ROUTES: Routes[AdminDeps] = Routes(auth=Auth.ADMIN)


# --- handlers ---------------------------------------------------------------------------------------------
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
