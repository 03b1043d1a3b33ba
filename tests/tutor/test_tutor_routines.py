"""Whole routines on the real full-screen UI, headless: answers and keys typed into a pipe, a dummy
output, and a scripted clock, so each routine runs in milliseconds with exact timings."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.input.base import PipeInput
from tutor_fakes import PipedTerminalUI, RecordingSession, ScriptedClock, to_first_stretch

from shared.exercise_catalog import load_exercise_catalog
from shared.reply import Hold, Rest
from shared.storage import SafeStore
from tutor.cli import main
from tutor.driver import run_conversation
from tutor.session import Preferences
from tutor.store import local_user_key


@pytest.fixture
def pipe() -> Iterator[PipeInput]:
    with create_pipe_input() as pipe_input:
        yield pipe_input


def _session(tmp_path: Path, clock: ScriptedClock, **prefs: object) -> RecordingSession:
    store = SafeStore.open(str(tmp_path / "progress.sqlite3"))
    return RecordingSession(store, clock.today(), preferences=Preferences(**prefs))  # type: ignore[arg-type]


def _answers(count: int, area: str = "neck") -> list[str]:
    """No warning signs, no tips, then ready and a check-in for each stretch."""
    return to_first_stretch(area) + ["ready", "fine"] * count


@pytest.mark.parametrize("area", ["neck", "lower_back", "both"])
def test_each_routine_takes_exactly_the_engines_planned_time(
    tmp_path: Path, pipe: PipeInput, area: str
) -> None:
    clock = ScriptedClock()
    session = _session(tmp_path, clock, area=area)
    exercises = load_exercise_catalog().for_area(area)
    ui = PipedTerminalUI(_answers(len(exercises), area), clock, pipe)
    assert asyncio.run(run_conversation(session, ui)) is None  # the engine ended it
    assert clock.slept == session.timed_seconds  # timed seconds, no talk: exactly
    assert clock.slept == sum(step.seconds for step in ui.played)
    assert ui.shown[-1] == "Well done. See you next time!"
    profile = session.store.load(session.user_id)
    assert profile is not None and profile.sessions[-1].completed
    session.store.close()


def test_a_pause_adds_exactly_its_length(tmp_path: Path, pipe: PipeInput) -> None:
    clock = ScriptedClock()
    start = clock.now
    clock.at(start + 5, lambda: pipe.send_text(" "))  # during rep 1 of neck flexion
    clock.at(start + 17.25, lambda: pipe.send_text(" "))
    session = _session(tmp_path, clock, area="neck", reps=2)
    ui = PipedTerminalUI(_answers(2), clock, pipe)
    asyncio.run(run_conversation(session, ui))
    assert clock.now - start == session.timed_seconds + 12.25
    session.store.close()


def test_redo_replays_the_repetition_and_costs_what_was_held_of_it(
    tmp_path: Path, pipe: PipeInput
) -> None:
    clock = ScriptedClock()
    start = clock.now
    clock.at(start + 30, lambda: pipe.send_text("r"))  # 5 s into rep 2 (rep 1 20 s, rest 5 s)
    session = _session(tmp_path, clock, area="neck", reps=2)
    ui = PipedTerminalUI(_answers(2), clock, pipe)
    asyncio.run(run_conversation(session, ui))
    holds = [(s.exercise_id, s.rep) for s in ui.played if isinstance(s, Hold)]
    assert holds[:3] == [("neck_flexion", 1), ("neck_flexion", 2), ("neck_flexion", 2)]
    # every hold and rest sent, less the 15 s of the interrupted hold that were never held
    assert clock.now - start == session.timed_seconds - 15
    session.store.close()


def test_skip_and_it_hurts_keys_mid_routine(tmp_path: Path, pipe: PipeInput) -> None:
    clock = ScriptedClock()
    start = clock.now
    clock.at(start + 3, lambda: pipe.send_text("n"))  # skip neck flexion in its first hold
    clock.at(start + 10, lambda: pipe.send_text("h"))  # lateral flexion hurts
    session = _session(tmp_path, clock, area="neck")
    ui = PipedTerminalUI([*to_first_stretch("neck"), "ready", "ready"], clock, pipe)
    asyncio.run(run_conversation(session, ui))
    assert any(text.startswith("Okay, skipping neck flexion.") for text in ui.shown)
    assert any("ease out of it slowly" in text for text in ui.shown)
    assert ui.shown[-1] == "Well done. See you next time!"  # it hurt in the last stretch: done
    assert clock.now - start == 10
    profile = session.store.load(session.user_id)
    assert profile is not None and profile.sessions[-1].pain_reports == 1
    session.store.close()


def test_ctrl_c_mid_hold_through_the_keyboard_saves_and_exits_130(
    tmp_path: Path,
    pipe: PipeInput,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    clock = ScriptedClock()
    exercises = load_exercise_catalog().for_area("neck")
    first = next(e for e in exercises if e.id == "neck_flexion")
    # neck flexion takes 5 holds of 20 s and 4 rests of 5 s; press Ctrl-C 4 s into the next one
    clock.at(clock.now + 5 * 20 + 4 * 5 + 4, lambda: pipe.send_text("\x03"))
    ui = PipedTerminalUI([*_answers(1), "ready"], clock, pipe)
    monkeypatch.setattr("tutor.cli.make_ui", lambda _args, _clock: ui)
    db = tmp_path / "p.sqlite3"
    assert main(["--area", "neck", "--db", str(db)], clock=clock) == 130
    assert "Stopped. What you did today is saved." in capsys.readouterr().out
    assert isinstance(ui.played[-1], Hold | Rest) and ui.played[-1].exercise_id != first.id
    store = SafeStore.open(str(db))
    profile = store.load(local_user_key("local"))
    store.close()
    assert profile is not None and profile.sessions[0].stretches == ("neck_flexion",)


def test_ctrl_c_at_a_question_saves_and_exits_130(
    tmp_path: Path, pipe: PipeInput, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = ScriptedClock()
    ui = PipedTerminalUI([*_answers(1), "ready", "\x03"], clock, pipe)  # at lateral's check-in
    monkeypatch.setattr("tutor.cli.make_ui", lambda _args, _clock: ui)
    db = tmp_path / "p.sqlite3"
    assert main(["--area", "neck", "--db", str(db)], clock=clock) == 130
    assert ui.questions[-1].key == "checkin.question"
    store = SafeStore.open(str(db))
    profile = store.load(local_user_key("local"))
    store.close()
    assert profile is not None
    assert profile.sessions[0].stretches == ("neck_flexion", "lateral_flexion")
