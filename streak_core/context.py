"""What every log line of a request, task or message says about where it came from, and how long it may
take (context variables)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

CORRELATION_HEADER = "X-Correlation-ID"  # on requests and Cloud Tasks tasks
CORRELATION_ATTRIBUTE = "correlation_id"  # on Pub/Sub messages

_correlation: ContextVar[str | None] = ContextVar("correlation_id", default=None)
_user: ContextVar[str | None] = ContextVar("user_id", default=None)
_operation: ContextVar[str | None] = ContextVar("operation", default=None)
_trace: ContextVar[str | None] = ContextVar("trace", default=None)


def correlation_id() -> str | None:
    return _correlation.get()


def user_id() -> str | None:
    return _user.get()


def operation() -> str | None:
    return _operation.get()


def trace() -> str | None:
    """The trace id (32 hex digits) of the request being served, if its caller sent one."""
    return _trace.get()


def set_user(uid: str | None) -> None:
    """Once a request's caller is known (after authentication)."""
    _user.set(uid)


def set_operation(name: str) -> None:
    """Once a request's route is known."""
    _operation.set(name)


@contextmanager
def bound(
    correlation: str | None, operation_name: str, uid: str | None = None, trace_id: str | None = None
) -> Iterator[None]:
    """The context of one request, task or message, restored afterwards."""
    tokens = (
        _correlation.set(correlation),
        _operation.set(operation_name),
        _user.set(uid),
        _trace.set(trace_id),
    )
    try:
        yield
    finally:
        _trace.reset(tokens[3])
        _user.reset(tokens[2])
        _operation.reset(tokens[1])
        _correlation.reset(tokens[0])


# When the work being done must be over (time.monotonic()), so every backend call can be given what is left.
_deadline: ContextVar[float | None] = ContextVar("deadline", default=None)


@contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """The work inside has `seconds` in all (None: no budget); backend calls get what is left of it."""
    token = _deadline.set(None if seconds is None else time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def time_left() -> float | None:
    """Seconds left of the current budget (0 or less: spent), or None when no budget is set."""
    deadline = _deadline.get()
    return None if deadline is None else deadline - time.monotonic()
