"""Weekly consistency, XP, levels and configuration validation."""

from datetime import date, timedelta

import pytest

from streak_core.domain.config import DEFAULT_CONFIG, ConfigError, StreakConfig
from streak_core.domain.streaks import StreakState
from streak_core.domain.weekly import iso_week_bounds, iso_week_key, weekly_consistency
from streak_core.domain.xp import level_for, total_xp, xp_to_next_level

MONDAY = date(2026, 11, 16)


def week_with(days: list[int]) -> StreakState:
    state = StreakState()
    for n in days:
        state.add_qualified(MONDAY + timedelta(days=n), DEFAULT_CONFIG)
    return state


def test_iso_week_runs_monday_to_sunday_and_has_a_stable_key() -> None:
    assert iso_week_bounds(date(2026, 11, 21)) == (MONDAY, date(2026, 11, 22))
    assert iso_week_key(date(2026, 11, 21)) == "2026-W47"
    assert iso_week_key(date(2027, 1, 1)) == "2026-W53"


def test_five_qualified_days_of_seven_earn_the_weekly_bonus() -> None:
    result = weekly_consistency(week_with([0, 1, 2, 4, 6]), MONDAY, DEFAULT_CONFIG)
    assert (result.week, result.qualified_days, result.bonus_earned) == ("2026-W47", 5, True)


def test_four_qualified_days_do_not_earn_it() -> None:
    assert not weekly_consistency(week_with([0, 1, 2, 4]), MONDAY, DEFAULT_CONFIG).bonus_earned


def test_days_outside_the_week_and_frozen_days_do_not_count() -> None:
    state = week_with([-1, 0, 1, 2, 3, 7])
    state.freezes_available = 1
    state.apply_freeze(MONDAY + timedelta(days=4), DEFAULT_CONFIG)
    assert weekly_consistency(state, MONDAY, DEFAULT_CONFIG).qualified_days == 4


def test_xp_counts_days_and_bonuses_with_the_default_rates() -> None:
    assert total_xp(qualified_days=36, weekly_bonuses=1, config=DEFAULT_CONFIG) == 410


def test_levels_follow_the_threshold_table() -> None:
    assert [level_for(xp, DEFAULT_CONFIG) for xp in (0, 99, 100, 410, 500)] == [1, 1, 2, 3, 4]
    assert xp_to_next_level(410, DEFAULT_CONFIG) == 90
    top = DEFAULT_CONFIG.level_thresholds[-1]
    assert xp_to_next_level(top, DEFAULT_CONFIG) is None


def test_level_table_is_easy_to_tune() -> None:
    config = StreakConfig(level_thresholds=(0, 10, 20))
    assert level_for(25, config) == 3


@pytest.mark.parametrize(
    ("overrides", "complaint"),
    [
        ({"threshold_seconds": 0}, "threshold_seconds"),
        ({"weekly_bonus_min_days": 8}, "weekly_bonus_min_days"),
        ({"milestones": (30, 7)}, "milestones"),
        ({"level_thresholds": (5, 10)}, "level_thresholds must start at 0"),
        ({"level_thresholds": (0, 10, 10)}, "strictly increasing"),
        ({"max_freezes_held": -1}, "max_freezes_held"),
        ({"late_data_limit": timedelta(0)}, "late_data_limit"),
    ],
)
def test_invalid_configuration_is_refused_with_the_reason(
    overrides: dict[str, object], complaint: str
) -> None:
    with pytest.raises(ConfigError, match=complaint):
        StreakConfig(**overrides)  # type: ignore[arg-type]
