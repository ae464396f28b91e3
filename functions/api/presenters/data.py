"""The data area's schemas and presenters: its request and response models and how views become them."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from pydantic import BaseModel, Field

from functions.api.presenters.friend_streaks import FriendStreakOut, friend_streak_out
from functions.api.presenters.me import NotificationOut, SettingsOut
from functions.api.presenters.pauses import PauseOut
from functions.api.presenters.sessions import SessionOut
from functions.api.presenters.social import FriendRequestsOut
from functions.api.presenters.stats import badge_out
from functions.api.shared import DayOut, StreakOut
from functions.fields import DateIn, Instant, Model, PageQuery, View, derived
from streak_core.domain.challenges import ChallengeTerms, Membership
from streak_core.domain.vocabulary import LeagueOutcome, Tier
from streak_core.services.export import UserExport
from streak_core.services.views import SessionView


class SessionsQuery(PageQuery):
    from_: DateIn | None = Field(
        default=None, alias="from", description="First local date a session starts on"
    )
    to: DateIn | None = Field(default=None, description="Last local date a session starts on")


class SessionsPageOut(Model):
    sessions: list[SessionOut] = Field(description="As stored, newest first")
    next_cursor: str | None


@derived(ChallengeTerms)
class TermsOut(View):
    pass


@derived(Membership)
class MembershipOut(View):
    progress: int = Field(description="Qualified days or focus minutes in the window, capped at the target")


class ExportFriendOut(View):
    user_id: str
    display_name: str | None
    since: Instant | None


class DeviceExportOut(View):
    token: str
    platform: str
    registered_at: Instant | None


class ShareExportOut(View):
    id: str
    created_at: Instant
    opens: int
    included: list[str]


class LeagueWeekExportOut(View):
    week: str
    tier: Tier | None = Field(description="None: focus kept for a week not yet placed")
    cohort: str | None
    seconds: int
    score: int
    placed_at: Instant | None
    rank: int | None
    outcome: LeagueOutcome | None
    next_tier: Tier | None
    settled_at: Instant | None


class ExportOut(Model):
    """Every stored fact about the caller (API.md "Your data"); sent as it is read, a page at a time."""

    exported_at: Instant
    user_id: str
    settings: SettingsOut
    streak: StreakOut
    sessions: list[SessionOut]
    days: list[DayOut]
    pauses: list[PauseOut]
    badges: list[Any] = Field(description="The whole catalogue, as GET /v1/me/badges lists it")
    challenges: list[MembershipOut]
    friends: list[ExportFriendOut] = Field(description="Ids and display names only")
    friend_requests: FriendRequestsOut
    friend_streaks: list[FriendStreakOut] = Field(
        description="Active and invited, as GET /v1/me/friend-streaks"
    )
    devices: list[DeviceExportOut]
    notifications: list[NotificationOut]
    shares: list[ShareExportOut]
    leagues: list[LeagueWeekExportOut] = Field(description="The caller's own weeks (no other member)")


def export_json(found: UserExport) -> Iterator[bytes]:
    """The export as one JSON document, written part by part and page by page (never held whole)."""

    def one(model: type[BaseModel], value: object) -> str:
        return model.model_validate(value).model_dump_json(by_alias=True)

    head = {"exported_at": found.exported_at.isoformat(), "user_id": found.user_id}
    yield json.dumps(head, ensure_ascii=False).encode()[:-1]  # the object stays open for the parts
    yield f',"settings":{one(SettingsOut, found.settings)},"streak":{one(StreakOut, found.streak)}'.encode()
    yield from _array("sessions", found.sessions, lambda s: one(SessionOut, SessionView.of(s)))
    yield from _array("days", found.days, lambda d: one(DayOut, d))
    yield from _array("pauses", [found.pauses], lambda p: one(PauseOut, p))
    yield from _array("badges", [found.badges], lambda b: badge_out(b).model_dump_json())
    yield from _array("challenges", [found.challenges], lambda m: one(MembershipOut, m))
    yield from _array("friends", [found.friends.friends], lambda f: one(ExportFriendOut, f))
    yield f',"friend_requests":{one(FriendRequestsOut, found.friends.requests)}'.encode()
    yield from _array(
        "friend_streaks", [found.friend_streaks], lambda f: friend_streak_out(f).model_dump_json()
    )
    yield from _array("devices", [found.devices], lambda d: one(DeviceExportOut, d))
    yield from _array("notifications", found.notifications, lambda n: one(NotificationOut, n))
    yield from _array("shares", [found.shares], lambda s: one(ShareExportOut, s))
    yield from _array("leagues", [found.leagues], lambda m: one(LeagueWeekExportOut, m))
    yield b"}"


def _array(name: str, pages: Iterable[list[Any]], encode: Callable[[Any], str]) -> Iterator[bytes]:
    yield f',"{name}":['.encode()
    first = True
    for page in pages:
        if page:
            yield (("" if first else ",") + ",".join(encode(item) for item in page)).encode()
            first = False
    yield b"]"
