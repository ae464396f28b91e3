"""Friend streaks: invitations, accepting, ending, the list with both today-marks, nudges, and the checks
that tell the two friends of a date they both completed or of a break.

No user's transaction ever touches a friend's documents: a pair is checked after either friend's write
commits (a task named by the pair and the change), and by the nightly tick once the pair's date has moved on.
A check reads both friends' days afresh and writes only the pair and its notifications, whose ids are
deterministic, so a check run twice tells nobody twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from streak_core.domain.friend_streaks import PairStanding, Side, pair_today, standing
from streak_core.domain.ids import is_user_id
from streak_core.domain.notifications import NotificationData
from streak_core.domain.vocabulary import FriendStreakStatus, NotificationKind
from streak_core.errors import (
    AlreadyNudged,
    FriendStreakExists,
    FriendStreakLimitReached,
    FriendStreakNotActive,
    FriendStreakNotFound,
    NotFriends,
)
from streak_core.models.friend_streaks import MAX_FRIEND_STREAKS, FriendStreak, PairSide, pair_id
from streak_core.models.notifications import OutboxEntry
from streak_core.models.streaks import user_timezone
from streak_core.ports.followups import DispatchQueue
from streak_core.ports.friend_streaks import (
    FriendStreakStore,
    FriendStreakTransaction,
    PairCheck,
)
from streak_core.services.followups import announce
from streak_core.services.views import end_of_today, user_today

# A pair's break check waits this long after its date moved on, so both friends' maintenance (a freeze
# spent on the day) is done; a friend whose maintenance is still due puts it off by RECHECK.
CHECK_MARGIN = timedelta(hours=1)
RECHECK = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class PairToday:
    date: date  # the pair's date: the earlier of the two friends' local todays
    me: bool  # whether the caller qualified it
    friend: bool


@dataclass(frozen=True, slots=True)
class FriendStreakView:
    id: str
    status: FriendStreakStatus
    invited_by: str
    friend_id: str
    friend_name: str | None
    length: int
    longest: int
    started_on: date | None
    today: PairToday | None  # None until both friends have a day (an invitation)
    at_risk: bool


@dataclass(frozen=True, slots=True)
class FriendWaiting:
    """A friend streak at risk whose friend has focused on the pair's date and the user has not."""

    streak_id: str
    day: date
    length: int
    friend: str | None


@dataclass(frozen=True, slots=True)
class CheckReport:
    checked: int = 0
    told: int = 0  # notifications written
    not_announced: int = 0


@dataclass(frozen=True, slots=True)
class _Judged:
    standing: PairStanding
    todays: Mapping[str, date]


def _judge(streak: FriendStreak, sides: Mapping[str, PairSide], now: datetime) -> _Judged | None:
    """The pair's standing now (None for an invitation, or when a friend is gone)."""
    if streak.started_on is None or not all(uid in sides for uid in streak.users):
        return None
    a, b = (sides[uid] for uid in streak.users)
    todays = {s.uid: user_today(s.settings, s.streak, now) for s in (a, b)}
    today = pair_today(*todays.values())
    return _Judged(
        standing(Side.of(a.streak.state), Side.of(b.streak.state), streak.started_on, today), todays
    )


@dataclass
class FriendStreaks:
    store: FriendStreakStore
    notify: DispatchQueue | None = None
    max_per_user: int = MAX_FRIEND_STREAKS

    # --- the two friends ------------------------------------------------------------------------------
    def invite(self, uid: str, other: str, now: datetime) -> FriendStreakView:
        """Invite a friend: NotFriends (also for yourself or an unknown id), FriendStreakExists,
        FriendStreakLimitReached."""
        if other == uid or not is_user_id(other):
            raise NotFriends
        sides = self.store.sides([uid, other])
        name = _name(sides.get(uid))

        def body(tx: FriendStreakTransaction) -> tuple[FriendStreak, OutboxEntry]:
            reading = tx.read()
            if reading.streak is not None:
                raise FriendStreakExists(reading.streak.id)
            if not reading.friends:
                raise NotFriends
            if reading.mine >= self.max_per_user:
                raise FriendStreakLimitReached(f"You already keep {self.max_per_user} friend streaks.")
            if reading.theirs >= self.max_per_user:
                raise FriendStreakLimitReached(
                    f"Your friend already keeps {self.max_per_user} friend streaks."
                )
            streak = FriendStreak(
                pair_id(uid, other), tuple(sorted((uid, other))), uid, FriendStreakStatus.INVITED, now
            )
            key = f"{streak.id}:{int(now.timestamp())}"  # each invitation is told once
            entry = OutboxEntry(
                other, NotificationKind.FRIEND_STREAK_INVITED, key, _told(streak.id, name), now
            )
            tx.save(streak, [entry])
            return streak, entry

        streak, entry = self.store.run_in_transaction(uid, other, body)
        self._announce([entry.id], now)
        return _view(uid, streak, sides, now)

    def accept(self, uid: str, streak_id: str, now: datetime) -> FriendStreakView:
        """The invited friend accepts: the pair's days count from their local today. Accepting again is
        answered as the first time; anyone else, the inviter too (before or after), is told there is no such
        invitation."""
        streak = self._own(uid, streak_id)
        if streak.invited_by == uid:
            raise FriendStreakNotFound
        other = streak.other(uid)
        sides = self.store.sides([uid, other])
        if streak.status is FriendStreakStatus.INVITED:
            mine = sides.get(uid)
            if mine is None:
                raise FriendStreakNotFound
            today = user_today(mine.settings, mine.streak, now)

            def body(tx: FriendStreakTransaction) -> FriendStreak:
                reading = tx.read()
                stored = reading.streak
                if stored is None or stored.invited_by == uid:
                    raise FriendStreakNotFound
                if stored.status is FriendStreakStatus.ACTIVE:
                    return stored
                if not reading.friends:
                    raise NotFriends
                active = replace(
                    stored,
                    status=FriendStreakStatus.ACTIVE,
                    accepted_at=now,
                    started_on=today,
                    check_at=now,
                )
                tx.save(active)
                return active

            streak = self.store.run_in_transaction(uid, other, body)
        return _view(uid, streak, sides, now)

    def end(self, uid: str, streak_id: str) -> None:
        """Either friend ends it, or declines or withdraws the invitation. Once ended nobody is part of it:
        ending it again is FriendStreakNotFound."""
        streak = self._own(uid, streak_id)

        def body(tx: FriendStreakTransaction) -> None:
            stored = tx.read().streak
            if stored is not None:
                tx.end(stored)

        self.store.run_in_transaction(uid, streak.other(uid), body)

    def listing(self, uid: str, now: datetime) -> list[FriendStreakView]:
        """The caller's friend streaks (active and invited, both ways), longest first."""
        streaks = self.store.of_user(uid)
        sides = self.store.sides({u for s in streaks for u in s.users})
        views = [_view(uid, s, sides, now) for s in streaks if uid in s.users]
        return sorted(views, key=lambda v: (v.status is not FriendStreakStatus.ACTIVE, -v.length, v.id))

    def nudge(self, uid: str, streak_id: str, now: datetime) -> None:
        """Push the friend a nudge: once per pair and sender per local day of the sender (AlreadyNudged)."""
        streak = self._own(uid, streak_id)
        if streak.status is not FriendStreakStatus.ACTIVE:
            raise FriendStreakNotActive
        mine = self.store.sides([uid]).get(uid)
        if mine is None:
            raise FriendStreakNotFound
        day = user_today(mine.settings, mine.streak, now)
        friend = streak.other(uid)
        data = _told(streak.id, _name(mine))
        entry = OutboxEntry(
            friend, NotificationKind.FRIEND_STREAK_NUDGE, f"{streak.id}:{uid}:{day}", data, now
        )
        if not self.store.nudge(entry):
            raise AlreadyNudged
        self._announce([entry.id], now)

    def waiting_on(self, uid: str, day: date, now: datetime) -> FriendWaiting | None:
        """The longest of the user's friend streaks at risk on `day` (the pair's date) whose friend has
        qualified it and the user has not: what the evening reminder tells them."""
        streaks = [s for s in self.store.of_user(uid) if s.status is FriendStreakStatus.ACTIVE]
        if not streaks:
            return None
        sides = self.store.sides({u for s in streaks for u in s.users})
        found = []
        for streak in streaks:
            judged = _judge(streak, sides, now)
            if judged is None or judged.standing.today != day or not judged.standing.at_risk:
                continue
            friend = streak.other(uid)
            if sides[friend].streak.state.is_qualified(day) and not sides[uid].streak.state.is_qualified(day):
                found.append(FriendWaiting(streak.id, day, judged.standing.length, _name(sides.get(friend))))
        return max(found, key=lambda w: (w.length, w.streak_id), default=None)

    def _own(self, uid: str, streak_id: str) -> FriendStreak:
        """The friend streak, if the caller is part of it (else, whatever the reason, not found)."""
        streak = self.store.get(streak_id) if is_user_id(streak_id) else None
        if streak is None or uid not in streak.users:
            raise FriendStreakNotFound
        return streak

    # --- after a write, and at night -----------------------------------------------------------------
    def check(self, streak_ids: Iterable[str], now: datetime, breaks: bool) -> CheckReport:
        """Check pairs: tell both friends of a date they both completed while it is fresh (the pair's date or
        the one before), and, with `breaks` (the tick, once the pair's date has moved on), of a break."""
        checked = told = lost = 0
        for streak_id in streak_ids:
            streak = self.store.get(streak_id)
            if streak is None or streak.status is not FriendStreakStatus.ACTIVE:
                continue
            sides = self.store.sides(streak.users)
            judged = _judge(streak, sides, now)
            if judged is None:
                continue
            checked += 1
            outcome = _check(streak, sides, judged, now, breaks)
            written = self.store.record_check(streak, outcome)
            told += len(written)
            lost += self._announce(written, now)
        return CheckReport(checked, told, lost)

    def _announce(self, entry_ids: list[str], now: datetime) -> int:
        return announce(self.notify, entry_ids, now) if self.notify is not None else len(entry_ids)


def _check(
    streak: FriendStreak, sides: Mapping[str, PairSide], judged: _Judged, now: datetime, breaks: bool
) -> PairCheck:
    got, users = judged.standing, streak.users
    entries: list[OutboxEntry] = []
    live = got.live
    if live is not None and live.last >= got.today - timedelta(days=1):
        data: dict[str, int | str] = {"days": live.length, "day": live.last.isoformat()}
        entries += _both(streak, sides, NotificationKind.FRIEND_STREAK_EXTENDED, live.last, data, now)
    length, check_at = max(got.length, streak.length), _next_check(sides, judged, now)
    if breaks:
        pending = [u for u in users if (d := sides[u].streak.maintenance_due_at) is not None and d <= now]
        if pending:  # a friend's last day is not final yet (a freeze may still cover it): look again soon
            check_at = now + RECHECK
        else:
            length = got.length
            if got.length == 0 and streak.length > 0 and got.latest is not None:
                lost: dict[str, int | str] = {"days": streak.length, "day": got.latest.end.isoformat()}
                entries += _both(
                    streak, sides, NotificationKind.FRIEND_STREAK_BROKEN, got.latest.end, lost, now
                )
    return PairCheck(length, max(got.longest, streak.longest), check_at, tuple(entries))


def _next_check(sides: Mapping[str, PairSide], judged: _Judged, now: datetime) -> datetime:
    """When the pair's date moves on (the last friend still on it reaches their next day), and a margin."""
    ends = [
        end_of_today(now, user_timezone(sides[u].settings, sides[u].streak), sides[u].settings.day_starts)
        for u, today in judged.todays.items()
        if today == judged.standing.today
    ]
    return max(ends) + CHECK_MARGIN


def _both(
    streak: FriendStreak,
    sides: Mapping[str, PairSide],
    kind: NotificationKind,
    day: date,
    data: dict[str, int | str],
    now: datetime,
) -> list[OutboxEntry]:
    """One entry for each friend, naming the other."""
    key = f"{streak.id}:{day}"
    return [
        OutboxEntry(uid, kind, key, {**data, **_told(streak.id, _name(sides.get(streak.other(uid))))}, now)
        for uid in streak.users
    ]


def _told(streak_id: str, friend_name: str | None) -> NotificationData:
    """What every friend streak notification carries: the pair, and the friend's name when they have one."""
    data: dict[str, int | str] = {"friend_streak_id": streak_id}
    if friend_name:
        data["friend"] = friend_name
    return data


def _name(side: PairSide | None) -> str | None:
    return side.settings.display_name if side else None


def _view(uid: str, streak: FriendStreak, sides: Mapping[str, PairSide], now: datetime) -> FriendStreakView:
    friend = streak.other(uid)
    judged = _judge(streak, sides, now)
    today = at_risk = None
    length = longest = 0
    if judged is not None:
        got = judged.standing
        length, longest, at_risk = got.length, got.longest, got.at_risk
        today = PairToday(
            got.today,
            sides[uid].streak.state.is_qualified(got.today),
            sides[friend].streak.state.is_qualified(got.today),
        )
    return FriendStreakView(
        id=streak.id,
        status=streak.status,
        invited_by=streak.invited_by,
        friend_id=friend,
        friend_name=_name(sides.get(friend)),
        length=length,
        longest=longest,
        started_on=streak.started_on,
        today=today,
        at_risk=bool(at_risk),
    )
