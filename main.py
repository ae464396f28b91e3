"""Cloud Functions entry points: re-exports the function targets and nothing else."""

from functions.entrypoints import api

__all__ = ["api"]
