"""Use cases: each talks to ports only and is wired in `streak_core.bootstrap`."""
