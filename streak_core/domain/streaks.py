"""The streak state: the facts about a user's days, and the runs of covered days derived from them.

Facts: the qualified days (kept as runs of consecutive dates), the strong days (at least the recovery factor
times the threshold of focus), and the frozen, paused and excused days. A day is *covered* when it is one of
those, or *recovered*: a one-day break after a run, followed by a strong day, at most once in any window of
`recovery_spacing_days` (DESIGN.md "Forgiveness"). Recoveries are derived from the facts, never stored as
facts, so arrival order never matters.

Covered days are kept as maximal runs of date ordinals with the number of qualified days in each. A change is
local: the recovery candidates next to the changed days are looked at again, and the greedy choice of
recoveries is replayed forward only until it agrees with the old one. A late day in a history of any length
costs about the same.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from streak_core.domain.config import StreakConfig
from streak_core.domain.runs import RunChange, Runs, contains, discard


@dataclass(slots=True)
class Effects:
    """What a change did besides the day it was about: recoveries gained or lost, and runs they grew."""

    recovered: list[int] = field(default_factory=list)
    unrecovered: list[int] = field(default_factory=list)
    grown: list[RunChange] = field(default_factory=list)


# What a change with no side effect drains: shared, and never changed (its readers only read).
NO_EFFECTS = Effects()


@dataclass(slots=True)
class StreakState(Runs):
    """Facts and derived runs, as inclusive date ordinals (the runs and the qualified days are in Runs).
    Mutated in place."""

    # --- facts besides the qualified days -------------------------------------------------------------
    # Only ever asked "is it strong?": a set, so a late strong day shifts nothing (the lists are sorted).
    strong: set[int] = field(default_factory=set)
    frozen: list[int] = field(default_factory=list)  # never qualified: a qualifying day gets its freeze back
    paused: list[int] = field(default_factory=list)
    excused: list[int] = field(default_factory=list)
    freezes_available: int = 0
    # What the last changes did besides their own day; the caller drains it (not part of the state).
    effects: Effects = field(default_factory=Effects, compare=False, repr=False)

    # --- queries ---------------------------------------------------------------------------------------
    def _fact(self, o: int) -> bool:
        """Covered whatever the recoveries: qualified, frozen, paused or excused."""
        return (
            self._q_index(o) >= 0
            or contains(self.frozen, o)
            or contains(self.paused, o)
            or contains(self.excused, o)
        )

    def is_strong(self, day: date) -> bool:
        return day.toordinal() in self.strong

    def is_frozen(self, day: date) -> bool:
        return contains(self.frozen, day.toordinal())

    def is_recovered(self, day: date) -> bool:
        return contains(self.recovered, day.toordinal())

    def is_paused(self, day: date) -> bool:
        return contains(self.paused, day.toordinal())

    def is_excused(self, day: date) -> bool:
        return contains(self.excused, day.toordinal())

    # --- recovery -----------------------------------------------------------------------------------
    def recoverable(self, day: date, config: StreakConfig) -> bool:
        """Whether a break on `day` can still be recovered by a strong next day: it broke a run, and no
        other day in the spacing window before it is recovered."""
        o = day.toordinal()
        return not self._fact(o) and self._broke_a_run(o) and self._spacing_allows(o, config)

    def recovery_offer(self, today: date, config: StreakConfig) -> date | None:
        """Yesterday, while a strong today would recover it (and today is not strong yet)."""
        yesterday = today.toordinal() - 1
        if contains(self.recovered, yesterday) or not self.recoverable(date.fromordinal(yesterday), config):
            return None
        return date.fromordinal(yesterday)

    def next_recovery_on(self, today: date, config: StreakConfig) -> date | None:
        """The first date a break may be recovered again, when that is after today."""
        if not self.recovered:
            return None
        allowed = self.recovered[-1] + config.recovery_spacing_days + 1
        return date.fromordinal(allowed) if allowed > today.toordinal() else None

    def _spacing_allows(self, o: int, config: StreakConfig) -> bool:
        lo = o - config.recovery_spacing_days
        return bisect_left(self.recovered, o) == bisect_left(self.recovered, lo)

    def _broke_a_run(self, o: int) -> bool:
        """The day before `o` is covered by facts that hold a qualified day (walking back over bridges)."""
        x = o - 1
        while True:
            if self._qualified(x):
                return True
            if not self._fact(x):
                return False
            x -= 1

    def _is_candidate(self, o: int) -> bool:
        return o + 1 in self.strong and not self._fact(o) and self._broke_a_run(o)

    def _block_end(self, o: int) -> int | None:
        """The last day of the block of fact-covered days holding `o`, if `o` is fact-covered."""
        if not self._fact(o):
            return None
        x = o
        while True:
            q = self._q_index(x)
            if q >= 0:
                x = self.q_ends[q]
            if not self._fact(x + 1):
                return x
            x += 1

    # --- updates ---------------------------------------------------------------------------------------
    def add_qualified(self, day: date, config: StreakConfig) -> RunChange | None:
        """Record that `day` qualified. Refunds a freeze spent on it. None if it already qualified."""
        o = day.toordinal()
        if not self.ends or o > self.ends[-1]:
            # In-order data, most days: past every covered day, and so past every fact and strong day. No
            # freeze to refund, no run to join on the right, and no recovery candidate at `o` or after it
            # (one needs a strong day after it): the new day extends the last run or opens one.
            self._insert_qualified(o)
            self.qualified_days += 1
            before = self._cover(o, 1)
            return RunChange(before, self.lengths[-1], self.starts[-1], o)
        if self._qualified(o):
            return None
        refunded = discard(self.frozen, o)
        if refunded:
            self.freezes_available = min(self.freezes_available + 1, config.max_freezes_held)
        self._insert_qualified(o)
        self.qualified_days += 1
        run = self._run_index(o)
        if run >= 0:
            before = self.lengths[run]
            self.lengths[run] += 1
            self._note_longest(self.lengths[run])
        else:
            before = self._cover(o, 1)
        gained = self._refresh((o,), config)
        if gained:
            newly_covered = gained if run >= 0 else {o} | gained
            before, after, start, end = self._change(o, newly_covered, new_qualified=o)[:4]
        else:
            i = self._run_index(o)
            after, start, end = self.lengths[i], self.starts[i], self.ends[i]
        change = RunChange(before, after, start, end, refunded=refunded, bridged=run >= 0)
        self._grow(gained, besides=change)
        return change

    def add_strong(self, day: date, config: StreakConfig) -> None:
        """Record that a qualified `day` reached the recovery factor: the day before may be recovered."""
        o = day.toordinal()
        if o in self.strong:
            return
        self.strong.add(o)
        if self._qualified(o - 1):  # the day before is no break: no candidate to gain or lose
            return
        self._grow(self._refresh((o,), config, strength_only=True))

    def apply_freeze(self, day: date, config: StreakConfig) -> RunChange | None:
        """Spend a freeze to bridge `day`. None (nothing spent) if it is covered or none is left."""
        o = day.toordinal()
        if self.freezes_available <= 0 or self._run_index(o) >= 0:
            return None
        self.freezes_available -= 1
        insort(self.frozen, o)
        self._cover(o, 0)
        gained = self._refresh((o,), config)
        change = self._change(o, {o} | gained)
        self._grow(gained, besides=change)
        return change

    def grant_freezes(self, count: int, config: StreakConfig) -> int:
        """Add up to `count` freezes without exceeding the cap; return how many were granted."""
        granted = max(0, min(count, config.max_freezes_held - self.freezes_available))
        self.freezes_available += granted
        return granted

    def pause(self, days: Iterable[date], config: StreakConfig) -> None:
        """Paused days bridge a run (focus on them still counts)."""
        changed = []
        for day in days:
            o = day.toordinal()
            if contains(self.paused, o):
                continue
            insort(self.paused, o)
            changed.append(o)
            if self._run_index(o) < 0:
                self._cover(o, 0)
        self._grow(self._refresh(changed, config))

    def unpause(self, days: Iterable[date], config: StreakConfig) -> None:
        """Paused days that are paused no more (a pause withdrawn before they came)."""
        changed = []
        for day in days:
            o = day.toordinal()
            if not discard(self.paused, o):
                continue
            changed.append(o)
            if not self._fact(o) and not contains(self.recovered, o):
                self._uncover(o)
        self._grow(self._refresh(changed, config))

    def excuse(self, day: date, config: StreakConfig) -> bool:
        """An operator excuses `day` (an outage): it bridges the run, and a freeze spent on it comes back.
        False if it was excused already."""
        o = day.toordinal()
        if contains(self.excused, o):
            return False
        insort(self.excused, o)
        if discard(self.frozen, o):
            self.freezes_available = min(self.freezes_available + 1, config.max_freezes_held)
        if self._run_index(o) < 0:
            self._cover(o, 0)
        self._grow(self._refresh((o,), config))
        return True

    def drain_effects(self) -> Effects:
        effects = self.effects
        if not (effects.recovered or effects.unrecovered or effects.grown):
            return NO_EFFECTS  # the common case: nothing to hand over, nothing to allocate
        self.effects = Effects()
        return effects

    # --- keeping the derived parts true ------------------------------------------------------------------
    def _refresh(self, changed: Iterable[int], config: StreakConfig, strength_only: bool = False) -> set[int]:
        """Look again at the recovery candidates the changed days can affect, replay the greedy choice
        where it may differ, and cover or uncover the days whose recovery changed. Returns the days newly
        covered by recoveries.

        A candidate at d depends on whether d+1 is strong, on d itself, and on the block of covered days
        that ends at d-1 holding a qualified day. So a day getting strong can change only the candidate
        before it; a day getting (or losing) cover can change the candidate on it, the one after it, and
        the one after the block of bridges that follows it (a walk back from there may reach it)."""
        points: list[int] = []  # a point may come twice: the second look finds it already flipped
        for o in changed:
            if strength_only:
                points.append(o - 1)
                continue
            points += (o, o + 1)
            # Every fact is covered, so a day outside the runs (most often the day after a new one) is no
            # bridge and needs no closer look.
            if self._run_index(o + 1) >= 0 and self._fact(o + 1) and not self._qualified(o + 1):
                end = self._block_end(o + 1)
                assert end is not None
                points.append(end + 1)
        flipped: list[int] = []
        candidates = self.candidates
        for p in points:
            now = self._is_candidate(p)
            i = bisect_left(candidates, p)
            if now != (i < len(candidates) and candidates[i] == p):
                flipped.append(p)
                if now:
                    candidates.insert(i, p)
                else:
                    del candidates[i]
        if not flipped:
            return set()
        return self._replay(min(flipped), max(flipped), config)

    def _replay(self, lo: int, hi: int, config: StreakConfig) -> set[int]:
        """The greedy choice of recoveries from `lo` on, until it agrees with the old choice again; only
        that stretch of the list is replaced."""
        old = self.recovered
        spacing = config.recovery_spacing_days
        keep = bisect_left(old, lo)
        last = old[keep - 1] if keep else None
        chosen: list[int] = []
        i = bisect_left(self.candidates, lo)
        rest_from = len(old)
        while i < len(self.candidates):
            c = self.candidates[i]
            if c > hi:
                j = bisect_left(old, c)
                old_last = old[j - 1] if j > 0 else None
                if old_last == last or (_before(old_last, c - spacing) and _before(last, c - spacing)):
                    rest_from = j
                    break
            if last is None or c - last > spacing:
                chosen.append(c)
                last = c
            i += 1
        replaced = old[keep:rest_from]
        if chosen == replaced:
            return set()
        old[keep:rest_from] = chosen
        gained, lost = set(chosen) - set(replaced), set(replaced) - set(chosen)
        for o in sorted(lost):
            self.effects.unrecovered.append(o)
            if not self._fact(o):
                self._uncover(o)
        for o in sorted(gained):
            self.effects.recovered.append(o)
            if self._run_index(o) < 0:
                self._cover(o, 0)
        return gained

    def _grow(self, gained: set[int], besides: RunChange | None = None) -> None:
        """Report the runs that new recoveries grew (once each, and not the one already reported)."""
        if not gained:
            return
        seen = {besides.start_ordinal} if besides else set()
        for o in sorted(gained):
            change = self._change(o, gained)
            if change.start_ordinal not in seen:
                seen.add(change.start_ordinal)
                self.effects.grown.append(change)

    # --- from the facts alone ----------------------------------------------------------------------
    @classmethod
    def from_facts(
        cls,
        qualified: Iterable[date],
        strong: Iterable[date],
        frozen: Iterable[date],
        paused: Iterable[date],
        excused: Iterable[date],
        freezes_available: int,
        config: StreakConfig,
    ) -> StreakState:
        """The state these facts make, derived in one pass (rebuilds, stored forms of older versions)."""
        qualified_ordinals = sorted({d.toordinal() for d in qualified})
        state = cls(freezes_available=freezes_available)
        for o in qualified_ordinals:
            state._insert_qualified(o)
        state.qualified_days = len(qualified_ordinals)
        state.strong = {d.toordinal() for d in strong} & set(qualified_ordinals)
        state.paused = sorted({d.toordinal() for d in paused})
        state.excused = sorted({d.toordinal() for d in excused})
        state.frozen = sorted({d.toordinal() for d in frozen} - set(qualified_ordinals) - set(state.excused))
        state.candidates = [s - 1 for s in sorted(state.strong) if state._is_candidate(s - 1)]
        last: int | None = None
        for c in state.candidates:
            if last is None or c - last > config.recovery_spacing_days:
                state.recovered.append(c)
                last = c
        covered = sorted(
            {o for s, e in zip(state.q_starts, state.q_ends, strict=True) for o in range(s, e + 1)}
            | set(state.frozen)
            | set(state.paused)
            | set(state.excused)
            | set(state.recovered)
        )
        for o in covered:
            qualified_day = int(state._qualified(o))
            if state.ends and state.ends[-1] == o - 1:
                state.ends[-1] = o
                state.lengths[-1] += qualified_day
            else:
                state.starts.append(o)
                state.ends.append(o)
                state.lengths.append(qualified_day)
        state.longest_streak = max(state.lengths, default=0)
        return state


def milestones_reached(change: RunChange, config: StreakConfig) -> tuple[int, ...]:
    """Milestones the run crossed in this change; each fires once per run, when first reached."""
    milestones = config.milestones  # sorted, as the configuration guarantees
    return milestones[bisect_right(milestones, change.before) : bisect_right(milestones, change.after)]


def _before(value: int | None, bound: int) -> bool:
    """`value` is None or earlier than `bound` (a recovery outside the spacing window)."""
    return value is None or value < bound
