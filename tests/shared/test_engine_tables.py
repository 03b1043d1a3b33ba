"""The engine's state machine: every phase is complete, every event is handled, the state's JSON
round-trips and today's JSON still loads."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
from engine_talk import TODAY, Talk

from shared.engine import STATE_VERSION, Context, Phase, State
from shared.engine.commands import AFTER_PHASE, BEFORE_PHASE
from shared.engine.dispatch import TableError, check_tables
from shared.engine.phases import PHASES, PhaseSpec
from shared.engine.turn import Turn
from shared.events import EventKind
from shared.exercise_catalog import load_exercise_catalog
from shared.reply import Ask


def test_the_real_tables_are_complete() -> None:
    check_tables(PHASES, BEFORE_PHASE, AFTER_PHASE)  # also run when the engine is imported


def test_a_phase_without_a_row_is_refused() -> None:
    partial = {p: s for p, s in PHASES.items() if p is not Phase.CHECKIN}
    with pytest.raises(TableError, match="checkin has no row"):
        check_tables(partial, BEFORE_PHASE, AFTER_PHASE)


def test_a_help_message_missing_from_the_catalog_is_refused() -> None:
    broken = {**PHASES, Phase.TIPS: replace(PHASES[Phase.TIPS], help_key="help.nowhere")}
    with pytest.raises(TableError, match=r"help\.nowhere"):
        check_tables(broken, BEFORE_PHASE, AFTER_PHASE)


def test_a_phase_without_answers_is_refused() -> None:
    broken = {**PHASES, Phase.PAUSED: replace(PHASES[Phase.PAUSED], answers={})}
    with pytest.raises(TableError, match="paused needs"):
        check_tables(broken, BEFORE_PHASE, AFTER_PHASE)


def test_an_event_nobody_handles_is_refused() -> None:
    after = {k: v for k, v in AFTER_PHASE.items() if k is not EventKind.HISTORY}
    with pytest.raises(TableError, match="history"):
        check_tables(PHASES, BEFORE_PHASE, after)


@pytest.mark.parametrize("phase", list(Phase))
def test_every_phase_asks_a_question_with_a_reprompt(phase: Phase) -> None:
    state = replace(State.new(20, 5), phase=phase, area="neck", paused_phase=Phase.INTRO)
    turn = Turn(state, Context(today=TODAY), load_exercise_catalog(), lambda: None, PHASES)
    turn.ask_current()
    last = turn.steps[-1]
    assert isinstance(last, Ask) and last.text and last.reprompt


def test_every_spec_is_a_phase_spec() -> None:
    assert set(PHASES) == set(Phase)
    assert all(isinstance(spec, PhaseSpec) for spec in PHASES.values())


def test_state_json_round_trips_through_a_routine() -> None:
    talk = Talk()
    talk.to_first_intro("both")
    for kind in (EventKind.CONTINUE, EventKind.PAUSE, EventKind.RESUME, EventKind.PAIN):
        talk(kind)
        loaded = State.from_json(talk.state)
        assert loaded is not None and loaded.to_json() == talk.state
        assert list(loaded.to_json()) == list(talk.state)  # the same keys in the same order


def test_a_state_json_written_before_the_state_class_still_loads() -> None:
    """Exactly what the engine wrote (and Alexa keeps) before it had Phase and State."""
    old = json.loads(
        '{"version": 1, "phase": "holding", "area": "lower_back", "pending_area": null,'
        ' "hold": 25, "reps": 6, "exercise": 0, "side": 1, "rep": 0, "chunk_start": [0, 0],'
        ' "paused_phase": null, "return_phase": null, "pains": 0, "done": [], "skipped": [],'
        ' "screened": true, "misses": 0, "profile_deleted": false}'
    )
    state = State.from_json(old)
    assert state is not None
    assert (state.phase, state.side, state.chunk_start) == (Phase.HOLDING, 1, (0, 0))
    upgraded = state.to_json()
    assert upgraded["version"] == STATE_VERSION and {
        k: upgraded[k] for k in old if k != "version"
    } == {k: v for k, v in old.items() if k != "version"}
    assert upgraded["memory_asked"] is True  # a session under way is past the greeting
    talk = Talk()
    talk.context = Context(today=date(2026, 11, 24))
    talk.state = old
    reply = talk(EventKind.CONTINUE)
    assert reply.steps[0].key == "rest.switch"  # the left leg comes next, as it was


def test_a_version_2_state_loads_with_the_default_cues() -> None:
    talk = Talk()
    talk.to_first_intro("lower_back")
    assert talk.state is not None
    old = {
        k: v
        for k, v in talk.state.items()
        if k not in ("cues", "part_unconfirmed", "rewound", "stretches_known")
    }
    state = State.from_json({**old, "version": 2})
    assert state is not None and state.cues == "normal" and not state.part_unconfirmed
    assert State.from_json({**talk.state, "cues": "loud"}) is None
    assert State.from_json({**talk.state, "cues": ["more"]}) is None
