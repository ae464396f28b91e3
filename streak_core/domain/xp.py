"""Experience points and levels, derived from qualified days, weekly bonuses and challenge rewards only."""

from __future__ import annotations

from bisect import bisect_right

from streak_core.domain.config import StreakConfig


def total_xp(
    qualified_days: int, weekly_bonuses: int, config: StreakConfig, challenge_rewards: int = 0
) -> int:
    days = qualified_days * config.xp_per_qualified_day
    return days + weekly_bonuses * config.xp_per_weekly_bonus + challenge_rewards


def level_for(xp: int, config: StreakConfig) -> int:
    """Level 1 from 0 XP; level n+1 once XP reaches `level_thresholds[n]`."""
    return bisect_right(config.level_thresholds, xp)


def xp_to_next_level(xp: int, config: StreakConfig) -> int | None:
    """XP still needed for the next level, or None at the top of the table."""
    level = level_for(xp, config)
    if level >= len(config.level_thresholds):
        return None
    return config.level_thresholds[level] - xp
