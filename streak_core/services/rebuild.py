"""Rebuilding a user's projections from the session log and the recorded facts, and saying what differed.

Days come from the sessions alone. The streak comes from the days (qualified and strong), the pauses, and
the facts only the streak document records: frozen and excused days and the freezes held (with a freeze
given back where its day turns out qualified). Board entries come from the streak, the scores of open
league weeks from the days (a settled or final week is a fact). Challenge progress comes
from the days, and completions with their rewards from the membership documents. Everything else on the
streak document (weekly bonuses granted, how far maintenance got, when it is next due) is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import partial

from streak_core.domain.analytics import year_moves
from streak_core.domain.badges import tally_of
from streak_core.domain.boards import BoardEntry, BoardMove, period_closed, scores_touched
from streak_core.domain.config import StreakConfig
from streak_core.domain.day_start import MIDNIGHT, DayStarts, split
from streak_core.domain.days import DayState, is_strong, qualifies
from streak_core.domain.leagues import open_weeks, shift_week
from streak_core.domain.streaks import StreakState
from streak_core.errors import UserNotFound
from streak_core.models.streaks import DayRecord, StoredSession, StreakRecord
from streak_core.ports.rebuild import RebuildStore, RebuildTransaction, RebuildWrites, UserHistory
from streak_core.services.badges import award_badges
from streak_core.services.progress import rebuilt_league_weeks, rebuilt_memberships
from streak_core.services.views import user_today


@dataclass(frozen=True, slots=True)
class Counters:
    current_streak: int
    longest_streak: int
    qualified_days: int
    freezes_available: int
    recoveries_used: int


@dataclass(frozen=True, slots=True)
class RebuildReport:
    uid: str
    dry_run: bool
    changed: bool
    before: Counters
    after: Counters
    days_changed: int
    boards_changed: int
    leagues_changed: int = 0


def rebuild_user(
    store: RebuildStore, uid: str, now: datetime, config: StreakConfig, dry_run: bool
) -> RebuildReport:
    """Recompute the user's days, streak and board entries; write them unless `dry_run`. UserNotFound for a
    user with nothing stored."""
    return store.run_in_transaction(
        uid, lambda tx: rebuild_within(tx, uid, now, config, dry_run), read_only=dry_run
    )


def screen_users(
    store: RebuildStore, uids: list[str], now: datetime, config: StreakConfig
) -> dict[str, Callable[[], RebuildReport]]:
    """For each user of a page, what a dry run would report from one read of the whole page (a few queries,
    not a few per user). The read is no consistent snapshot, so only "nothing differs" is an answer: a user
    whose report says changed is worth a rebuild_user, which looks again in a transaction. Each report is a
    call, so that a caller can spread the work over threads (board entries are read per user)."""
    views = store.read_page(uids)
    return {uid: partial(rebuild_within, view, uid, now, config, True) for uid, view in views.items()}


def rebuild_within(
    tx: RebuildTransaction,
    uid: str,
    now: datetime,
    config: StreakConfig,
    dry_run: bool,
    history: UserHistory | None = None,
    forget: tuple[str, ...] = (),
) -> RebuildReport:
    """The rebuild inside `tx`, from `history` (as read, unless given) without the sessions of `forget`,
    which become tombstones in the log; boards whose period is closed then stay as they stood (a deletion
    changes only what live data still could)."""
    history = history or tx.history()
    if not history.known:
        raise UserNotFound
    days = rebuilt_days(history.sessions, history.settings.day_starts)
    streak = rebuilt_streak(history, days, config)
    memberships = rebuilt_memberships(history, days, streak, now, config)
    award_badges(uid, streak, now, announce=False)  # what the user should hold, silently
    changed_days = [record for d, record in days.items() if _differs(history.days.get(d), record)]
    removed = sorted(set(history.days) - set(days))
    scores = _scores(streak.state)
    stored_entries = tx.board_entries(sorted(set(scores) | set(_scores(history.streak.state))))
    entries = rebuilt_entries(uid, history, scores, streak, stored_entries, now)
    frozen = {k for k in entries if forget and period_closed(k, now.date(), config.late_data_limit)}
    boards = [
        BoardMove(k, uid, stored_entries.get(k), e)
        for k, e in entries.items()
        if stored_entries.get(k) != e and k not in frozen
    ]
    open_ones = open_weeks(now, config.league_grace)
    stored_weeks = tx.league_weeks(sorted(set(open_ones) | {shift_week(w, -1) for w in open_ones}))
    seconds = {d: record.state.seconds for d, record in days.items()}
    leagues = rebuilt_league_weeks(uid, stored_weeks, seconds, streak.state.longest_streak, now, config)
    # The calendar's month documents: the days that changed, or all of them the first time.
    monthly = changed_days if history.streak.months_ready else list(days.values())
    months = [(r.day, r.state.seconds) for r in monthly] + [(d, None) for d in removed]
    streak.months_ready = True
    if changed_days or removed:
        streak.days_version = history.streak.days_version + 1
    moved = bool(changed_days or removed or boards or memberships or leagues or forget)
    changed = moved or streak != history.streak
    if changed and not dry_run:
        tx.apply(RebuildWrites(changed_days, removed, streak, boards, memberships, months, forget, leagues))
    today = user_today(history.settings, streak, now)
    return RebuildReport(
        uid,
        dry_run,
        changed,
        _counters(history.streak, today),
        _counters(streak, today),
        len(changed_days) + len(removed),
        len(boards),
        len(leagues),
    )


def rebuilt_days(sessions: Iterable[StoredSession], starts: DayStarts = MIDNIGHT) -> dict[date, DayRecord]:
    """Each local day the sessions touch (with the user's day starts): the union of their intervals and each
    session's piece."""
    days: dict[date, DayRecord] = {}
    for stored in sorted(sessions, key=lambda s: s.session.id):
        session = stored.session
        for day, start_ms, end_ms in split(session.start_ms, session.end_ms, session.zone, starts):
            record = days.get(day)
            if record is None:
                record = days[day] = DayRecord(DayState(day))
            record.state.add((start_ms, end_ms))
            record.add_piece(session.id, start_ms, end_ms, session.zone)
    return days


def rebuilt_streak(history: UserHistory, days: dict[date, DayRecord], config: StreakConfig) -> StreakRecord:
    old = history.streak.state
    qualified = {d for d, r in days.items() if qualifies(r.state.seconds, config)}
    strong = {d for d, r in days.items() if is_strong(r.state.seconds, config)}
    frozen = {date.fromordinal(o) for o in old.frozen}
    freezes = old.freezes_available
    if frozen & qualified:  # a freeze spent on a day that qualified after all is given back
        freezes = min(freezes + len(frozen & qualified), config.max_freezes_held)
    paused = {d for p in history.pauses for d in p.days}
    excused = [date.fromordinal(o) for o in old.excused]
    state = StreakState.from_facts(qualified, strong, frozen, paused, excused, freezes, config)
    marks = (day.marks(config) for day in days.values())
    tally = tally_of(marks)
    record = replace(
        history.streak,
        state=state,
        latest_session_end_ms=0,
        latest_session_timezone=None,
        badges=dict(history.streak.badges),  # never taken back
        badge_tally=tally,
        year_seconds=_year_seconds(days),
    )
    # The yearly focus histogram follows the rebuilt focus (a deleted session takes its focus back).
    record.analytics_due = year_moves(history.streak.year_seconds, record.year_seconds)
    for stored in history.sessions:
        record.note_session(stored.session)
    return record


def _year_seconds(days: dict[date, DayRecord]) -> dict[str, int]:
    years: dict[str, int] = {}
    for day, record in days.items():
        if record.state.seconds:
            years[str(day.year)] = years.get(str(day.year), 0) + record.state.seconds
    return years


def rebuilt_entries(
    uid: str,
    history: UserHistory,
    scores: dict[str, int],
    streak: StreakRecord,
    stored: dict[str, BoardEntry],
    now: datetime,
) -> dict[str, BoardEntry | None]:
    """The user's standing on every board their qualified days count on (None where they count no more).
    A stored entry with the right score stands as it is: like the live system, it keeps when that score
    was reached and the tie-breaking streak and visibility it had then."""
    settings = history.settings
    wanted: dict[str, BoardEntry | None] = dict.fromkeys(stored)
    for key, score in scores.items():
        previous = stored.get(key)
        if previous is not None and previous.score == score:
            wanted[key] = previous
            continue
        longest = streak.state.longest_streak
        visibility, name = settings.leaderboard_visibility, settings.display_name
        wanted[key] = BoardEntry(uid, score, longest, now, visibility, name)
    return wanted


def _scores(state: StreakState) -> dict[str, int]:
    """The score on each board the qualified days count on."""
    return scores_touched(state, state.qualified_dates())


def _differs(stored: DayRecord | None, rebuilt: DayRecord) -> bool:
    return stored != rebuilt


def _counters(streak: StreakRecord, today: date) -> Counters:
    state = streak.state
    return Counters(
        state.current_streak(today),
        state.longest_streak,
        state.qualified_days,
        state.freezes_available,
        len(state.recovered),
    )
