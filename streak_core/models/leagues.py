"""League weeks as stored: one member document per user and week, and the cohorts a settlement pages."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from streak_core.domain.leagues import Outcome, Standing, score_of
from streak_core.domain.vocabulary import LeagueOutcome, Tier


@dataclass(frozen=True, slots=True)
class LeagueMember:
    """A user's week: placed once it has a tier and a cohort. A week's focus that arrives before the user is
    placed (their Monday came before the settlement that places them) is kept here, unplaced, and counts
    once they are. Settled: rank, outcome and next tier are facts that never change."""

    week: str
    uid: str
    seconds: int = 0
    longest_streak: int = 0
    reached_at: datetime | None = None  # when the score (minutes) last changed
    tier: Tier | None = None
    cohort: str | None = None
    placed_at: datetime | None = None
    rank: int | None = None
    outcome: LeagueOutcome | None = None
    next_tier: Tier | None = None
    settled_at: datetime | None = None

    @property
    def placed(self) -> bool:
        return self.cohort is not None

    @property
    def settled(self) -> bool:
        return self.settled_at is not None

    @property
    def score(self) -> int:
        return score_of(self.seconds)

    def standing(self) -> Standing:
        reached = self.reached_at or self.placed_at
        assert reached is not None, "a placed member has a placement time"
        return Standing(self.uid, self.seconds, self.longest_streak, reached)

    def moved(self, change: int, longest_streak: int, now: datetime) -> LeagueMember:
        """The week with `change` more seconds of focus (the score reached now if its minutes moved)."""
        seconds = self.seconds + change
        reached = now if score_of(seconds) != self.score or self.reached_at is None else self.reached_at
        return replace(self, seconds=seconds, longest_streak=longest_streak, reached_at=reached)

    def with_outcome(self, outcome: Outcome, now: datetime) -> LeagueMember:
        return replace(
            self, rank=outcome.rank, outcome=outcome.outcome, next_tier=outcome.next_tier, settled_at=now
        )

    @property
    def tier_after(self) -> Tier | None:
        """The tier this week leads to: the next one once settled, else its own."""
        return self.next_tier if self.settled else self.tier


@dataclass(frozen=True, slots=True)
class Cohort:
    id: str
    week: str
    tier: Tier
    settled_at: datetime | None = None
