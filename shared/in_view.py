"""Which stretch a reply is about, read from its state: for front ends that show a picture.

The engine's steps say what is said; the state says where the routine is (its area and the
index of the stretch in it). Screens and the tutor's figures need the stretch itself, and reading
it here, from the state's JSON, keeps the engine's step types as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.exercise_catalog import Exercise, load_exercise_catalog
from shared.reply import Reply, Say

# The steps that open a stretch: the full introduction and the one-line ones of a returning user.
INTRO_KEYS = frozenset({"intro.exercise", "intro.short", "intro.short_sides"})


def routine_of(state: Mapping[str, Any]) -> tuple[Exercise, ...]:
    """The stretches of the state's chosen area, in order; none before an area is chosen."""
    area = state.get("area")
    return load_exercise_catalog().for_area(area) if isinstance(area, str) else ()


def exercise_in_view(state: Mapping[str, Any]) -> Exercise | None:
    """The stretch the routine is at, if it is at one."""
    routine, index = routine_of(state), state.get("exercise")
    if isinstance(index, int) and not isinstance(index, bool) and 0 <= index < len(routine):
        return routine[index]
    return None


def introduced(reply: Reply) -> Exercise | None:
    """The stretch this reply introduces, or None when it introduces none."""
    if any(isinstance(step, Say) and step.key in INTRO_KEYS for step in reply.steps):
        return exercise_in_view(reply.state)
    return None
