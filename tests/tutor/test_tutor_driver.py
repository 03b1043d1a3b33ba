"""Whole routines through the tutor's loop on a fake clock: exact timings, keys, saving."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from tutor_fakes import RecordingSession, RecordingUI, to_first_stretch

from shared.events import Event, EventKind
from shared.exercise_catalog import load_exercise_catalog
from shared.reply import Hold, Rest
from shared.routine import DEFAULT_REPS, side_count
from shared.storage import SafeStore
from tutor.clock import FakeClock
from tutor.driver import run_conversation
from tutor.session import Preferences


def _session(tmp_path: Path, clock: FakeClock, **prefs: object) -> RecordingSession:
    store = SafeStore.open(str(tmp_path / "progress.sqlite3"))
    return RecordingSession(store, clock.today(), preferences=Preferences(**prefs))  # type: ignore[arg-type]


@pytest.mark.parametrize("area", ["neck", "lower_back", "both"])
def test_a_whole_routine_takes_exactly_its_planned_time(tmp_path: Path, area: str) -> None:
    clock = FakeClock()
    session = _session(tmp_path, clock, area=area)
    exercises = load_exercise_catalog().for_area(area)
    answers = to_first_stretch(area) + ["ready", "fine"] * len(exercises)
    ui = RecordingUI(answers, clock)
    assert asyncio.run(run_conversation(session, ui)) is None  # the engine ended it
    assert clock.slept == session.timed_seconds  # every hold and rest the engine sent, exactly
    holds = [s for s in ui.played if isinstance(s, Hold)]
    assert len(holds) == sum(DEFAULT_REPS * side_count(e) for e in exercises)
    assert session.finished and ui.shown[-1] == "Well done. See you next time!"
    profile = session.store.load(session.user_id)
    assert profile is not None and profile.sessions[-1].stretches == tuple(e.id for e in exercises)
    session.store.close()


def test_hold_and_reps_options_set_the_pacing(tmp_path: Path) -> None:
    clock = FakeClock()
    session = _session(tmp_path, clock, area="neck", hold=30, reps=2)
    ui = RecordingUI([*to_first_stretch("neck"), "ready", "fine", "ready", "fine"], clock)
    asyncio.run(run_conversation(session, ui, bell=True))
    holds = [s for s in ui.played if isinstance(s, Hold)]
    assert {h.seconds for h in holds} == {30} and len(holds) == 2 + 2 * 2
    assert ui.bells == len(holds)
    rests = [s for s in ui.played if isinstance(s, Rest)]
    assert [r.reason for r in rests] == [
        "between_reps",
        "between_reps",
        "switch_sides",
        "between_reps",
    ]
    assert clock.slept == 30 * 6 + sum(r.seconds for r in rests)
    session.store.close()


def test_redo_key_replays_the_repetition_and_costs_exactly_its_time(tmp_path: Path) -> None:
    clock = FakeClock()
    session = _session(tmp_path, clock, area="neck", reps=2)
    # step 0 is rep 1's hold; interrupt rep 2's hold (step 2) with "do it again"; then "next" at
    # the second stretch's introduction leaves it out
    ui = RecordingUI(
        [*to_first_stretch("neck"), "ready", "fine", "next"],
        clock,
        keys={2: Event(EventKind.REDO)},
    )
    asyncio.run(run_conversation(session, ui))
    reps = [s.rep for s in ui.played[:5] if isinstance(s, Hold)]
    assert reps == [1, 2, 2]
    assert clock.slept == 20 + 5 + 20  # rep 1, rest, then rep 2 again; the interrupted one took 0
    session.store.close()


def test_pain_key_stops_the_stretch_and_offers_the_next(tmp_path: Path) -> None:
    clock = FakeClock()
    session = _session(tmp_path, clock, area="neck")
    ui = RecordingUI(
        [*to_first_stretch("neck"), "ready", "stop"], clock, keys={1: Event(EventKind.PAIN)}
    )
    asyncio.run(run_conversation(session, ui))
    assert any("ease out of it slowly" in text for text in ui.shown)
    assert ui.questions[-1].key == "pain.offer_next"
    profile = session.store.load(session.user_id)
    assert profile is not None and profile.sessions[-1].pain_reports == 1
    session.store.close()


def test_skip_key_moves_to_the_next_stretch(tmp_path: Path) -> None:
    clock = FakeClock()
    session = _session(tmp_path, clock, area="neck")
    ui = RecordingUI([*to_first_stretch("neck"), "ready"], clock, keys={0: Event(EventKind.SKIP)})
    asyncio.run(run_conversation(session, ui))
    assert any(text.startswith("Okay, skipping neck flexion.") for text in ui.shown)
    assert ui.questions[-1].key == "intro.ready"


def test_end_of_input_mid_routine_saves_what_was_done(tmp_path: Path) -> None:
    clock = FakeClock()
    session = _session(tmp_path, clock, area="neck")
    ui = RecordingUI([*to_first_stretch("neck"), "ready"], clock)  # then input ends at the check-in
    assert asyncio.run(run_conversation(session, ui)) is True  # saved
    profile = session.store.load(session.user_id)
    assert profile is not None
    (record,) = profile.sessions
    assert record.stretches == ("neck_flexion",) and not record.completed
    session.store.close()


def test_typed_free_text_goes_through_the_matcher(tmp_path: Path) -> None:
    clock = FakeClock()
    session = _session(tmp_path, clock)
    ui = RecordingUI(["nope", "no", "my lower back is stiff", "no thanks", "stop"], clock)
    asyncio.run(run_conversation(session, ui))
    assert any("Great, lower back." in text for text in ui.shown)
    assert any(text.startswith("Stretch 1 of 2: knee to chest.") for text in ui.shown)


def test_history_and_delete_my_data_by_typed_text(tmp_path: Path) -> None:
    clock = FakeClock()
    first = _session(tmp_path, clock, area="neck")
    asyncio.run(
        run_conversation(first, RecordingUI([*to_first_stretch("neck"), "ready", "stop"], clock))
    )
    first.store.close()
    second = _session(tmp_path, clock)
    ui = RecordingUI(["what did i do last time", "delete my data", "yes", "stop"], clock)
    asyncio.run(run_conversation(second, ui))
    assert any(
        text.startswith("Last time, earlier today, you worked on your neck") for text in ui.shown
    )
    assert "Done. I've deleted your saved progress." in ui.shown
    assert second.store.load(second.user_id) is None
    second.store.close()
