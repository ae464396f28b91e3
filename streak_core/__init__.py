"""streak_core: the focus-streak engine shared by every Cloud Function."""
