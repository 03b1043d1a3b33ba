"""Pacing arithmetic: how long stretches take, and how sets split into turns.

Kept apart from the conversation so the numbers a user is told ("about 6 minutes") and the steps the
engine emits come from the same formulas.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.exercise_catalog import Exercise

DEFAULT_HOLD_SECONDS = 20
HOLD_LIMITS = (10, 60)
DEFAULT_REPS = 5
REPS_LIMITS = (1, 10)
REST_SECONDS = 5
SWITCH_SIDES_SECONDS = 5
# A rough allowance for explaining a stretch, so the total time said up front is honest.
INTRO_SECONDS = 25


@dataclass(frozen=True, slots=True)
class Pacing:
    hold_seconds: int = DEFAULT_HOLD_SECONDS
    reps: int = DEFAULT_REPS
    rest_seconds: int = REST_SECONDS
    switch_seconds: int = SWITCH_SIDES_SECONDS


def side_count(exercise: Exercise) -> int:
    return len(exercise.sides) or 1


def rep_seconds(pacing: Pacing, rep: int) -> int:
    """Timed seconds for repetition `rep` (0-based) of a side: the hold plus the rest after it."""
    rest = pacing.rest_seconds if rep < pacing.reps - 1 else 0
    return pacing.hold_seconds + rest


def exercise_seconds(
    exercise: Exercise, pacing: Pacing, *, from_side: int = 0, from_rep: int = 0
) -> int:
    """Timed seconds left in a stretch from a position, with switches between sides."""
    sides = side_count(exercise)
    total = 0
    for side in range(from_side, sides):
        start = from_rep if side == from_side else 0
        if side > 0 and start == 0:
            total += pacing.switch_seconds
        total += sum(rep_seconds(pacing, rep) for rep in range(start, pacing.reps))
    return total


def routine_seconds(exercises: tuple[Exercise, ...], pacing: Pacing) -> int:
    """A whole routine, explanations included: what "this takes about N minutes" is based on."""
    return sum(exercise_seconds(e, pacing) + INTRO_SECONDS for e in exercises)


def minutes(seconds: int) -> int:
    """Whole minutes to announce: half a minute rounds up (not to even), and never zero."""
    return max(1, (seconds + 30) // 60)


def chunk_reps(start: int, pacing: Pacing, budget: int | None) -> range:
    """Which repetitions of a side go into one reply, starting at `start`.

    `budget` caps the timed seconds in one reply (a voice turn can only hold so many breaks); None
    means the rest of the side; at least one repetition always fits, so a set always progresses.
    """
    if budget is None:
        return range(start, pacing.reps)
    end, used = start + 1, rep_seconds(pacing, start)
    while end < pacing.reps and used + rep_seconds(pacing, end) <= budget:
        used += rep_seconds(pacing, end)
        end += 1
    return range(start, end)
