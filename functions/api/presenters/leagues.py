"""The leagues area's schemas and presenters: its request and response models and how views become them."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field, RootModel

from functions.fields import Model, View, derived
from streak_core.domain.leagues import COHORT_SIZE, DEMOTED, PROMOTED
from streak_core.services.leagues import HistoryRow, LeagueView, MemberRow


@derived(MemberRow)
class LeagueMemberOut(View):
    pass


@derived(
    LeagueView,
    fields={
        "week": Field(description="ISO week of the caller's local days, e.g. 2026-W49"),
        "ends_at": Field(description="The end of the week's Sunday in the caller's time zone"),
        "score": Field(description="Focus minutes this week (the caller's local days)"),
        "promotion_rank": Field(description=f"Ranks 1 to this move up a tier (top {PROMOTED}; 0: none)"),
        "demotion_rank": Field(description=f"Ranks from this one on move down (bottom {DEMOTED}; 0: none)"),
        "members": Field(description=f"The cohort (at most {COHORT_SIZE}), in rank order"),
    },
)
class LeagueOut(View):
    pass


class NotJoinedOut(Model):
    joined: Literal[False] = False


class LeagueAnswer(RootModel[LeagueOut | NotJoinedOut]):
    model_config = ConfigDict(defer_build=True)  # a RootModel cannot derive from Model: built when first sent


@derived(HistoryRow)
class LeagueWeekOut(View):
    pass


class LeagueHistoryOut(Model):
    history: list[LeagueWeekOut] = Field(description="Settled weeks, newest first (at most 52)")
