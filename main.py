"""Cloud Functions entry points: re-exports the function targets, with the collector off until the first
answer (functions/startup.py)."""

from functions import startup

startup.begin()  # before our imports: they are most of a cold start

from functions.entrypoints import (  # noqa: E402  # after begin(), on purpose
    api,
    maintenance_retry,
    notifications,
    on_account_deleted,
    on_maintenance_batch,
    on_maintenance_tick,
    session_jobs,
)

__all__ = [
    "api",
    "maintenance_retry",
    "notifications",
    "on_account_deleted",
    "on_maintenance_batch",
    "on_maintenance_tick",
    "session_jobs",
]
