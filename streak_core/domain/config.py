"""One validated configuration object holding every tunable rule of the streak engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from itertools import pairwise

DEFAULT_LEVEL_THRESHOLDS: tuple[int, ...] = (
    0, 100, 250, 500, 1_000, 2_000, 3_500, 5_500, 8_000, 11_000, 15_000, 20_000,
)  # fmt: skip


class ConfigError(ValueError):
    """A configuration value breaks one of the engine's invariants."""


@dataclass(frozen=True, slots=True)
class StreakConfig:
    """Defaults follow DESIGN.md; every limit is a field so deployments can tune it."""

    threshold_seconds: int = 30 * 60
    late_data_limit: timedelta = timedelta(days=30)
    max_session_duration: timedelta = timedelta(hours=24)
    future_tolerance: timedelta = timedelta(minutes=5)
    milestones: tuple[int, ...] = (7, 30, 100, 365)
    freeze_every_days: int = 7
    max_freezes_held: int = 2
    weekly_bonus_min_days: int = 5
    # Recovery (DESIGN.md "Forgiveness"): the day after a break needs this many times the threshold, and
    # a recovered day needs no other recovered day within this many days before it.
    recovery_factor: int = 2
    recovery_spacing_days: int = 30
    # Pauses are set in advance: at most this many days each, and this many paused days in a calendar year.
    pause_max_days: int = 14
    pause_max_days_per_year: int = 30
    # ...and start at most this many days after the user's local today: what a user can store stays bounded
    # (at most a year or so of future pauses), and no pause lies centuries ahead.
    pause_max_lead_days: int = 366
    xp_per_qualified_day: int = 10
    xp_per_weekly_bonus: int = 50
    level_thresholds: tuple[int, ...] = field(default=DEFAULT_LEVEL_THRESHOLDS)
    # A league week is final this long after the last zone's Sunday ended (late data counts until then).
    league_grace: timedelta = timedelta(hours=12)
    # Reactivation (DESIGN.md "Lifecycle"): a message at each of these quiet local days, except for the
    # holdout: this fraction of users, chosen by a keyed hash of the uid (another key reshuffles them).
    reactivation_steps: tuple[int, ...] = (3, 7, 14, 30)
    reactivation_holdout: float = 0.10
    holdout_key: str = "focus-streaks-reactivation"

    def __post_init__(self) -> None:  # noqa: C901, PLR0912  # one flat check per limit: no logic to split
        problems: list[str] = []
        if not 1 <= self.threshold_seconds <= 24 * 3600:
            problems.append("threshold_seconds must be between 1 and 86400")
        if self.late_data_limit <= timedelta(0):
            problems.append("late_data_limit must be positive")
        if not timedelta(0) < self.max_session_duration <= timedelta(hours=48):
            problems.append("max_session_duration must be positive and at most 48 hours")
        if self.future_tolerance < timedelta(0):
            problems.append("future_tolerance must not be negative")
        if not timedelta(0) <= self.league_grace <= timedelta(days=7):
            problems.append("league_grace must be between 0 and 7 days")
        if not self.milestones or any(m <= 0 for m in self.milestones):
            problems.append("milestones must be positive day counts")
        elif list(self.milestones) != sorted(set(self.milestones)):
            problems.append("milestones must be strictly increasing")
        if self.freeze_every_days <= 0:
            problems.append("freeze_every_days must be positive")
        if self.max_freezes_held < 0:
            problems.append("max_freezes_held must not be negative")
        if not 1 <= self.weekly_bonus_min_days <= 7:
            problems.append("weekly_bonus_min_days must be between 1 and 7")
        if self.recovery_factor < 1:
            problems.append("recovery_factor must be at least 1")
        if self.recovery_spacing_days < 0:
            problems.append("recovery_spacing_days must not be negative")
        if not 1 <= self.pause_max_days <= self.pause_max_days_per_year <= 366:
            problems.append("pause limits must satisfy 1 <= pause_max_days <= pause_max_days_per_year <= 366")
        if not 0 <= self.pause_max_lead_days <= 3660:
            problems.append("pause_max_lead_days must be between 0 and 3660")
        if self.xp_per_qualified_day < 0 or self.xp_per_weekly_bonus < 0:
            problems.append("XP rewards must not be negative")
        if not 0 <= self.reactivation_holdout <= 1:
            problems.append("reactivation_holdout must be between 0 and 1")
        if not self.reactivation_steps or list(self.reactivation_steps) != sorted(
            set(self.reactivation_steps)
        ):
            problems.append("reactivation_steps must be strictly increasing")
        thresholds = self.level_thresholds
        if not thresholds or thresholds[0] != 0:
            problems.append("level_thresholds must start at 0")
        elif any(b <= a for a, b in pairwise(thresholds)):
            problems.append("level_thresholds must be strictly increasing")
        if problems:
            raise ConfigError("; ".join(problems))


DEFAULT_CONFIG = StreakConfig()
