"""What a user's changed days move beyond their streak: the progress of their unfinished challenges and the
score of their open league weeks, as an acceptance moves them and as a rebuild recounts them. Apart from
the challenges' and leagues' services (streak_core/services/challenges.py, leagues.py) so that accepting a
session imports these rules, not everything those areas serve."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from streak_core.domain.challenges import Membership, window_count
from streak_core.domain.config import StreakConfig
from streak_core.domain.leagues import open_weeks, settles_at, shift_week, week_seconds_moved
from streak_core.domain.vocabulary import NotificationKind
from streak_core.models.leagues import LeagueMember
from streak_core.models.notifications import OutboxEntry
from streak_core.models.streaks import DayRecord, StreakRecord
from streak_core.services.badges import award_badges

if TYPE_CHECKING:
    from streak_core.ports.rebuild import UserHistory


def advance_challenges(
    uid: str,
    streak: StreakRecord,
    before: Mapping[date, int],
    after: Mapping[date, int],
    now: datetime,
    config: StreakConfig,
) -> tuple[list[Membership], list[OutboxEntry]]:
    """Move the user's unfinished challenges by the days that changed (focus seconds before and after),
    on `streak`: the memberships to write, and a `challenge_completed` entry for each one completed."""
    drop_final(streak, now, config)
    moved: list[Membership] = []
    notices: list[OutboxEntry] = []
    for membership in list(streak.challenges.values()):
        current = membership
        for day, seconds in after.items():
            current = current.moved(day, before.get(day, 0), seconds, config)
        if current == membership:
            continue
        if current.reached:
            current = replace(current, completed_at=now)
            notices += completed_notices(uid, streak, current, now, badges=False)
        else:
            streak.challenges[current.challenge_id] = current
        moved.append(current)
    return moved, notices


def rebuilt_memberships(
    history: UserHistory,
    days: Mapping[date, DayRecord],
    streak: StreakRecord,
    now: datetime,
    config: StreakConfig,
) -> list[Membership]:
    """Each membership recounted from the rebuilt days, on `streak` (unfinished ones and the rewards of
    completed ones, from the membership documents: the facts); the memberships whose documents differ."""
    seconds = day_seconds(days)
    streak.challenges, streak.challenge_rewards = {}, {}
    changed: list[Membership] = []
    for stored in sorted(history.memberships, key=lambda m: m.challenge_id):
        membership = stored  # completed is final: its count stays the one it completed with
        if stored.completed_at is None:
            membership = replace(stored, count=window_count(stored.terms, seconds, config))
            if membership.reached:
                membership = replace(membership, completed_at=now)  # silently, like badges
        if membership.completed_at is not None:
            streak.complete(membership)
        elif now < membership.terms.final_at(config):
            streak.challenges[membership.challenge_id] = membership
        if membership != stored:
            changed.append(membership)
    return changed


def completed_notices(
    uid: str, streak: StreakRecord, membership: Membership, now: datetime, badges: bool = True
) -> list[OutboxEntry]:
    """Grant the reward once (keyed by challenge on the streak) and say so; with `badges`, award what the
    completion earns (the acceptance awards badges itself, after everything else has moved)."""
    streak.complete(membership)
    data: dict[str, int | str] = {
        "challenge_id": membership.challenge_id,
        "title": membership.title,
        "reward_xp": membership.terms.reward_xp,
    }
    entry = OutboxEntry(uid, NotificationKind.CHALLENGE_COMPLETED, membership.challenge_id, data, now)
    return [entry, *award_badges(uid, streak, now, push=False)] if badges else [entry]


def drop_final(streak: StreakRecord, now: datetime, config: StreakConfig) -> None:
    """Unfinished challenges whose standings are final leave the streak (their documents stay as they are)."""
    for challenge_id, membership in list(streak.challenges.items()):
        if now >= membership.terms.final_at(config):
            del streak.challenges[challenge_id]


def day_seconds(days: Mapping[date, DayRecord]) -> dict[date, int]:
    return {d: record.state.seconds for d, record in days.items()}


def league_moves(
    uid: str,
    leagues: Mapping[str, LeagueMember],
    streak: StreakRecord,
    before: Mapping[date, int],
    after: Mapping[date, int],
    now: datetime,
    config: StreakConfig,
) -> list[LeagueMember]:
    """The user's weeks that these changed days move (focus seconds before and after), as read in the
    acceptance: a week not yet final, the user placed in it, or placed the week before (their Monday came
    before the settlement that places them: the focus waits on an unplaced document)."""
    moved = []
    for week, change in week_seconds_moved(before, after).items():
        if now >= settles_at(week, config.league_grace):
            continue  # a settled (or final) week never changes
        member = _scored_week(uid, leagues, week)
        if member is not None and not member.settled:
            moved.append(member.moved(change, streak.state.longest_streak, now))
    return moved


def _scored_week(uid: str, stored: Mapping[str, LeagueMember], week: str) -> LeagueMember | None:
    """The user's document of `week` that focus moves: the one stored, or a new one (unplaced) where they
    were placed the week before; None where the week is not theirs to score."""
    member = stored.get(week)
    if member is None:
        earlier = stored.get(shift_week(week, -1))
        if earlier is None or not earlier.placed:
            return None
        member = LeagueMember(week, uid)
    return member


def rebuilt_league_weeks(
    uid: str,
    stored: Mapping[str, LeagueMember],
    seconds_by_day: Mapping[date, int],
    longest_streak: int,
    now: datetime,
    config: StreakConfig,
) -> list[LeagueMember]:
    """The user's open weeks whose stored score is not the focus of the week's rebuilt days: each set to it,
    as acceptances would have (`stored`: the open weeks and the week before each, as read). A settled or
    final week is a fact and stays as it stands; a week with no document gets one where an acceptance
    would have written it (the user placed the week before)."""
    totals = week_seconds_moved({}, seconds_by_day)  # each week's focus
    moved = []
    for week in open_weeks(now, config.league_grace):
        member = _scored_week(uid, stored, week)
        if member is None or member.settled:
            continue
        if change := totals.get(week, 0) - member.seconds:
            moved.append(member.moved(change, longest_streak, now))
    return moved
