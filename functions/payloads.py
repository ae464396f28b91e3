"""What the platform sends our functions (Cloud Tasks, Cloud Scheduler, Pub/Sub) and what they answer."""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field, StrictBool, StrictInt, StrictStr

from functions.fields import DocumentId, Instant, InstantIn, LeagueWeek, Model, UserId
from streak_core.domain.vocabulary import Channel, DeliveryStatus, JobStatus, RetryOutcome
from streak_core.domain.webhooks import LANES


class Payload(Model):
    """Fields we do not know are ignored: the platform may add its own."""

    model_config = ConfigDict(extra="ignore")


class Answer(Model):
    model_config = ConfigDict(from_attributes=True)


# --- the notifications function (Cloud Tasks and Cloud Scheduler) --------------------------------------
class DispatchIn(Payload):
    entry_id: DocumentId
    at: StrictStr | None = Field(default=None, description="Clock override (ALLOW_CLOCK_OVERRIDE=1 only)")


class FriendStreakCheckIn(Payload):
    friend_streak_id: DocumentId
    at: StrictStr | None = Field(default=None, description="Clock override (ALLOW_CLOCK_OVERRIDE=1 only)")


class FriendStreakCheckOut(Answer):
    checked: int = Field(description="1 when the pair is active and both friends are there, else 0")
    told: int = Field(description="Notifications the check wrote")


class ClockIn(Payload):
    now: StrictStr | None = Field(default=None, description="Clock override (ALLOW_CLOCK_OVERRIDE=1 only)")


class DispatchOut(Answer):
    entry_id: str
    channels: dict[Channel, DeliveryStatus]
    busy: bool
    held_until: Instant | None = None
    webhooks: int = Field(default=0, description="Endpoints the entry's webhook event was fanned out to")


class SweepOut(Answer):
    dispatched: int
    still_pending: int
    events_fanned_out: int = 0
    lanes_kicked: int = 0


class DrainIn(Payload):
    endpoint_id: DocumentId
    lane: StrictInt = Field(ge=0, lt=LANES)
    at: StrictStr | None = Field(default=None, description="Clock override (ALLOW_CLOCK_OVERRIDE=1 only)")


class LaneFanOutIn(Payload):
    lane: StrictInt = Field(ge=0, lt=LANES)
    at: StrictStr | None = Field(default=None, description="Clock override (ALLOW_CLOCK_OVERRIDE=1 only)")


class LaneFanOutOut(Answer):
    events: int = Field(description="Events of the lane fanned out")
    endpoints: int = Field(description="Endpoints whose lane was asked to drain")
    more: bool = Field(description="Out of time with events left: answered 503, so the task is sent again")


class DrainOut(Answer):
    sent: int
    delivered: int
    busy: bool
    next_at: Instant | None


class RemindersOut(Answer):
    considered: int
    reminded: int
    not_announced: int


# --- maintenance (Pub/Sub and the retry queue) -----------------------------------------------------------
class TickMessage(Payload):
    run_id: DocumentId | None = None
    now: StrictStr | None = None
    outage_id: DocumentId | None = None  # a run that excuses this outage, not nightly maintenance
    league_week: LeagueWeek | None = None  # a run that settles this league week


class BatchMessage(Payload):
    run_id: DocumentId
    batch: Annotated[StrictInt, Field(ge=0)]
    uids: list[UserId]
    now: InstantIn
    outage_id: DocumentId | None = None
    league_week: LeagueWeek | None = None  # uids: the cohorts of the week to settle
    friend_streaks: StrictBool = False  # uids: friend streaks whose check is due


class RetryTaskIn(Payload):
    uid: UserId
    run_id: DocumentId | None = None
    now: InstantIn
    error: StrictStr | None = None


class RetryOut(Answer):
    outcome: RetryOutcome
    attempt: int


class JobTaskIn(Payload):
    job_id: DocumentId


class JobRunOut(Answer):
    status: JobStatus | None  # None: the job was already settled (a redelivered task) or is unknown
    attempts: int


class ErasureTaskIn(Payload):
    uid: UserId


class ErasureOut(Answer):
    erased: bool
