"""Accepting sessions: validate, then one transaction that reads, plans (services/acceptance.py), writes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from streak_core.domain.config import StreakConfig
from streak_core.domain.day_start import split
from streak_core.domain.days import DayStatus
from streak_core.domain.sessions import FieldIssue, SessionFields, SessionRejected, parse_session
from streak_core.domain.vocabulary import SessionStatus
from streak_core.errors import Forbidden, InvalidRequest, SessionConflict, SessionDeleted
from streak_core.models.streaks import StoredSession
from streak_core.ports.followups import DispatchQueue, FriendStreakQueue
from streak_core.ports.users import UserStore, UserTransaction
from streak_core.services.acceptance import Acceptance, ItemResult, plan_acceptance
from streak_core.services.followups import announce, announce_events, ask_pair_checks
from streak_core.services.views import SessionView, StreakView, streak_view, today_candidates

MAX_BATCH = 100  # sessions one request may carry


class NotYourSession(Forbidden):
    def __init__(self) -> None:
        super().__init__("user_id must be your own user id.")


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A batch item its entry point could not read as a session at all (its shape), and why."""

    id: str | None
    issues: list[FieldIssue]


@dataclass(frozen=True, slots=True)
class SessionAccepted:
    """One session accepted (or found to be an exact duplicate) and the state it left."""

    session: SessionView
    duplicate: bool
    streak: StreakView
    days: list[DayStatus]


def validate(
    raws: Sequence[SessionFields | Unreadable], uid: str, now: datetime, config: StreakConfig
) -> list[ItemResult]:
    """Check each item on its own (its owner first, then the rules); nothing is stored yet."""
    results: list[ItemResult] = []
    for raw in raws:
        if isinstance(raw, Unreadable):
            results.append(ItemResult(raw.id, SessionStatus.INVALID, raw.issues))
        elif raw.user_id is not None and raw.user_id != uid:
            results.append(ItemResult(raw.id, SessionStatus.FORBIDDEN))
        else:
            results.append(_checked(raw, now, config))
    return results


def _checked(raw: SessionFields, now: datetime, config: StreakConfig) -> ItemResult:
    try:
        session = parse_session(raw, now, config)
    except SessionRejected as rejected:
        return ItemResult(raw.id, SessionStatus.INVALID, rejected.issues)
    # Calendar days here (nothing of the user is read yet); acceptance cuts them again with their day start.
    days = tuple(d for d, _, _ in split(session.start_ms, session.end_ms, session.zone))
    return ItemResult(raw.id, SessionStatus.CREATED, session=StoredSession(session, now, days))


def accept_session(
    store: UserStore,
    uid: str,
    raw: SessionFields,
    now: datetime,
    config: StreakConfig,
    notify: DispatchQueue | None = None,
    pairs: FriendStreakQueue | None = None,
) -> SessionAccepted:
    """Accept one session: NotYourSession for another user's id, InvalidRequest if it breaks a rule (both
    before anything is read), SessionConflict if its id was used before for another session."""
    checked = validate([raw], uid, now, config)
    if checked[0].status is SessionStatus.FORBIDDEN:
        raise NotYourSession
    if checked[0].status is SessionStatus.INVALID:
        raise InvalidRequest(checked[0].issues)
    acceptance = _accept(store, uid, checked, now, config, notify, pairs=pairs)
    item = acceptance.items[0]
    if item.status is SessionStatus.DELETED:
        raise SessionDeleted
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
    raws: Sequence[SessionFields | Unreadable],
    now: datetime,
    config: StreakConfig,
    notify: DispatchQueue | None = None,
    pairs: FriendStreakQueue | None = None,
) -> Acceptance:
    """Accept a batch for one user atomically, each item with its own status (one bad item never rejects
    the others). The notifications it causes are written in its transaction and announced to `notify`
    after the commit, never from inside the transaction body (which may run more than once); so are the
    checks of the user's friend streaks (`pairs`)."""
    return _accept(store, uid, validate(raws, uid, now, config), now, config, notify, pairs=pairs)


def _accept(
    store: UserStore,
    uid: str,
    checked: list[ItemResult],
    now: datetime,
    config: StreakConfig,
    notify: DispatchQueue | None,
    silent: bool = False,
    pairs: FriendStreakQueue | None = None,
) -> Acceptance:
    candidates = [item.session for item in checked if item.session is not None]
    if not candidates:
        snap = store.snapshot(uid, (), today_candidates(now, late=True))
        return Acceptance(checked, streak_view(snap.settings, snap.streak, snap.days, now, config), {})
    session_ids, session_days = {s.session.id for s in candidates}, {d for s in candidates for d in s.days}

    def body(tx: UserTransaction) -> Acceptance:  # may run again on contention: read, plan, apply only
        snap = tx.read(session_ids, session_days | set(today_candidates(now)), session_days)
        if not snap.settings.day_starts.midnight:  # a later day start: a session's days may be the day before
            wider = session_days | {d - timedelta(days=1) for d in session_days}
            snap = tx.read(session_ids, wider | set(today_candidates(now, late=True)), wider)
        plan = plan_acceptance(uid, snap, checked, now, config, silent)
        if plan.sessions:
            tx.apply(plan)
        return plan.answer

    acceptance = store.run_in_transaction(uid, body)
    if notify is not None:
        announce(notify, acceptance.notices, now)
        announce_events(notify, acceptance.events_lane, now)
    if pairs is not None and acceptance.friend_streaks:
        ask_pair_checks(pairs, uid, acceptance.friend_streaks, f"days-{acceptance.days_version}", now)
    return acceptance


# An import brings history from another backend: sessions this far back (and the usual tolerance ahead).
IMPORT_HORIZON = timedelta(days=100 * 366)
MAX_IMPORT = 500  # sessions one import request may carry


def import_sessions(
    store: UserStore,
    uid: str,
    raws: Sequence[SessionFields | Unreadable],
    now: datetime,
    config: StreakConfig,
) -> Acceptance:
    """History for a migration: sessions of any age, accepted as a batch is (idempotent by id, each item on
    its own), MAX_BATCH at a time (one transaction each, within Firestore's writes per commit), silently
    (no notifications). Closed leaderboard periods and settled challenges stay as they are; streaks, days,
    badges and insights follow."""
    checked = validate(raws, uid, now, replace(config, late_data_limit=IMPORT_HORIZON))
    items: list[ItemResult] = []
    answer = None
    for start in range(0, len(checked), MAX_BATCH):
        answer = _accept(store, uid, checked[start : start + MAX_BATCH], now, config, None, silent=True)
        items += answer.items
    if answer is None:
        answer = _accept(store, uid, [], now, config, None)
    return Acceptance(items, answer.streak, {})
