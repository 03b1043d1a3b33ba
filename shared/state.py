"""The conversation state: a versioned, JSON-serialisable dict, and its validation.

Alexa sends the state back to us in session attributes, so anything may arrive: an old version, a
hand-edited value, garbage. `load_state` accepts only a state this version wrote; anything else is
reported as corrupt and the engine restarts politely.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.events import AREAS
from shared.routine import HOLD_LIMITS, REPS_LIMITS

STATE_VERSION = 1

PHASES = (
    "new",
    "screen",
    "offer_usual",
    "area",
    "tips",
    "intro",
    "holding",
    "checkin",
    "after_pain",
    "confirm_delete",
    "paused",
    "done",
)

_FIELDS: dict[str, type | tuple[type, ...]] = {
    "version": int,
    "phase": str,
    "area": (str, type(None)),
    "pending_area": (str, type(None)),
    "hold": int,
    "reps": int,
    "exercise": int,
    "side": int,
    "rep": int,
    "chunk_start": (list, type(None)),
    "paused_phase": (str, type(None)),
    "return_phase": (str, type(None)),
    "pains": int,
    "done": list,
    "skipped": list,
    "screened": bool,
    "misses": int,
    "profile_deleted": bool,
}


def new_state(hold: int, reps: int) -> dict[str, Any]:
    """A fresh conversation with the given pacing."""
    return {
        "version": STATE_VERSION,
        "phase": "new",
        "area": None,
        "pending_area": None,
        "hold": hold,
        "reps": reps,
        "exercise": 0,
        "side": 0,
        "rep": 0,
        "chunk_start": None,
        "paused_phase": None,
        "return_phase": None,
        "pains": 0,
        "done": [],
        "skipped": [],
        "screened": False,
        "misses": 0,
        "profile_deleted": False,
    }


def _well_typed(state: Mapping[str, Any]) -> bool:
    for name, kind in _FIELDS.items():
        value = state.get(name)
        if name not in state or not isinstance(value, kind):
            return False
        if isinstance(value, bool) and kind is int:
            return False
    return True


def _consistent(state: Mapping[str, Any], exercise_count: int) -> bool:
    phases_ok = state["phase"] in PHASES and all(
        state[p] is None or state[p] in PHASES for p in ("paused_phase", "return_phase")
    )
    areas_ok = all(state[a] is None or state[a] in AREAS for a in ("area", "pending_area"))
    position_ok = 0 <= state["exercise"] <= exercise_count and 0 <= state["side"] <= 1
    chunk = state["chunk_start"]
    chunk_ok = chunk is None or (len(chunk) == 2 and all(type(i) is int and i >= 0 for i in chunk))
    lists_ok = all(isinstance(i, str) for i in [*state["done"], *state["skipped"]])
    counts_ok = state["rep"] >= 0 and state["pains"] >= 0 and state["misses"] >= 0
    pacing_ok = HOLD_LIMITS[0] <= state["hold"] <= HOLD_LIMITS[1] and (
        REPS_LIMITS[0] <= state["reps"] <= REPS_LIMITS[1]
    )
    routine_ok = state["area"] is not None or state["phase"] not in ("intro", "holding", "checkin")
    checks = (
        phases_ok,
        areas_ok,
        position_ok,
        chunk_ok,
        lists_ok,
        counts_ok,
        pacing_ok,
        routine_ok,
    )
    return all(checks)


def load_state(raw: Any, exercise_count: int = 4) -> dict[str, Any] | None:
    """A copy of `raw` (safe to change) if it is a valid state of this version, else None."""
    if not isinstance(raw, Mapping) or raw.get("version") != STATE_VERSION:
        return None
    if not _well_typed(raw) or not _consistent(raw, exercise_count):
        return None
    return {k: list(v) if isinstance(v, list) else v for k, v in raw.items()}  # lists hold scalars
