"""Accepting sessions: validate, then one transaction that reads, applies the engine, and writes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from streak_core.domain.badges import DayMarks
from streak_core.domain.boards import BoardEntry, BoardMove, scores_touched
from streak_core.domain.config import StreakConfig
from streak_core.domain.days import DayState, DayView
from streak_core.domain.engine import apply_session
from streak_core.domain.sessions import FieldIssue, SessionFields, SessionRejected, parse_session
from streak_core.domain.timeline import split_by_local_day
from streak_core.domain.vocabulary import NotificationKind, SessionStatus
from streak_core.errors import InvalidRequest, SessionConflict
from streak_core.models import (
    DayRecord,
    OutboxEntry,
    StoredSession,
    StreakRecord,
    UserSettings,
    user_timezone,
)
from streak_core.ports.notifications import DispatchQueue
from streak_core.ports.users import UserStore, UserTransaction
from streak_core.services.badges import award_badges
from streak_core.services.challenges import advance_challenges
from streak_core.services.dispatch import announce
from streak_core.services.views import (
    SessionView,
    StreakView,
    day_view,
    local_today,
    next_local_midnight,
    streak_view,
    today_candidates,
)


@dataclass(slots=True)
class ItemResult:
    """The fate of one submitted session."""

    id: str
    status: SessionStatus
    issues: list[FieldIssue] = field(default_factory=list)
    session: StoredSession | None = None


@dataclass(slots=True)
class Acceptance:
    items: list[ItemResult]
    streak: StreakView
    days: dict[date, DayView]  # the local days the accepted or duplicate sessions touched
    notices: list[str] = field(default_factory=list)  # outbox entries written with this acceptance


@dataclass(frozen=True, slots=True)
class SessionAccepted:
    """One session accepted (or found to be an exact duplicate) and the state it left."""

    session: SessionView
    duplicate: bool
    streak: StreakView
    days: list[DayView]


def validate(raws: Sequence[SessionFields], now: datetime, config: StreakConfig) -> list[ItemResult]:
    """Check each session on its own; nothing is stored yet."""
    results: list[ItemResult] = []
    for raw in raws:
        try:
            session = parse_session(raw, now, config)
        except SessionRejected as rejected:
            results.append(ItemResult(raw.id, SessionStatus.INVALID, rejected.issues))
            continue
        days = tuple(d for d, _, _ in split_by_local_day(session.start_ms, session.end_ms, session.zone))
        results.append(ItemResult(raw.id, SessionStatus.CREATED, session=StoredSession(session, now, days)))
    return results


def accept_session(
    store: UserStore,
    uid: str,
    raw: SessionFields,
    now: datetime,
    config: StreakConfig,
    notify: DispatchQueue | None = None,
) -> SessionAccepted:
    """Accept one session: InvalidRequest if it breaks a rule, SessionConflict if its id was used before
    for another session."""
    acceptance = accept_sessions(store, uid, [raw], now, config, notify)
    item = acceptance.items[0]
    if item.status is SessionStatus.INVALID:
        raise InvalidRequest(item.issues)
    assert item.session is not None
    if item.status is SessionStatus.CONFLICT:
        raise SessionConflict(item.session)
    return SessionAccepted(
        session=SessionView.of(item.session),
        duplicate=item.status is SessionStatus.DUPLICATE,
        streak=acceptance.streak,
        days=[acceptance.days[d] for d in item.session.days],
    )


def accept_sessions(
    store: UserStore,
    uid: str,
    raws: Sequence[SessionFields],
    now: datetime,
    config: StreakConfig,
    notify: DispatchQueue | None = None,
) -> Acceptance:
    """Accept a batch for one user atomically: new ones created, exact repeats duplicates, reused ids
    conflicts, each item with its own status.

    Notifications the acceptance causes are written in its transaction and announced to `notify` after
    the commit, never from inside the transaction body (which may run more than once).
    """
    checked = validate(raws, now, config)
    candidates = [item.session for item in checked if item.session is not None]
    session_days = {d for s in candidates for d in s.days}
    dates = session_days | set(today_candidates(now))

    def body(tx: UserTransaction) -> Acceptance:
        # Runs again on contention: it must only read, compute and call tx.write.
        snap = tx.read({s.session.id for s in candidates}, dates, session_days)
        states: dict[date, DayState] = {d: r.state for d, r in snap.days.items()}
        known = dict(snap.sessions)
        streak = snap.streak
        fresh = not streak.latest_session_end_ms  # no session yet: the month documents start complete
        changed: dict[date, DayRecord] = {}
        notices: list[OutboxEntry] = []
        healed: list[date] = []  # breaks maintenance had closed, now qualified by late data
        recovered: list[date] = []  # breaks these sessions recovered
        qualified: list[date] = []
        new_sessions: list[StoredSession] = []
        items: list[ItemResult] = []
        touched: list[date] = []
        before: dict[date, DayMarks | None] = {}
        for item in checked:
            if item.session is None:
                items.append(item)
                continue
            session = item.session.session
            previous = known.get(session.id)
            if previous is not None:
                same = previous.canonical == item.session.canonical
                status = SessionStatus.DUPLICATE if same else SessionStatus.CONFLICT
                items.append(ItemResult(item.id, status, session=previous))
                if same:
                    touched.extend(previous.days)
                continue
            for day in item.session.days:  # how each day stood before this batch, for the badge tally
                if day not in before:
                    stood = changed.get(day) or snap.days.get(day)
                    before[day] = stood.marks(config) if stood else None
            outcome = apply_session(states, streak.state, session, config)
            notices += [
                OutboxEntry(uid, NotificationKind.MILESTONE, f"{m.days}-{m.run_start}", {"days": m.days}, now)
                for m in outcome.milestones
            ]
            qualified += outcome.newly_qualified
            recovered += outcome.recovered
            closed = streak.last_maintained_date
            healed += [
                d
                for d, change in zip(outcome.newly_qualified, outcome.run_changes, strict=True)
                if closed is not None and d <= closed and not change.bridged
            ]
            for day, start_ms, end_ms in outcome.pieces:
                record = changed.get(day) or snap.days.get(day) or DayRecord(states[day])
                record.add_piece(session.id, start_ms, end_ms, session.zone)
                changed[day] = record
            streak.note_session(session)
            known[session.id] = item.session
            new_sessions.append(item.session)
            touched.extend(item.session.days)
            items.append(ItemResult(item.id, SessionStatus.CREATED, session=item.session))
        all_days = {**snap.days, **changed}
        if new_sessions:
            streak.timezone_setting = snap.settings.timezone
            timezone = user_timezone(snap.settings, streak)
            streak.maintenance_due_at = next_local_midnight(now, timezone)
            if streak.reminder_at is None:  # a new streak: the next reminder tick works out its hour
                streak.reminder_at = now
            today = local_today(now, timezone)
            notices += _restorations(uid, streak, healed, today, now)
            notices += _recoveries(uid, streak, recovered, today, now)
            for day, record in changed.items():
                streak.badge_tally = streak.badge_tally.moved(before[day], record.marks(config))
            seconds_before = {day: marks.seconds for day, marks in before.items() if marks is not None}
            seconds_after = {day: record.state.seconds for day, record in changed.items()}
            moved, completed = advance_challenges(uid, streak, seconds_before, seconds_after, now, config)
            notices += completed
            notices += award_badges(uid, streak, now, push=not notices)
            streak.months_ready = streak.months_ready or fresh
            streak.days_version += 1
            standings = _standings(uid, snap.settings, streak, qualified, now, snap.boards)
            tx.write(new_sessions, changed.values(), streak, notices, standings, moved)
        return Acceptance(
            items=items,
            streak=streak_view(snap.settings, streak, all_days, now, config),
            days={d: day_view(d, all_days.get(d), streak, config) for d in dict.fromkeys(touched)},
            notices=[entry.id for entry in notices] if new_sessions else [],
        )

    if not candidates:
        return _nothing_valid(store, uid, checked, now, config)
    acceptance = store.run_in_transaction(uid, body)
    if notify is not None:
        announce(notify, acceptance.notices, now)
    return acceptance


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
    uid: str,
    settings: UserSettings,
    streak: StreakRecord,
    qualified: list[date],
    now: datetime,
    stored: dict[str, BoardEntry],
) -> list[BoardMove]:
    """The new standing on each board whose score these sessions changed, reached at `now`."""
    state, visibility = streak.state, settings.leaderboard_visibility
    return [
        BoardMove(
            key,
            uid,
            stored.get(key),
            BoardEntry(uid, score, state.longest_streak, now, visibility, settings.display_name),
        )
        for key, score in scores_touched(state, qualified).items()
    ]


def _nothing_valid(
    store: UserStore, uid: str, items: list[ItemResult], now: datetime, config: StreakConfig
) -> Acceptance:
    snap = store.snapshot(uid, (), today_candidates(now))
    return Acceptance(items, streak_view(snap.settings, snap.streak, snap.days, now, config), {})
