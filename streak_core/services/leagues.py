"""Weekly leagues: joining a cohort, where the caller stands, their past weeks, and settling a page of
cohorts (outcomes, next week's placement, notifications) idempotently."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from streak_core.domain.config import StreakConfig
from streak_core.domain.leagues import (
    OPENING_SHARDS,
    demotion_rank,
    ends_at,
    preferred_shard,
    promotion_rank,
    settle,
    settles_at,
    shift_week,
    week_of,
)
from streak_core.domain.timeline import zone_named
from streak_core.domain.vocabulary import LeagueOutcome, NotificationKind, Tier, Visibility
from streak_core.errors import LeagueHidden, TransientStoreError
from streak_core.models.leagues import LeagueMember
from streak_core.models.notifications import OutboxEntry
from streak_core.models.streaks import StreakRecord, user_timezone
from streak_core.models.users import UserSettings
from streak_core.ports.followups import DispatchQueue
from streak_core.ports.leagues import LeagueStore, Seat
from streak_core.ports.users import Profiles, UserStore
from streak_core.services.followups import announce
from streak_core.services.views import local_today

log = logging.getLogger(__name__)
JOIN_ATTEMPTS = 6  # shards a join tries before it gives up (a 503: the app retries)
HISTORY_WEEKS = 52
PLACEMENT_CHUNK = 150  # seats one placement transaction writes (with their cohorts: within 500 writes)


@dataclass(frozen=True, slots=True)
class MemberRow:
    rank: int
    user_id: str
    display_name: str | None
    score: int
    me: bool


@dataclass(frozen=True, slots=True)
class LeagueView:
    week: str
    tier: Tier
    ends_at: datetime
    rank: int
    score: int
    promotion_rank: int
    demotion_rank: int
    members: list[MemberRow]


@dataclass(frozen=True, slots=True)
class HistoryRow:
    week: str
    tier: Tier
    rank: int
    outcome: LeagueOutcome


@dataclass
class Leagues:
    leagues: LeagueStore
    users: UserStore
    profiles: Profiles
    config: StreakConfig

    def _today(self, uid: str, now: datetime) -> tuple[UserSettings, StreakRecord, str]:
        snap = self.users.snapshot(uid, (), ())
        return snap.settings, snap.streak, user_timezone(snap.settings, snap.streak)

    def current(self, uid: str, now: datetime) -> LeagueView | None:
        """The caller's week: this local week's cohort, or last week's until the settlement places them."""
        settings, _, zone = self._today(uid, now)
        member = self._current_member(uid, week_of(local_today(now, zone, settings.day_starts)))
        return self._view(uid, member, zone) if member else None

    def _current_member(self, uid: str, week: str) -> LeagueMember | None:
        found = self.leagues.members(uid, [week, shift_week(week, -1)])
        this = found.get(week)
        if this is not None and this.placed:
            return this
        last = found.get(shift_week(week, -1))
        return last if last is not None and last.placed and not last.settled else None

    def join(self, uid: str, now: datetime) -> LeagueView:
        """Seat the caller in this week's open cohort of their tier (again: nothing changes). LeagueHidden
        for a user nobody may see on boards."""
        settings, streak, zone = self._today(uid, now)
        if settings.leaderboard_visibility is Visibility.HIDDEN:
            raise LeagueHidden
        week = week_of(local_today(now, zone, settings.day_starts))
        member = self._current_member(uid, week)
        if member is None:
            member = self._seat(uid, week, self._tier_of(uid), streak.state.longest_streak, now)
        return self._view(uid, member, zone)

    def _tier_of(self, uid: str) -> Tier:
        latest = self.leagues.latest(uid)
        return (latest.tier_after if latest else None) or Tier.BRONZE

    def _seat(self, uid: str, week: str, tier: Tier, longest: int, now: datetime) -> LeagueMember:
        openings = self.leagues.openings(week, tier)
        for attempt in range(JOIN_ATTEMPTS):
            member = self.leagues.join(uid, week, tier, preferred_shard(openings, uid, attempt), longest, now)
            if member is not None:
                return member
            log.info("league seats taken first; another shard", extra={"attempt": attempt + 1})
        raise TransientStoreError("league seats kept being taken first")

    def _view(self, uid: str, member: LeagueMember, zone: str) -> LeagueView:
        assert member.cohort is not None, "a view is of a placed member"
        assert member.tier is not None, "a placed member has a tier"
        cohort = self.leagues.cohort_members(member.cohort)
        if not any(m.uid == uid for m in cohort):
            cohort.append(member)  # a query may lag the write that placed the caller
        names = self.profiles.profiles([m.uid for m in cohort])
        outcome = {o.uid: o for o in settle(member.tier, [m.standing() for m in cohort])}
        rows = sorted(
            (
                MemberRow(
                    outcome[m.uid].rank,
                    m.uid,
                    _shown_name(names.get(m.uid)),
                    m.score,
                    m.uid == uid,
                )
                for m in cohort
            ),
            key=lambda row: row.rank,
        )
        mine = outcome[uid]
        return LeagueView(
            member.week,
            member.tier,
            ends_at(member.week, zone_named(zone)),
            mine.rank,
            mine.score,
            promotion_rank(len(cohort), member.tier),
            demotion_rank(len(cohort), member.tier),
            rows,
        )

    def history(self, uid: str) -> list[HistoryRow]:
        return [
            HistoryRow(m.week, m.tier, m.rank, m.outcome)
            for m in self.leagues.history(uid, HISTORY_WEEKS)
            if m.tier is not None and m.rank is not None and m.outcome is not None
        ]


def _shown_name(settings: UserSettings | None) -> str | None:
    if settings is None or settings.leaderboard_visibility is Visibility.HIDDEN:
        return None
    return settings.display_name


@dataclass(slots=True)
class SettleReport:
    cohorts: int = 0
    settled: int = 0  # settled by this page (the others were already)
    members: int = 0
    placed: int = 0
    not_announced: int = 0
    failed: list[str] = field(default_factory=list)


@dataclass
class LeagueSettler:
    """One page of a week's cohorts: each member's outcome, their seat in next week's cohort of their next
    tier, a `league_finished` entry each, and the cohort marked settled, in that order, so a page delivered
    again (or run twice at once) finishes what is missing and writes nothing twice: outcomes are a pure
    function of the final scores, seats are taken only by members not yet placed, entries have fixed ids."""

    leagues: LeagueStore
    profiles: Profiles
    config: StreakConfig
    notify: DispatchQueue | None = None

    def settle_page(self, week: str, cohort_ids: list[str], batch: int, now: datetime) -> SettleReport:
        report = SettleReport(cohorts=len(cohort_ids))
        if now < settles_at(week, self.config.league_grace):
            raise ValueError(f"week {week} is not final until {settles_at(week, self.config.league_grace)}")
        open_ones = [c for c in self.leagues.cohorts(cohort_ids) if c.settled_at is None]
        members = self.leagues.cohort_members_of([c.id for c in open_ones])
        settled: dict[str, list[LeagueMember]] = {}
        for cohort in open_ones:
            placed = [m for m in members[cohort.id] if m.placed]
            outcomes = settle(cohort.tier, [m.standing() for m in placed])
            by_uid = {m.uid: m for m in placed}
            settled[cohort.id] = [by_uid[o.uid].with_outcome(o, now) for o in outcomes]
        everyone = [m for group in settled.values() for m in group]
        report.members = len(everyone)
        report.placed = self._place_next(week, everyone, batch, now)
        written: list[str] = []
        for cohort_id, group in settled.items():
            entries = [_finished(m, now) for m in group]
            if self.leagues.settle_cohort(cohort_id, group, entries, now):
                report.settled += 1
                written += [e.id for e in entries]
        if self.notify is not None:
            report.not_announced = announce(self.notify, written, now)
        return report

    def _place_next(self, week: str, members: list[LeagueMember], batch: int, now: datetime) -> int:
        """Next week's seats, by next tier; those hidden from boards now are not placed again."""
        shown = self.profiles.profiles([m.uid for m in members])
        by_tier: dict[Tier, list[Seat]] = defaultdict(list)
        for member in sorted(members, key=lambda m: (m.cohort or "", m.rank or 0)):
            settings = shown.get(member.uid)
            if settings is not None and settings.leaderboard_visibility is Visibility.HIDDEN:
                continue
            assert member.next_tier is not None
            by_tier[member.next_tier].append(Seat(member.uid, member.longest_streak))
        following, placed = shift_week(week, 1), 0
        for tier, seats in by_tier.items():
            shard = (batch + list(Tier).index(tier)) % OPENING_SHARDS  # pages spread over the pointers
            for start in range(0, len(seats), PLACEMENT_CHUNK):
                chunk = seats[start : start + PLACEMENT_CHUNK]
                placed += self.leagues.place(following, tier, shard, chunk, now)
        return placed


def _finished(member: LeagueMember, now: datetime) -> OutboxEntry:
    assert member.tier is not None, "a settled member was placed"
    assert member.outcome is not None, "a settled member has an outcome"
    assert member.next_tier is not None, "a settled member has a next tier"
    assert member.rank is not None, "a settled member has a rank"
    data: dict[str, int | str] = {
        "week": member.week,
        "tier": member.tier.value,
        "rank": member.rank,
        "score": member.score,
        "outcome": member.outcome.value,
        "next_tier": member.next_tier.value,
    }
    return OutboxEntry(member.uid, NotificationKind.LEAGUE_FINISHED, member.week, data, now)
