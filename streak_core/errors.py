"""Why a use case refused: the errors services raise. Entry points decide what each means on the wire."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from streak_core.domain.sessions import FieldIssue
from streak_core.models.streaks import StoredSession


class ServiceError(Exception):
    """A refusal with a machine code and a sentence for the person who asked."""

    code: ClassVar[str] = "error"

    def __init__(self, message: str, details: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details  # what a client needs to act on it (the date a change becomes possible)


class InvalidRequest(ServiceError):
    """The request breaks a rule; `issues` lists each field and why."""

    code = "validation_failed"

    def __init__(self, issues: list[FieldIssue], message: str | None = None) -> None:
        fields = ", ".join(dict.fromkeys(i.field for i in issues))
        super().__init__(message or f"The request is invalid: check {fields}.")
        self.issues = issues


class InvalidCursor(InvalidRequest):
    code = "invalid_cursor"

    def __init__(self) -> None:
        issue = FieldIssue("cursor", "invalid_cursor", "is not a cursor this API returned for this list")
        super().__init__([issue], "The cursor was not issued by this API for this list.")


class CannotBefriendSelf(InvalidRequest):
    code = "cannot_befriend_self"

    def __init__(self) -> None:
        issue = FieldIssue("user_id", "cannot_befriend_self", "must be another user")
        super().__init__([issue], "You cannot be your own friend.")


class NotFound(ServiceError):
    code = "not_found"


class UserNotFound(NotFound):
    code = "user_not_found"

    def __init__(self) -> None:
        super().__init__("No such user.")


class FriendRequestNotFound(NotFound):
    code = "request_not_found"

    def __init__(self) -> None:
        super().__init__("This user has not asked to be your friend.")


class PauseNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("No such pause.")


class RunNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("No such maintenance run.")


class ChallengeNotFound(NotFound):
    code = "challenge_not_found"

    def __init__(self) -> None:
        super().__init__("No such challenge.")


class ShareNotFound(NotFound):
    code = "share_not_found"

    def __init__(self) -> None:
        super().__init__("No such share (it may have been revoked).")


class JobNotFound(NotFound):
    code = "job_not_found"

    def __init__(self) -> None:
        super().__init__("No such job.")


class Forbidden(ServiceError):
    """The caller is who they say, but may not do this."""

    code = "forbidden"


class Conflict(ServiceError):
    code = "conflict"


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"

    def __init__(self) -> None:
        super().__init__("This Idempotency-Key was already used for a different request.")


class ChallengeEnded(Conflict):
    code = "challenge_ended"

    def __init__(self) -> None:
        super().__init__("This challenge has ended: it can no longer be joined.")


class TooManyChallenges(Conflict):
    code = "too_many_challenges"

    def __init__(self, limit: int) -> None:
        super().__init__(f"You are already in {limit} unfinished challenges: finish or leave one first.")


class ChallengeCompleted(Conflict):
    code = "challenge_completed"

    def __init__(self) -> None:
        super().__init__("You completed this challenge: a completed challenge cannot be left.")


class SessionConflict(Conflict):
    """The session id was used before for a different session; `existing` is what is stored."""

    code = "session_conflict"

    def __init__(self, existing: StoredSession) -> None:
        super().__init__("This session id was already used for a different session.")
        self.existing = existing


class FriendLimitReached(Conflict):
    code = "friend_limit_reached"


class SessionDeleted(Conflict):
    """The session id is one the user deleted: ids are never used twice."""

    code = "session_deleted"

    def __init__(self) -> None:
        super().__init__("This session was deleted; its id cannot be used again.")


class SessionNotFound(NotFound):
    code = "session_not_found"

    def __init__(self) -> None:
        super().__init__("You never sent a session with this id.")


class WebhookNotFound(NotFound):
    code = "webhook_not_found"

    def __init__(self) -> None:
        super().__init__("There is no webhook endpoint with this id.")


class DeliveryNotFound(NotFound):
    code = "delivery_not_found"

    def __init__(self) -> None:
        super().__init__("This endpoint has no delivery with this id.")


class TooManyWebhooks(Conflict):
    code = "too_many_webhooks"


class EndpointDisabled(Conflict):
    code = "endpoint_disabled"

    def __init__(self) -> None:
        super().__init__("The endpoint is disabled: enable it (PATCH status) before retrying a delivery.")


class Unavailable(ServiceError):
    """A backend we depend on failed in a way that is safe to retry."""

    code = "unavailable"


class TransientStoreError(Unavailable):
    """The store failed in a way that is safe to retry (nothing was written)."""


class LeagueHidden(Conflict):
    code = "leaderboard_hidden"

    def __init__(self) -> None:
        super().__init__("Your leaderboard visibility is hidden: leagues place only users others can see.")


class DayStartTooSoon(ServiceError):
    """The day start was changed less than 7 days ago."""

    code = "too_soon"

    def __init__(self, allowed_from: date) -> None:
        super().__init__(
            f"The day start can change once in 7 days: again from {allowed_from.isoformat()}.",
            {"allowed_from": allowed_from.isoformat()},
        )


class NotFriends(InvalidRequest):
    """A friend streak is kept with a friend only."""

    code = "not_friends"

    def __init__(self) -> None:
        issue = FieldIssue("user_id", "not_friends", "must be one of your friends")
        super().__init__([issue], "You can keep a friend streak with a friend only.")


class FriendStreakLimitReached(Conflict):
    code = "limit_reached"


class FriendStreakExists(Conflict):
    """The pair already has a friend streak (active or invited): its id is in the details."""

    code = "exists"

    def __init__(self, streak_id: str) -> None:
        super().__init__("You two already have a friend streak.", {"id": streak_id})


class FriendStreakNotFound(NotFound):
    code = "not_found"

    def __init__(self) -> None:
        super().__init__("No such friend streak.")


class FriendStreakNotActive(Conflict):
    code = "not_active"

    def __init__(self) -> None:
        super().__init__("The invitation has not been accepted yet.")


class AlreadyNudged(Conflict):
    code = "already_nudged"

    def __init__(self) -> None:
        super().__init__("You already nudged your friend today.")
