"""One event in, a reply and the next state out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from shared.engine import sets
from shared.engine.context import Context, ProfileOnFirstUse
from shared.engine.dispatch import dispatch
from shared.engine.phase import Phase
from shared.engine.phases import PHASES
from shared.engine.state import State
from shared.engine.turn import Turn, session_record_of
from shared.events import CueLevel, Event
from shared.exercise_catalog import load_exercise_catalog
from shared.profile import Profile, SessionRecord
from shared.reply import Reply
from shared.routine import DEFAULT_HOLD_SECONDS, DEFAULT_REPS, HOLD_LIMITS, REPS_LIMITS

StateInput = State | Mapping[str, Any] | None


def handle(state: StateInput, event: Event, context: Context) -> Reply:
    """Answer one event. A missing, finished, unknown or corrupt state starts a new conversation
    (a corrupt one with an apology), so whatever arrives, the user gets a sensible reply."""
    catalog = load_exercise_catalog()
    loaded = _loaded(state, len(catalog.exercises))
    stored_profile = ProfileOnFirstUse(context)
    current = loaded if loaded is not None and loaded.phase is not Phase.DONE else None
    if current is None:
        current = initial_state(stored_profile())
    turn = Turn(current, context, catalog, stored_profile, PHASES)
    if state is not None and loaded is None:
        turn.say("state.restart")
    dispatch(turn, event)
    return turn.reply()


def _loaded(state: StateInput, exercise_count: int) -> State | None:
    if state is None or isinstance(state, State):
        return state
    return State.from_json(state, exercise_count)


def initial_state(profile: Profile | None) -> State:
    """A new conversation at the user's saved pacing (when it is within our limits)."""
    hold = profile.hold_seconds if profile and profile.hold_seconds else DEFAULT_HOLD_SECONDS
    reps = profile.reps if profile and profile.reps else DEFAULT_REPS
    hold = hold if HOLD_LIMITS[0] <= hold <= HOLD_LIMITS[1] else DEFAULT_HOLD_SECONDS
    reps = reps if REPS_LIMITS[0] <= reps <= REPS_LIMITS[1] else DEFAULT_REPS
    cues = profile.cue_level if profile and profile.cue_level else CueLevel.NORMAL
    return State.new(hold, reps, cues)


def played_to_end(state: Mapping[str, Any]) -> dict[str, Any]:
    """The state once the front end knows its last reply played to the end (a timed front end
    that counted a hold down): a part of a set in it is then confirmed, so a "stop" or "pause"
    that follows does not take it back. A state that does not load is returned as it was."""
    loaded = _loaded(state, len(load_exercise_catalog().exercises))
    if loaded is None or not loaded.part_unconfirmed:
        return dict(state)
    return replace(loaded, part_unconfirmed=False).to_json()


def session_record(
    state: StateInput, context: Context, *, played_to_end: bool = False
) -> SessionRecord | None:
    """What to save when a conversation is cut short (Ctrl-C, a session that timed out): None when
    nothing was done yet or the conversation already ended (its End saved the record).

    A part of a set sent last counts only if `played_to_end` (the front end knows its response
    played through, as when Alexa reprompted and heard nothing)."""
    catalog = load_exercise_catalog()
    loaded = _loaded(state, len(catalog.exercises))
    if loaded is None or loaded.phase is Phase.DONE:
        return None
    if loaded.part_unconfirmed and not played_to_end:
        turn = Turn(loaded, context, catalog, ProfileOnFirstUse(context), PHASES)
        sets.rewind_part(turn)
        loaded = turn.st
    return session_record_of(loaded, context, completed=False)
