"""Pauses: days set aside in advance that bridge a streak; their limits, and withdrawing what is to come."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from streak_core.domain.config import StreakConfig
from streak_core.domain.ids import is_document_id, keyed_id
from streak_core.domain.sessions import FieldIssue
from streak_core.errors import IdempotencyKeyReused, InvalidRequest, PauseNotFound
from streak_core.models.streaks import Pause
from streak_core.ports.pauses import PauseStore, PauseTransaction
from streak_core.services.views import user_today


def create_pause(
    store: PauseStore,
    uid: str,
    first: date,
    last: date,
    now: datetime,
    config: StreakConfig,
    idempotency_key: str | None = None,
) -> tuple[Pause, bool]:
    """A pause from `first` to `last`, and whether it is new: InvalidRequest listing each limit it breaks (a
    start before the user's local today, `to` before `from`, too long, too many paused days in a calendar
    year, an overlap with another pause). With an idempotency key, a retry gets the pause its first attempt
    made (not new); the same key for other dates is IdempotencyKeyReused."""
    pause_id = keyed_id(uid, idempotency_key) if idempotency_key else uuid.uuid4().hex
    pause = Pause(pause_id, first, last, now)

    def body(tx: PauseTransaction) -> tuple[Pause, bool]:
        snap = tx.read()
        made = next((p for p in snap.pauses if p.id == pause_id), None)
        if made is not None:
            if (made.first, made.last) != (first, last):
                raise IdempotencyKeyReused
            return made, False
        today = user_today(snap.settings, snap.streak, now)
        issues = _issues(pause, snap.pauses, today, config)
        if issues:
            raise InvalidRequest(issues)
        snap.streak.state.pause(pause.days, config)
        snap.streak.state.drain_effects()
        tx.write(snap.streak, put=pause)
        return pause, True

    return store.run_in_transaction(uid, body)


def list_pauses(store: PauseStore, uid: str) -> list[Pause]:
    return store.pauses(uid)


def withdraw_pause(store: PauseStore, uid: str, pause_id: str, now: datetime, config: StreakConfig) -> None:
    """The pause's days from the user's local today on are paused no more; days before stay paused (they
    are history). PauseNotFound for an unknown id."""
    if not is_document_id(pause_id):
        raise PauseNotFound

    def body(tx: PauseTransaction) -> None:
        snap = tx.read()
        pause = next((p for p in snap.pauses if p.id == pause_id), None)
        if pause is None:
            raise PauseNotFound
        today = user_today(snap.settings, snap.streak, now)
        if pause.last < today:
            return
        snap.streak.state.unpause([d for d in pause.days if d >= today], config)
        snap.streak.state.drain_effects()
        if pause.first < today:
            kept = Pause(pause.id, pause.first, today - timedelta(days=1), pause.created_at)
            tx.write(snap.streak, put=kept)
        else:
            tx.write(snap.streak, remove=pause.id)

    store.run_in_transaction(uid, body)


def _issues(pause: Pause, others: list[Pause], today: date, config: StreakConfig) -> list[FieldIssue]:
    """Every limit the pause breaks. The cheap ones come first and stop the check: no later step runs over
    a range longer than `pause_max_days`, and paused days are counted per year by date arithmetic on the
    pauses' ranges, never by listing days (a pause from 4936 to 6281 costs what a week does)."""
    issues = []
    if pause.first < today:
        issues.append(FieldIssue("from", "in_past", f"must be today ({today}) or later in your time zone"))
    elif (pause.first - today).days > config.pause_max_lead_days:
        ahead = f"must be at most {config.pause_max_lead_days} days after today ({today})"
        issues.append(FieldIssue("from", "too_far_ahead", ahead))
    if pause.last < pause.first:
        issues.append(FieldIssue("to", "before_from", "must not be earlier than 'from'"))
        return issues
    if pause.length > config.pause_max_days:
        issues.append(FieldIssue("to", "too_long", f"a pause lasts at most {config.pause_max_days} days"))
        return issues
    limit = config.pause_max_days_per_year
    for year in range(pause.first.year, pause.last.year + 1):  # at most two years: the pause is short
        if sum(p.days_in_year(year) for p in [*others, pause]) > limit:
            issues.append(FieldIssue("to", "yearly_limit", f"at most {limit} paused days in {year}"))
    overlapping = [p for p in others if p.first <= pause.last and pause.first <= p.last]
    if overlapping:
        issues.append(FieldIssue("from", "overlap", f"overlaps the pause from {overlapping[0].first}"))
    return issues
