"""The live hold display, headless: a pipe for keys, a dummy output, a scripted clock."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.input.base import PipeInput
from prompt_toolkit.output import DummyOutput
from tutor_fakes import ScriptedClock

from shared import messages
from shared.events import Event, EventKind
from shared.reply import Ask, Cue, Hold, Rest
from tutor.app import HoldScreen, TerminalUI
from tutor.bigdigits import big_number
from tutor.key_bindings import KEY_EVENTS, hold_bindings
from tutor.toolbar import hold_toolbar

HOLD = Hold(
    "neck_flexion",
    "neck flexion",
    30,
    2,
    5,
    "right",
    "right side",
    (
        Cue(0, "cue.start", "Ease in."),
        Cue(15, "cue.halfway", "Halfway there."),
        Cue(30, "cue.release", "Release."),
    ),
)


@pytest.fixture
def pipe() -> Iterator[PipeInput]:
    with create_pipe_input() as pipe_input:
        yield pipe_input


def _ui(clock: ScriptedClock, pipe: PipeInput, speed: float = 1.0) -> TerminalUI:
    return TerminalUI(
        clock, speed=speed, input=pipe, output=DummyOutput(), write=lambda _text: None
    )


def test_a_hold_lasts_exactly_its_seconds(pipe: PipeInput) -> None:
    clock = ScriptedClock()
    result = asyncio.run(_ui(clock, pipe).play(HOLD))
    assert result is None
    assert clock.slept == 30.0  # exactly: every wake-up is aimed at a moment counted from the start


def test_space_pauses_and_the_pause_is_excluded(pipe: PipeInput) -> None:
    clock = ScriptedClock()
    start = clock.now
    clock.at(start + 10, lambda: pipe.send_text(" "))
    clock.at(start + 22.5, lambda: pipe.send_text(" "))
    result = asyncio.run(_ui(clock, pipe).play(HOLD))
    assert result is None
    assert clock.now - start == 30 + 12.5  # exactly: the pause is excluded to the tick


def test_speed_makes_a_hold_shorter_in_real_time(pipe: PipeInput) -> None:
    clock = ScriptedClock()
    asyncio.run(_ui(clock, pipe, speed=10).play(HOLD))
    assert clock.slept == pytest.approx(3.0, abs=1e-6)


@pytest.mark.parametrize(("key", "kind"), list(KEY_EVENTS.items()))
def test_single_keys_interrupt_with_their_event(pipe: PipeInput, key: str, kind: EventKind) -> None:
    clock = ScriptedClock()
    start = clock.now
    clock.at(start + 7, lambda: pipe.send_text(key))
    result = asyncio.run(_ui(clock, pipe).play(HOLD))
    assert result == Event(kind)
    assert clock.now - start == pytest.approx(7, abs=0.2)


@pytest.mark.parametrize(("key", "error"), [("\x03", KeyboardInterrupt), ("\x04", EOFError)])
def test_ctrl_c_and_ctrl_d_end_the_hold(
    pipe: PipeInput, key: str, error: type[BaseException]
) -> None:
    clock = ScriptedClock()
    clock.at(clock.now + 3, lambda: pipe.send_text(key))
    with pytest.raises(error):
        asyncio.run(_ui(clock, pipe).play(HOLD))


def test_display_shows_big_seconds_progress_rep_side_and_cue() -> None:
    clock = ScriptedClock()
    screen = HoldScreen(HOLD, clock, speed=1.0, locale="en-US")
    clock.now += 16.0
    for at in screen.countdown.due(sorted(screen.cues), clock.now):
        screen.cue_text = screen.cues[at]
    assert screen.title() == [("class:title", "Neck flexion - Rep 2 of 5 - right side")]
    assert screen.digits()[0][1] == "\n".join(big_number(14))
    bar = "".join(text for _style, text in screen.bar())
    assert bar.count("█") == round(40 * 16 / 30) and len(bar) == 40
    assert screen.cue() == [("class:cue", "Halfway there.")]
    screen.toggle_pause()
    assert "Paused" in screen.toolbar()[0][1]


def test_rest_screen_titles() -> None:
    clock = ScriptedClock()
    switch = HoldScreen(
        Rest(5, "switch_sides", "rest.switch", "Switch."), clock, speed=1, locale="en-US"
    )
    assert switch.title()[0][1] == "Switch sides"
    assert switch.cue()[0][1] == "Switch."


def test_help_key_toggles_the_key_help(pipe: PipeInput) -> None:
    class Controls:
        def __init__(self) -> None:
            self.calls: list[object] = []

        def toggle_pause(self) -> None:
            self.calls.append("pause")

        def toggle_help(self) -> None:
            self.calls.append("help")

        def interrupt(self, kind: EventKind) -> None:
            self.calls.append(kind)

        def abort(self, error: type[BaseException]) -> None:
            self.calls.append(error)

    controls = Controls()
    bindings = hold_bindings(controls)
    for keys in (" ", "?", "n", "r", "h", "q", "c-c", "c-d"):
        (binding,) = bindings.get_bindings_for_keys((keys,))
        binding.handler(None)  # type: ignore[arg-type]
    assert controls.calls == [
        "pause",
        "help",
        EventKind.SKIP,  # n: leave this stretch out
        EventKind.REDO,  # r: this repetition again (REPEAT would only ask the last question again)
        EventKind.PAIN,
        EventKind.STOP,
        KeyboardInterrupt,
        EOFError,
    ]


def test_questions_use_completion_and_refuse_empty_answers(pipe: PipeInput) -> None:
    question = Ask("area.question", "Where?", "Where?")
    offered = TerminalUI.completer(question).get_completions(Document("lower b"), CompleteEvent())
    assert [c.text for c in offered] == ["lower back"]
    ui = _ui(ScriptedClock(), pipe)
    pipe.send_text("\r")  # empty: refused by the validator, the prompt stays
    pipe.send_text("lower back\r")
    assert asyncio.run(ui.ask(question)) == "lower back"


def test_end_of_input_at_a_question_is_none(pipe: PipeInput) -> None:
    ui = _ui(ScriptedClock(), pipe)
    pipe.send_text("\x04")
    assert asyncio.run(ui.ask(Ask("area.question", "Where?", "Where?"))) is None


def test_an_error_in_the_countdown_task_fails_fast_instead_of_hanging(pipe: PipeInput) -> None:
    class BrokenClock(ScriptedClock):
        async def sleep(self, seconds: float) -> None:
            raise RuntimeError("clock failure")

    with pytest.raises(RuntimeError, match="clock failure"):
        asyncio.run(_ui(BrokenClock(), pipe).play(HOLD))


def test_key_help_wraps_between_words_to_the_terminal_width() -> None:
    ((style, text),) = hold_toolbar(paused=False, show_help=True, width=40)
    lines = text.split("\n")
    assert style == "class:toolbar" and len(lines) > 1
    assert all(len(line) <= 40 for line in lines)
    assert " ".join(line.strip() for line in lines) == messages.text("tutor.keys_help")
