"""The sessions area's schemas and presenters: its request and response models and how views become them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    ConfigDict,
    Field,
    JsonValue,
    PlainSerializer,
    PlainValidator,
    RootModel,
    StrictStr,
    ValidationError,
    WithJsonSchema,
    model_serializer,
)

from functions.api.shared import ErrorBody, StreakOut
from functions.fields import INSTANT_SCHEMA, ZONE_SCHEMA, Instant, Model, Strict, View, derived
from functions.http import ApiError, pydantic_issues, service_error, validation_error
from streak_core.dependencies import SessionDeps
from streak_core.domain.ids import MAX_SESSION_ID_CHARS, MAX_USER_ID_CHARS, SESSION_ID_PATTERN
from streak_core.domain.sessions import SessionFields
from streak_core.domain.vocabulary import JobStatus, SessionStatus
from streak_core.errors import SessionConflict, SessionDeleted
from streak_core.models.jobs import SessionJob
from streak_core.services.acceptance import ItemResult
from streak_core.services.erasure import ErasureJob
from streak_core.services.sessions import (
    MAX_BATCH,
    NotYourSession,
    SessionAccepted,
    Unreadable,
    accept_sessions,
)
from streak_core.services.views import SessionView

ITEM_STATUS = {
    SessionStatus.CREATED: 201,
    SessionStatus.DUPLICATE: 200,
    SessionStatus.CONFLICT: 409,
    SessionStatus.INVALID: 422,
    SessionStatus.FORBIDDEN: 403,
    SessionStatus.DELETED: 409,
}


EXAMPLE_SESSION: dict[str, JsonValue] = {
    "id": "3f1c-focus-1",
    "start": "2026-11-21T09:00:00+01:00",
    "end": "2026-11-21T10:00:00+01:00",
    "timezone": "Europe/Paris",
}


class SessionIn(Strict):
    """Shape and types; the values are checked by the domain's rules, each broken rule reported."""

    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_SESSION]})

    id: StrictStr = Field(
        description="Client-chosen id, 1-128 characters of [A-Za-z0-9_-], not of the form __x__",
        json_schema_extra={
            "pattern": f"^{SESSION_ID_PATTERN.pattern}$",
            "not": {"pattern": "^__.*__$"},
            "maxLength": MAX_SESSION_ID_CHARS,
        },
    )
    start: StrictStr = Field(description="RFC 3339 instant with offset", json_schema_extra=INSTANT_SCHEMA)
    end: StrictStr = Field(
        description="RFC 3339 instant with offset, after start, at most 24 h later",
        json_schema_extra=INSTANT_SCHEMA,
    )
    timezone: StrictStr = Field(
        description="IANA time zone the session's local days are counted in", json_schema_extra=ZONE_SCHEMA
    )
    user_id: (
        Annotated[StrictStr, WithJsonSchema({"type": "string", "maxLength": MAX_USER_ID_CHARS})] | None
    ) = Field(default=None, description="Optional; must equal the token's uid")

    def fields(self) -> SessionFields:
        return SessionFields(self.id, self.start, self.end, self.timezone, self.user_id)


def sessions_field(most: int) -> Any:
    """The `sessions` of a batch body: up to `most` items of any value, each judged on its own (API.md), so
    the document must not promise a refusal of the whole body for an item that breaks SessionIn."""
    return Annotated[
        list[Any],
        WithJsonSchema(
            {
                "type": "array",
                "maxItems": most,
                "items": {
                    "description": "A session body as SessionIn describes it. An item that breaks SessionIn"
                    " (even one that is not an object) is a 422 result of its own; the others still count",
                    "examples": [EXAMPLE_SESSION],
                },
            }
        ),
    ]


class BatchIn(Strict):
    """Items are checked one by one (an item that is not even an object is a 422 result of its own)."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"sessions": [EXAMPLE_SESSION, {**EXAMPLE_SESSION, "id": "3f1c-2"}]}]}
    )

    sessions: sessions_field(MAX_BATCH) = Field(  # type: ignore[valid-type]  # an Annotated type built once
        max_length=MAX_BATCH, description=f"Up to {MAX_BATCH} session bodies"
    )


@derived(SessionView)
class SessionOut(View):
    pass


@derived(SessionAccepted)
class SessionAcceptedOut(View):
    pass


class BatchItemOut(Model):
    id: str | None = Field(description="The item's id, or null when it had none")
    status: int
    error: ErrorBody | None = Field(default=None, description="Present when the item was not accepted")

    @model_serializer(mode="wrap")
    def _without_absent_error(self, handler: Any) -> Any:
        data = handler(self)
        if data.get("error") is None:
            data.pop("error", None)
        return data


class BatchOut(Model):
    results: list[BatchItemOut]
    streak: StreakOut


class JobOut(Model):
    id: str
    # Inline in the document, as it always was (a $ref to the enum would change it): named by the StrEnum.
    status: Annotated[
        JobStatus,
        PlainValidator(JobStatus),
        PlainSerializer(lambda status: status.value, return_type=str),
        WithJsonSchema({"enum": [s.value for s in JobStatus], "type": "string"}),
    ]
    created_at: Instant
    updated_at: Instant
    attempts: int
    result: BatchOut | None = Field(
        default=None, exclude_if=lambda v: v is None, description="The synchronous batch's body, once done"
    )
    error: ErrorBody | None = Field(
        default=None, exclude_if=lambda v: v is None, description="Why the job failed, once failed"
    )


class JobEnvelope(Model):
    job: JobOut


class BatchAnswer(RootModel[BatchOut | JobEnvelope]):
    """200 to a batch: its results; or, asked for asynchronously again with the same Idempotency-Key, the job
    it already is."""

    model_config = ConfigDict(defer_build=True)  # a RootModel cannot derive from Model: built when first sent


def batch_answer(deps: SessionDeps, uid: str, now: datetime, body: BatchIn) -> BatchOut:
    """The batch's answer, whether it is sent at once or kept as a job's result."""
    items = [read_item(n, raw) for n, raw in enumerate(body.sessions)]
    outcome = accept_sessions(deps.store, uid, items, now, deps.config, deps.notify, deps.pair_checks)
    return BatchOut(
        results=[item_out(item) for item in outcome.items], streak=StreakOut.model_validate(outcome.streak)
    )


def read_item(n: int, raw: object) -> SessionFields | Unreadable:
    try:
        return SessionIn.model_validate(raw).fields()
    except ValidationError as invalid:
        raw_id = raw.get("id") if isinstance(raw, dict) else None
        return Unreadable(
            raw_id if isinstance(raw_id, str) else None, pydantic_issues(invalid, f"sessions.{n}.")
        )


def item_out(item: ItemResult) -> BatchItemOut:
    error: ApiError | None = None
    if item.status is SessionStatus.CONFLICT:
        assert item.session is not None
        error = service_error(SessionConflict(item.session))
    elif item.status is SessionStatus.FORBIDDEN:
        error = service_error(NotYourSession())
    elif item.status is SessionStatus.DELETED:
        error = service_error(SessionDeleted())
    elif item.issues:
        error = validation_error(item.issues)
    body = ErrorBody.model_validate(error.body()["error"]) if error else None
    return BatchItemOut(id=item.id, status=ITEM_STATUS[item.status], error=body)


def job_out(job: SessionJob) -> JobEnvelope:
    result = BatchOut.model_validate_json(job.result_json) if job.result_json else None
    error = None
    if job.status is JobStatus.FAILED:
        message = f"The batch failed after {job.attempts} attempts; nothing more will be tried."
        error = ErrorBody(code="job_failed", message=message)
    out = JobOut(
        id=job.id,
        status=job.status,
        created_at=job.created_at,
        updated_at=job.updated_at,
        attempts=job.attempts,
        result=result,
        error=error,
    )
    return JobEnvelope(job=out)


def erasure_out(job: ErasureJob) -> JobEnvelope:
    """An erasure as a job: its queue retries it until it is done, so it never fails (attempts untold: 0)."""
    out = JobOut(
        id=job.id, status=job.status, created_at=job.created_at, updated_at=job.updated_at, attempts=0
    )
    return JobEnvelope(job=out)
