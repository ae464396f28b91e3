"""Asynchronous batches of sessions (`Prefer: respond-async`) as stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from streak_core.domain.vocabulary import (
    JobStatus,
)


@dataclass(frozen=True, slots=True)
class SessionJob:
    """`jobs/{id}`: a batch of sessions accepted asynchronously (`Prefer: respond-async`). The request and
    the result are kept as the JSON the API received and would have answered, so the job's result is exactly
    the synchronous batch's; `now` is the instant of the request, which the run judges the sessions at."""

    id: str
    uid: str
    status: JobStatus
    created_at: datetime
    updated_at: datetime
    attempts: int
    request_json: str
    request_digest: str
    now: datetime
    correlation_id: str | None = None
    result_json: str | None = None
    error: str | None = None
