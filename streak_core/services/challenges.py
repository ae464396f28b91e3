"""Challenges: creating, listing, joining and leaving them, and moving a user's progress with their days."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import datetime

from streak_core.domain.challenges import (
    MAX_UNFINISHED,
    Challenge,
    ChallengeTerms,
    Membership,
    terms_issues,
    unfinished,
    window_count,
)
from streak_core.domain.config import StreakConfig
from streak_core.domain.ids import is_document_id
from streak_core.domain.vocabulary import ChallengeStatus, ChallengeVisibility, Visibility
from streak_core.errors import (
    ChallengeCompleted,
    ChallengeEnded,
    ChallengeNotFound,
    Forbidden,
    InvalidRequest,
    TooManyChallenges,
)
from streak_core.models.notifications import OutboxEntry
from streak_core.ports.challenges import ChallengeStore, Joining, MembershipTransaction
from streak_core.ports.followups import DispatchQueue
from streak_core.ports.users import Profiles
from streak_core.services.cursors import Cursors
from streak_core.services.followups import announce
from streak_core.services.progress import completed_notices, day_seconds, drop_final
from streak_core.services.views import user_today

TOP = 20


@dataclass(frozen=True, slots=True)
class ChallengeView:
    challenge: Challenge
    status: ChallengeStatus


@dataclass(frozen=True, slots=True)
class MeView:
    joined: bool
    progress: int
    completed_at: datetime | None
    rank: int | None


@dataclass(frozen=True, slots=True)
class TopRow:
    rank: int
    user_id: str
    display_name: str | None
    progress: int
    completed_at: datetime | None


@dataclass(frozen=True, slots=True)
class ChallengeDetail:
    challenge: ChallengeView
    me: MeView
    top: list[TopRow]


@dataclass(frozen=True, slots=True)
class ChallengeList:
    challenges: list[ChallengeView]
    next_cursor: str | None
    mine: dict[str, MeView]  # where the caller stands in each listed challenge, by its id


def create_challenge(
    store: ChallengeStore,
    uid: str,
    admin: bool,
    title: str,
    terms: ChallengeTerms,
    visibility: ChallengeVisibility,
    now: datetime,
) -> ChallengeView:
    """A new challenge under an unguessable id (for a private one, the invitation). Forbidden for a public
    one without the admin claim; InvalidRequest listing every rule the terms break."""
    if visibility is ChallengeVisibility.PUBLIC and not admin:
        raise Forbidden("Only admins create public challenges; anyone may create a private one.")
    issues = terms_issues(title, terms, visibility, now)
    if issues:
        raise InvalidRequest(issues)
    challenge = Challenge(secrets.token_urlsafe(16), title.strip(), terms, visibility, uid, now)
    store.create(challenge)
    return ChallengeView(challenge, terms.status(now))


def list_challenges(
    store: ChallengeStore,
    cursors: Cursors,
    uid: str,
    status: ChallengeStatus,
    limit: int,
    cursor: str | None,
    now: datetime,
) -> ChallengeList:
    after = cursors.challenge_position(cursor, status) if cursor is not None else None
    page = store.page(uid, status, now, after, limit)
    following = page.next_position
    joined = store.memberships(uid, [c.id for c in page.challenges])
    return ChallengeList(
        [ChallengeView(c, c.terms.status(now)) for c in page.challenges],
        cursors.challenges(status, following) if following is not None else None,
        {c.id: _me(store, joined.get(c.id)) for c in page.challenges},
    )


def challenge_detail(
    store: ChallengeStore, profiles: Profiles, uid: str, challenge_id: str, now: datetime
) -> ChallengeDetail:
    """The challenge, where the caller stands, and the first participants (anyone holding the id sees it)."""
    challenge = _existing(store, challenge_id)
    membership = store.membership(uid, challenge_id)
    standings = store.top(challenge_id, TOP)
    settings = profiles.profiles([s.uid for s in standings])
    rows: list[TopRow] = []
    for n, standing in enumerate(standings):
        m = standing.membership
        tied = rows and standings[n - 1].membership.standing_key() == m.standing_key()
        shown = settings.get(standing.uid)
        name = shown.display_name if shown and shown.leaderboard_visibility is not Visibility.HIDDEN else None
        rows.append(TopRow(rows[-1].rank if tied else n + 1, standing.uid, name, m.progress, m.completed_at))
    return ChallengeDetail(
        ChallengeView(challenge, challenge.terms.status(now)), _me(store, membership), rows
    )


def join_challenge(
    store: ChallengeStore,
    uid: str,
    challenge_id: str,
    now: datetime,
    config: StreakConfig,
    notify: DispatchQueue | None = None,
) -> tuple[ChallengeView, MeView]:
    """Join (a no-op when already in): progress counts the whole window's days so far, and may complete
    the challenge at once. ChallengeEnded once the window is over on the user's local date;
    TooManyChallenges past MAX_UNFINISHED."""
    if not is_document_id(challenge_id):
        raise ChallengeNotFound

    def body(tx: MembershipTransaction) -> tuple[Challenge, Membership, list[OutboxEntry]]:
        snap = tx.read(challenge_id)
        challenge = snap.challenge
        if challenge is None:
            raise ChallengeNotFound
        if snap.membership is not None:
            return challenge, snap.membership, []
        terms, streak = challenge.terms, snap.streak
        today = user_today(snap.settings, streak, now)
        if today > terms.ends_on:
            raise ChallengeEnded
        drop_final(streak, now, config)
        if unfinished(streak.challenges, today) >= MAX_UNFINISHED:
            raise TooManyChallenges(MAX_UNFINISHED)
        days = tx.days(terms.starts_on, min(terms.ends_on, today))
        count = window_count(terms, day_seconds(days), config)
        membership = Membership(challenge.id, challenge.title, terms, now, count)
        notices: list[OutboxEntry] = []
        if membership.reached:
            membership = replace(membership, completed_at=now)
            notices = completed_notices(uid, streak, membership, now)
        else:
            streak.challenges[challenge.id] = membership
        tx.join(Joining(challenge, streak, membership, tuple(notices)))
        return challenge, membership, notices

    joined, membership, notices = store.run_in_transaction(uid, body)
    if notify is not None:
        announce(notify, [entry.id for entry in notices], now)
    challenge = store.get(challenge_id) or joined  # counted with the newcomer
    me = _me(store, membership)
    return ChallengeView(challenge, challenge.terms.status(now)), me


def leave_challenge(store: ChallengeStore, uid: str, challenge_id: str) -> None:
    """Leave (a no-op when not in); ChallengeCompleted once completed: its reward stays earned."""
    if not is_document_id(challenge_id):
        raise ChallengeNotFound

    def body(tx: MembershipTransaction) -> None:
        snap = tx.read(challenge_id)
        if snap.challenge is None:
            raise ChallengeNotFound
        if snap.membership is None:
            return
        if snap.membership.completed_at is not None:
            raise ChallengeCompleted
        snap.streak.challenges.pop(challenge_id, None)
        tx.leave(snap.challenge, snap.streak)

    store.run_in_transaction(uid, body)


def _existing(store: ChallengeStore, challenge_id: str) -> Challenge:
    challenge = store.get(challenge_id) if is_document_id(challenge_id) else None
    if challenge is None:
        raise ChallengeNotFound
    return challenge


def _me(store: ChallengeStore, membership: Membership | None) -> MeView:
    if membership is None:
        return MeView(False, 0, None, None)
    rank = store.ahead_of(membership.challenge_id, membership) + 1
    return MeView(True, membership.progress, membership.completed_at, rank)
