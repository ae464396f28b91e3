"""Response models several areas send: the Streak and Day of API.md, the error shape, a raw document."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import ConfigDict, Field, RootModel

from functions.fields import Model, View, derived
from functions.http import Binary
from streak_core.domain.days import DayStatus
from streak_core.domain.vocabulary import ImageFormat
from streak_core.services.views import RecoveryView, StreakView, TodayView

if TYPE_CHECKING:  # an image is made by the few routes that make one: not imported by every cold start
    from streak_core.ports.shares import Rasterizer


@derived(TodayView)
class TodayOut(View):
    pass


@derived(
    RecoveryView,
    fields={
        "day": Field(description="The broken day that focus today can recover"),
        "deadline": Field(description="The end of today in the user's zone"),
        "seconds": Field(description="Focus so far today"),
        "seconds_needed": Field(description="Focus today needs in all to recover the day"),
    },
)
class RecoveryOut(View):
    pass


@derived(
    StreakView,
    fields={
        "xp_to_next_level": Field(description="XP still needed for the next level; null at the top"),
        "recovery": Field(description="Present while a broken streak can still be recovered"),
        "next_recovery_on": Field(description="When a recovery is possible again, if not now"),
    },
)
class StreakOut(View):
    pass


@derived(DayStatus)
class DayOut(View):
    pass


class ErrorBody(Model):
    code: str
    message: str
    details: Any = None


class ErrorOut(Model):
    error: ErrorBody


class Document(RootModel[dict[str, Any]]):
    """A JSON document served as it is (the OpenAPI document)."""

    # A RootModel cannot derive from Model: it defers its build itself.
    model_config = ConfigDict(json_schema_extra={"type": "object"}, defer_build=True)


def image(rasterizer: Rasterizer, svg: str, kind: ImageFormat) -> Binary:
    """A picture drawn once as SVG, sent as it is or rasterised."""
    if kind is ImageFormat.SVG:
        return Binary(svg.encode(), "image/svg+xml")
    return Binary(rasterizer.png(svg), "image/png")
