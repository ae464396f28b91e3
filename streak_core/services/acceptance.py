"""Accepting sessions, planned: from what one transaction read and the checked sessions to every write the
acceptance makes and the answer it gives. Pure (no port, no clock): the use case reads, plans, writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from streak_core.domain.badges import DayMarks
from streak_core.domain.boards import BoardEntry, BoardMove, period_closed, scores_touched
from streak_core.domain.challenges import Membership
from streak_core.domain.config import StreakConfig
from streak_core.domain.day_start import split
from streak_core.domain.days import DayState, DayStatus
from streak_core.domain.engine import SessionOutcome, apply_session
from streak_core.domain.sessions import FieldIssue
from streak_core.domain.vocabulary import EventType, NotificationKind, SessionStatus
from streak_core.models.events import WebhookEvent, event
from streak_core.models.leagues import LeagueMember
from streak_core.models.notifications import OutboxEntry
from streak_core.models.streaks import DayRecord, StoredSession, StreakRecord, user_timezone
from streak_core.ports.users import UserSnapshot, UserWrites
from streak_core.services.badges import award_badges
from streak_core.services.lifecycle import count_acceptance
from streak_core.services.progress import advance_challenges, league_moves
from streak_core.services.views import (
    StreakView,
    day_view,
    end_of_today,
    local_today,
    streak_view,
    user_today,
)


@dataclass(slots=True)
class ItemResult:
    """The fate of one submitted session (`id` None: an item that carried none)."""

    id: str | None
    status: SessionStatus
    issues: list[FieldIssue] = field(default_factory=list)
    session: StoredSession | None = None


@dataclass(slots=True)
class Acceptance:
    """What an acceptance answers: each item's fate, the streak and the days the sessions touched."""

    items: list[ItemResult]
    streak: StreakView
    days: dict[date, DayStatus]  # the local days the accepted or duplicate sessions touched
    # What this acceptance announces: the outbox entries it wrote (each fans its own event out), and the
    # user's webhook lane when it wrote events that are not entries (a lane's fan-out sends those).
    notices: list[str] = field(default_factory=list)
    events_lane: int | None = None
    # The friend streaks to check once it commits (the user's, when their days changed), and which change.
    friend_streaks: tuple[str, ...] = ()
    days_version: int = 0


@dataclass(slots=True)
class AcceptancePlan(UserWrites):
    """Every write of the acceptance (nothing when no session is new), applied whole by the port, and the
    answer."""

    answer: Acceptance = field(kw_only=True)


@dataclass(slots=True)
class _Applied:
    """The checked sessions applied one by one to the days and the streak as read."""

    items: list[ItemResult] = field(default_factory=list)
    sessions: list[StoredSession] = field(default_factory=list)
    changed: dict[date, DayRecord] = field(default_factory=dict)
    before: dict[date, DayMarks | None] = field(default_factory=dict)  # each day before the batch (badges)
    touched: list[date] = field(default_factory=list)
    outcomes: list[SessionOutcome] = field(default_factory=list)


def plan_acceptance(
    uid: str,
    snap: UserSnapshot,
    checked: list[ItemResult],
    now: datetime,
    config: StreakConfig,
    silent: bool = False,
) -> AcceptancePlan:
    """The acceptance of `checked` (validated items) on the user's documents as read: new sessions
    created, exact repeats duplicates, reused ids conflicts. Changes `snap.streak` in place into the streak
    to write. `silent` (an import of history): badges and challenge rewards are earned, but nobody is told.
    Boards of periods already closed never move."""
    streak, fresh = snap.streak, not snap.streak.latest_session_end_ms  # fresh: months start complete
    applied = _apply(snap, checked, config)
    outbox: list[OutboxEntry] = []
    boards: list[BoardMove] = []
    memberships: list[Membership] = []
    events: list[WebhookEvent] = []
    leagues: list[LeagueMember] = []
    if applied.sessions:
        outbox, boards, memberships, leagues = _settle(uid, snap, applied, now, config, silent)
        outbox, events = ([], []) if silent else (outbox, _extensions(uid, snap, applied, now))
        streak.months_ready = streak.months_ready or fresh
        streak.days_version += 1
    days = {**snap.days, **applied.changed}
    answer = Acceptance(
        items=applied.items,
        streak=streak_view(snap.settings, streak, days, now, config),
        days={d: day_view(d, days.get(d), streak, config) for d in dict.fromkeys(applied.touched)},
        notices=[entry.id for entry in outbox],
        events_lane=events[0].lane if events else None,
        friend_streaks=snap.friend_streaks if applied.sessions and not silent else (),
        days_version=streak.days_version,
    )
    changed = list(applied.changed.values())
    return AcceptancePlan(
        applied.sessions, changed, streak, outbox, boards, memberships, events, leagues, answer=answer
    )


def _extensions(uid: str, snap: UserSnapshot, applied: _Applied, now: datetime) -> list[WebhookEvent]:
    """`streak.started` / `streak.extended` for each newly qualified day that is now the end of a live run
    (late data that joins runs is a recovery or a restoration instead, told as such)."""
    streak = snap.streak
    today = user_today(snap.settings, streak, now)
    found: list[WebhookEvent] = []
    for day in dict.fromkeys(d for o in applied.outcomes for d in o.newly_qualified):
        run = streak.state.run_containing(day)
        if run is None or run[1] != day or day < today - timedelta(days=1):
            continue
        kind = EventType.STREAK_STARTED if run[0] == day else EventType.STREAK_EXTENDED
        found.append(event(uid, kind, day.isoformat(), {"days": run[2], "day": day.isoformat()}, now))
    return found


def _apply(snap: UserSnapshot, checked: list[ItemResult], config: StreakConfig) -> _Applied:
    states: dict[date, DayState] = {d: r.state for d, r in snap.days.items()}
    known = dict(snap.sessions)
    applied = _Applied()
    starts = snap.settings.day_starts
    for item in checked:
        stored = item.session
        if (
            stored is not None and not starts.midnight
        ):  # validated on calendar days: the user's days are these
            session = stored.session
            days = tuple(d for d, _, _ in split(session.start_ms, session.end_ms, session.zone, starts))
            stored = StoredSession(session, stored.received_at, days)
        if stored is None:
            applied.items.append(item)
            continue
        if stored.session.id in snap.deleted:
            applied.items.append(ItemResult(item.id, SessionStatus.DELETED))
            continue
        previous = known.get(stored.session.id)
        if previous is not None:
            same = previous.canonical == stored.canonical
            applied.items.append(ItemResult(item.id, _repeat_status(same), session=previous))
            applied.touched.extend(previous.days if same else ())
            continue
        for day in stored.days:  # how each day stood before this batch, for the badge tally
            if day not in applied.before:
                stood = applied.changed.get(day) or snap.days.get(day)
                applied.before[day] = stood.marks(config) if stood else None
        outcome = apply_session(states, snap.streak.state, stored.session, config, starts)
        for day, start_ms, end_ms in outcome.pieces:
            record = applied.changed.get(day) or snap.days.get(day) or DayRecord(states[day])
            record.add_piece(stored.session.id, start_ms, end_ms, stored.session.zone)
            applied.changed[day] = record
        snap.streak.note_session(stored.session)
        known[stored.session.id] = stored
        applied.sessions.append(stored)
        applied.outcomes.append(outcome)
        applied.touched.extend(stored.days)
        applied.items.append(ItemResult(item.id, SessionStatus.CREATED, session=stored))
    return applied


def _repeat_status(same: bool) -> SessionStatus:
    return SessionStatus.DUPLICATE if same else SessionStatus.CONFLICT


def _settle(
    uid: str, snap: UserSnapshot, applied: _Applied, now: datetime, config: StreakConfig, silent: bool
) -> tuple[list[OutboxEntry], list[BoardMove], list[Membership], list[LeagueMember]]:
    """What new sessions move beyond the days: the streak's bookkeeping, notifications, badges, challenges,
    board standings, league scores and the day's counters."""
    streak = snap.streak
    streak.timezone_setting = snap.settings.timezone
    streak.day_starts_setting = snap.settings.day_starts
    timezone = user_timezone(snap.settings, streak)
    starts = snap.settings.day_starts
    streak.maintenance_due_at = end_of_today(now, timezone, starts)
    if streak.reminder_at is None:  # a new streak: the next reminder tick works out its hour
        streak.reminder_at = now
    today = local_today(now, timezone, starts)
    outcomes = applied.outcomes
    qualified = [d for o in outcomes for d in o.newly_qualified]
    closed = streak.last_maintained_date
    healed = [  # breaks maintenance had closed, now qualified by late data
        d
        for o in outcomes
        for d, change in zip(o.newly_qualified, o.run_changes, strict=True)
        if closed is not None and d <= closed and not change.bridged
    ]
    notices = [
        OutboxEntry(uid, NotificationKind.MILESTONE, f"{m.days}-{m.run_start}", {"days": m.days}, now)
        for o in outcomes
        for m in o.milestones
    ]
    notices += _restorations(uid, streak, healed, today, now)
    notices += _recoveries(uid, streak, [d for o in outcomes for d in o.recovered], today, now)
    for day, record in applied.changed.items():
        streak.badge_tally = streak.badge_tally.moved(applied.before[day], record.marks(config))
    seconds_before = {day: marks.seconds for day, marks in applied.before.items() if marks is not None}
    seconds_after = {day: record.state.seconds for day, record in applied.changed.items()}
    moved, completed = advance_challenges(uid, streak, seconds_before, seconds_after, now, config)
    notices += completed
    notices += award_badges(uid, streak, now, push=not notices)
    leagues = league_moves(uid, snap.leagues, streak, seconds_before, seconds_after, now, config)
    # A run this acceptance began that is live now is a streak started (a batch building it whole too).
    began = {c.start_ordinal for o in outcomes for c in o.run_changes if c.before == 0}
    live = streak.state.live_run(today)
    started = int(live is not None and live[0].toordinal() in began)
    grown = {day: after - seconds_before.get(day, 0) for day, after in seconds_after.items()}
    count_acceptance(streak, grown, qualified, len(applied.sessions), started, now, silent)
    return notices, _standings(uid, snap, qualified, now, config), moved, leagues


def _restorations(
    uid: str, streak: StreakRecord, healed: list[date], today: date, now: datetime
) -> list[OutboxEntry]:
    """A healed break that now joins an earlier run into the live streak restores that streak."""
    entries: dict[str, OutboxEntry] = {}
    for day in healed:
        run = streak.state.run_containing(day)
        if run is None or run[0] >= day or run[1] < today - timedelta(days=1):
            continue
        key = day.isoformat()
        entries[key] = OutboxEntry(
            uid, NotificationKind.STREAK_RESTORED, key, {"days": streak.state.current_streak(today)}, now
        )
    return list(entries.values())


def _recoveries(
    uid: str, streak: StreakRecord, recovered: list[date], today: date, now: datetime
) -> list[OutboxEntry]:
    """Each break these sessions recovered, still recovered once they are all in (keyed by the day)."""
    return [
        OutboxEntry(
            uid,
            NotificationKind.STREAK_RECOVERED,
            day.isoformat(),
            {"days": streak.state.current_streak(today), "day": day.isoformat()},
            now,
        )
        for day in dict.fromkeys(recovered)
        if streak.state.is_recovered(day)
    ]


def _standings(
    uid: str, snap: UserSnapshot, qualified: list[date], now: datetime, config: StreakConfig
) -> list[BoardMove]:
    """The new standing on each board whose score these sessions changed, reached at `now`."""
    settings, state = snap.settings, snap.streak.state
    return [
        BoardMove(
            key,
            uid,
            snap.boards.get(key),
            BoardEntry(
                uid, score, state.longest_streak, now, settings.leaderboard_visibility, settings.display_name
            ),
        )
        for key, score in scores_touched(state, qualified).items()
        if not period_closed(key, now.date(), config.late_data_limit)
    ]
