"""Cloud Functions entry points: re-exports the function targets and nothing else."""
