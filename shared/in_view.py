"""Which stretch a reply is about, read from its state: for front ends that show a picture.

The engine's steps say what is said; the state says where the routine is (its area and the
index of the stretch in it). Screens and the tutor's figures need the stretch itself, and reading
it here, from the state's JSON, keeps the engine's step types as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.engine import State
from shared.exercise_catalog import Exercise, load_exercise_catalog
from shared.reply import Reply, Say

# The steps that open a stretch: the full introduction and the one-line ones of a returning user.
INTRO_KEYS = frozenset({"intro.exercise", "intro.short", "intro.short_sides"})


def state_of(raw: Mapping[str, Any]) -> State | None:
    """The engine's state a reply's JSON describes (None if it is not one), read the engine's
    way: the JSON's own names are the engine's business."""
    return State.from_json(raw, len(load_exercise_catalog().exercises))


def routine_of(raw: Mapping[str, Any]) -> tuple[Exercise, ...]:
    """The stretches of the state's chosen area, in order; none before an area is chosen."""
    state = state_of(raw)
    area = state.area if state is not None else None
    return load_exercise_catalog().for_area(area) if area else ()


def exercise_in_view(raw: Mapping[str, Any]) -> Exercise | None:
    """The stretch the routine is at, if it is at one."""
    state, routine = state_of(raw), routine_of(raw)
    if state is not None and 0 <= state.exercise < len(routine):
        return routine[state.exercise]
    return None


def stretches_done(raw: Mapping[str, Any]) -> tuple[Exercise, ...]:
    """The stretches finished so far today, in the order they were done."""
    state = state_of(raw)
    catalog = load_exercise_catalog()
    return tuple(catalog.exercise(i) for i in state.stretches_done) if state else ()


def phase_of(raw: Mapping[str, Any]) -> str | None:
    """The phase's name (shared/engine/phase.py), or None for a state that is not one."""
    state = state_of(raw)
    return state.phase.value if state is not None else None


def introduced(reply: Reply) -> Exercise | None:
    """The stretch this reply introduces, or None when it introduces none."""
    if any(isinstance(step, Say) and step.key in INTRO_KEYS for step in reply.steps):
        return exercise_in_view(reply.state)
    return None
