"""The pauses area's schemas and presenters: its request and response models and how views become them."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from functions.fields import DateIn, Strict, View, derived
from streak_core.domain.config import DEFAULT_CONFIG as LIMITS
from streak_core.models.streaks import Pause


class PauseIn(Strict):
    model_config = ConfigDict(json_schema_extra={"examples": [{"from": "2026-12-24", "to": "2026-12-31"}]})

    from_: DateIn = Field(
        alias="from",
        description="First paused day: the user's local today, or at most"
        f" {LIMITS.pause_max_lead_days} days later",
    )
    to: DateIn = Field(description=f"Last paused day; at most {LIMITS.pause_max_days} days from the first")


@derived(
    Pause,
    fields={"first": Field(serialization_alias="from"), "last": Field(serialization_alias="to")},
)
class PauseOut(View):
    pass


class PauseCreatedOut(View):
    pause: PauseOut


class PausesOut(View):
    pauses: list[PauseOut]
