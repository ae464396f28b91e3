"""The stats area's schemas and presenters: its request and response models and how views become them."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from functions.fields import Instant, Model, View
from streak_core.domain.insights import MAX_WEEKS
from streak_core.services.badges import BadgeView
from streak_core.services.images import MAX_HEATMAP_WEEKS


class BadgeProgressOut(Model):
    current: int = Field(ge=0)
    target: int = Field(ge=1)


class BadgeOut(View):
    id: str
    name: str
    description: str
    earned_at: Instant | None
    progress: BadgeProgressOut
    rarity: float = Field(ge=0.0, le=1.0, description="Holders among the users with any activity")


class BadgesOut(View):
    badges: list[BadgeOut]


class InsightsQuery(Model):
    weeks: int = Field(default=12, ge=1, le=MAX_WEEKS, description="Whole weeks ending with local yesterday")


class PreviousPeriodOut(Model):
    qualified_rate: float = Field(ge=0.0, le=1.0)
    average_seconds_per_day: int


class PredictionOut(View):
    keep_streak_7_days: float = Field(ge=0.0, le=1.0, description="Chance of no break over 7 days from today")
    weakest_weekday: str | None
    weekday_chances: dict[str, float] = Field(description="The model's chance of qualifying on each weekday")


class InsightsOut(Model):
    first: date = Field(serialization_alias="from")
    to: date
    days: int
    active_days: int
    qualified_days: int
    qualified_rate: float = Field(ge=0.0, le=1.0)
    average_seconds_per_day: int
    average_seconds_per_active_day: int
    average_sessions_per_active_day: float
    weekday_rates: dict[str, float]
    best_weekday: str | None
    hour_seconds: list[int] = Field(min_length=24, max_length=24, description="Focus by local hour, 0-23")
    previous_period: PreviousPeriodOut
    prediction: PredictionOut


class HeatmapQuery(Model):
    weeks: int = Field(
        default=MAX_HEATMAP_WEEKS,
        ge=1,
        le=MAX_HEATMAP_WEEKS,
        description="Week columns, the last holding local today",
    )


def badge_out(badge: BadgeView) -> BadgeOut:
    progress = BadgeProgressOut(current=badge.current, target=badge.target)
    return BadgeOut(
        id=badge.id,
        name=badge.name,
        description=badge.description,
        earned_at=badge.earned_at,
        progress=progress,
        rarity=badge.rarity,
    )
