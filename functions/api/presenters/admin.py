"""The admin area's schemas and presenters: its request and response models and how views become them."""

from __future__ import annotations

from datetime import timedelta

from pydantic import ConfigDict, Field, StrictBool, StrictInt, StrictStr

from functions.api.presenters.sessions import sessions_field
from functions.fields import Instant, InstantIn, Model, Strict, View, derived
from streak_core.domain.outages import MAX_OUTAGE, MAX_REASON
from streak_core.domain.vocabulary import RunStatus
from streak_core.models.maintenance import Outage
from streak_core.services.admin import MAX_FREEZE_GRANT
from streak_core.services.rebuild import Counters, RebuildReport
from streak_core.services.retries import MAX_REPLAY, ReplayReport
from streak_core.services.sessions import MAX_IMPORT

OUTAGE_HOURS = MAX_OUTAGE // timedelta(hours=1)


class MaintenanceRunOut(View):
    run_id: str
    status: RunStatus
    users_due: int
    users_processed: int
    users_failed: int
    batches: int | None
    started_at: Instant | None
    finished_at: Instant | None


class RebuildQuery(Model):
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


class FreezesOut(Model):
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


class OutageRecordedOut(Model):
    outage: OutageOut
    run_id: str


class OutageDryRunOut(Model):
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
