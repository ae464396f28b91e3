"""The Wrapped area's schemas and presenter: the year in review and its card's query."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StrictInt

from functions.fields import Model, View
from streak_core.domain.vocabulary import ImageFormat
from streak_core.domain.wrapped import FIRST_YEAR, CardSize, YearInReview

YearIn = Annotated[int, Field(ge=FIRST_YEAR, le=9999, description="Default: the current year, to date")]


class WrappedQuery(Model):
    year: YearIn | None = None


class WrappedCardQuery(WrappedQuery):
    format: ImageFormat = ImageFormat.PNG
    size: CardSize = Field(default=CardSize.LANDSCAPE, description="landscape: 1200x630; story: 1080x1920")


class BestMonthOut(View):
    month: str = Field(description="YYYY-MM")
    seconds: int


class BestWeekOut(View):
    week: str = Field(description="YYYY-Www (ISO)")
    seconds: int


class WrappedOut(View):
    year: StrictInt
    days_active: int
    qualified_days: int
    focus_seconds: int
    sessions: int
    longest_streak: int = Field(description="The longest run inside the year")
    best_month: BestMonthOut | None
    best_week: BestWeekOut | None
    best_weekday: str | None = Field(description="monday ... sunday")
    best_hour: int | None = Field(description="The local hour (0-23) with the most focus")
    badges_earned: list[str] = Field(description="Badge ids earned that year")
    percentile: int | None = Field(
        description="Share (0-100) of the users active that year with less focus; null without focus"
    )


def wrapped_out(review: YearInReview) -> WrappedOut:
    month, week = review.best_month, review.best_week
    return WrappedOut(
        year=review.year,
        days_active=review.days_active,
        qualified_days=review.qualified_days,
        focus_seconds=review.focus_seconds,
        sessions=review.sessions,
        longest_streak=review.longest_streak,
        best_month=BestMonthOut(month=month.key, seconds=month.seconds) if month else None,
        best_week=BestWeekOut(week=week.key, seconds=week.seconds) if week else None,
        best_weekday=review.best_weekday,
        best_hour=review.best_hour,
        badges_earned=review.badges_earned,
        percentile=review.percentile,
    )
