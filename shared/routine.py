"""Pacing: the hold, repetitions, rests and side switches a routine is played with, and their
limits. How long a routine takes as heard is worked out by playing it (shared/engine/estimate.py).
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


@dataclass(frozen=True, slots=True)
class Pacing:
    hold_seconds: int = DEFAULT_HOLD_SECONDS
    reps: int = DEFAULT_REPS
    rest_seconds: int = REST_SECONDS
    switch_seconds: int = SWITCH_SIDES_SECONDS


def side_count(exercise: Exercise) -> int:
    return len(exercise.sides) or 1
