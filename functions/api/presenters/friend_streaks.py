"""The friend streaks area's schemas and presenters."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from functions.fields import Strict, UserId, View
from streak_core.domain.vocabulary import FriendStreakStatus
from streak_core.services.friend_streaks import FriendStreakView


class FriendStreakIn(Strict):
    user_id: UserId = Field(description="The friend to keep a friend streak with")


class FriendStreakFriendOut(View):
    user_id: str
    display_name: str | None


class FriendStreakTodayOut(View):
    """The pair's date (the earlier of the two friends' local todays) and whether each qualified it."""

    date: date
    me: bool = Field(description="Whether the caller has qualified that date")
    friend: bool = Field(description="Whether the friend has qualified that date")


class FriendStreakOut(View):
    id: str
    status: FriendStreakStatus
    invited_by: str
    friend: FriendStreakFriendOut
    length: int = Field(description="Dates both friends qualified in the live run (0: none)")
    longest: int
    started_on: date | None = Field(description="The accepting friend's local date; null while invited")
    today: FriendStreakTodayOut | None = Field(description="null while invited")
    at_risk: bool = Field(description="The friend streak ends yesterday: it breaks unless both cover today")


class FriendStreakEnvelope(View):
    friend_streak: FriendStreakOut


class FriendStreaksOut(View):
    friend_streaks: list[FriendStreakOut]


class NudgeOut(View):
    friend_streak_id: str
    nudged: bool


def friend_streak_out(view: FriendStreakView) -> FriendStreakOut:
    return FriendStreakOut(
        id=view.id,
        status=view.status,
        invited_by=view.invited_by,
        friend=FriendStreakFriendOut(user_id=view.friend_id, display_name=view.friend_name),
        length=view.length,
        longest=view.longest,
        started_on=view.started_on,
        today=FriendStreakTodayOut.model_validate(view.today) if view.today else None,
        at_risk=view.at_risk,
    )
