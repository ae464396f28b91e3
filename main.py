"""Cloud Functions entry points: re-exports the function targets and nothing else."""

from functions.entrypoints import (
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
