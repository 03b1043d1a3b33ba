"""Wrapping at word boundaries, without a terminal: the pure rule, and each place that uses it."""

from __future__ import annotations

import asyncio
import io
from types import SimpleNamespace

import pytest
from prompt_toolkit.data_structures import Size
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.output.vt100 import Vt100_Output
from tutor_fakes import ScriptedClock

from shared import messages
from shared.reply import Ask, Cue, Hold
from tutor.app import HoldScreen, TerminalUI
from tutor.clock import FakeClock
from tutor.plain import PlainUI
from tutor.toolbar import hold_toolbar
from tutor.wrap import MIN_WIDTH, split_items, wrap, wrap_items, wrap_text

# The sentences the issue saw broken ("phy / sical therapist", "las / ting pain", "ye / s or no").
NOTICE = (
    "This is not medical advice. Stretch on your own or with a physical therapist, stop if "
    "anything hurts, and see a clinician about severe or lasting pain."
)
REPROMPT = messages.text("screen.reprompt")


def _text(fragments: StyleAndTextTuples) -> str:
    return "".join(fragment[1] for fragment in fragments)


def _whole_words(lines: list[str], text: str) -> bool:
    """Every line is made of whole words of `text`, in order."""
    return " ".join(lines).split() == text.split()


@pytest.mark.parametrize("width", [10, 11, 17, 20, 33, 40, 59, 60, 61, 80, 100, 200])
@pytest.mark.parametrize("text", [NOTICE, REPROMPT, messages.text("screen.neck_question")])
def test_lines_fit_and_words_stay_whole(text: str, width: int) -> None:
    lines = wrap(text, width)
    assert all(len(line) <= width for line in lines)
    assert _whole_words(lines, text)
    assert all(line == line.strip() for line in lines)


def test_the_breaks_the_issue_saw_are_gone() -> None:
    for width in range(MIN_WIDTH, 120):
        joined = "|".join(wrap(NOTICE, width)) + "|" + "|".join(wrap(REPROMPT, width))
        for broken in ("phy|sical", "las|ting", "ye|s"):
            assert broken not in joined, (width, broken)


def test_a_word_wider_than_the_line_stays_whole_on_its_own_line() -> None:
    assert wrap("see backstretchcoach.example.org now", 12) == [
        "see",
        "backstretchcoach.example.org",
        "now",
    ]
    assert wrap("well-known stretches", 12) == ["well-known", "stretches"]  # not at the hyphen


def test_line_breaks_and_blank_lines_are_kept_and_none_means_unwrapped() -> None:
    text = "Today's session:\n  Stretches done: 2\n\nWell done."
    assert wrap(text, 40) == ["Today's session:", "  Stretches done: 2", "", "Well done."]
    assert wrap(NOTICE, None) == [NOTICE]
    assert wrap_text("a b c", 3) == "a b c"  # narrower than the minimum: the minimum
    assert wrap("", 40) == [""]


def test_items_break_only_between_items() -> None:
    items = split_items(messages.text("tutor.keys"))
    assert items[:3] == ["space pause/resume", "n skip stretch", "r do it again"]
    for width in range(20, 100):
        lines = wrap_items(items, width)
        assert all(len(line) <= width for line in lines)
        assert [item for line in lines for item in split_items(line)] == items
    assert wrap_items(items, None) == ["   ".join(items)]
    assert wrap_items(["a very long item indeed"], 12) == ["a very long", "item indeed"]


@pytest.mark.parametrize("width", [30, 45, 60, 100])
def test_the_hold_toolbar_keeps_each_key_with_what_it_does(width: int) -> None:
    lines = _text(hold_toolbar(paused=False, show_help=False, width=width)).split("\n")
    assert all(len(line) <= width for line in lines)
    expected = split_items(messages.text("tutor.keys"))
    assert [item for line in lines for item in split_items(line)] == expected


HOLD = Hold(
    "lateral_flexion",
    "lateral neck flexion",
    20,
    1,
    5,
    "right",
    "right side",
    (Cue(0, "cue.start", "1 of 5. Ease in, and hold."), Cue(20, "cue.release", "Release.")),
)


class _Output:
    """Just enough of an application's output for the hold view to read its size."""

    def __init__(self, columns: int) -> None:
        self.columns = columns

    def get_size(self) -> Size:
        return Size(rows=24, columns=self.columns)


def test_the_hold_view_re_wraps_when_the_terminal_is_resized() -> None:
    screen = HoldScreen(HOLD, FakeClock(), speed=1.0, locale="en-US")
    output = _Output(100)
    screen.app = SimpleNamespace(output=output)  # type: ignore[assignment]
    screen.cue_text = NOTICE
    for columns in (100, 60, 25, 80):  # as the user drags the window
        output.columns = columns
        for part in (screen.title(), screen.cue(), screen.toolbar()):
            text = _text(part)
            assert all(len(line) <= columns for line in text.split("\n")), (columns, text)
        assert _whole_words(_text(screen.cue()).split("\n"), NOTICE)
        title = _text(screen.title()).split("\n")
        assert _whole_words(title, "Lateral neck flexion - Rep 1 of 5 - right side")
    output.columns = 25
    assert len(_text(screen.cue()).split("\n")) > len(wrap(NOTICE, 80))


def _terminal(columns: int, shown: list[str]) -> TerminalUI:
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    output = Vt100_Output(stdout, lambda: Size(rows=24, columns=columns), term="xterm")
    return TerminalUI(ScriptedClock(), output=output, write=shown.append)


def test_the_full_screen_ui_prints_lines_wrapped_to_the_terminal() -> None:
    shown: list[str] = []
    ui = _terminal(60, shown)
    ui.show(NOTICE)
    (printed,) = shown
    assert all(len(line) <= 60 for line in printed.split("\n")) and "\n" in printed
    assert _whole_words(printed.split("\n"), NOTICE)


def test_the_plain_ui_wraps_to_the_width_of_the_moment() -> None:
    shown: list[str] = []
    widths = iter([40, 100, None])
    ui = PlainUI(FakeClock(), write=shown.append, width=lambda: next(widths))
    for _ in range(3):
        ui.show(NOTICE)
    narrow, wide, unwrapped = (text.split("\n") for text in shown)
    assert max(map(len, narrow)) <= 40 and max(map(len, wide)) <= 100
    assert len(narrow) > len(wide) and unwrapped == [NOTICE]
    assert all(_whole_words(lines, NOTICE) for lines in (narrow, wide))


def test_plain_questions_and_cues_are_wrapped_too() -> None:
    shown: list[str] = []
    ui = PlainUI(FakeClock(), read=lambda _p: "no", write=shown.append, width=lambda: 30)
    assert asyncio.run(ui.ask(Ask("screen.reprompt", REPROMPT, REPROMPT))) == "no"
    asyncio.run(ui.play(HOLD))
    lines = [line for text in shown for line in text.split("\n")]
    assert all(len(line) <= 30 for line in lines)
    assert _whole_words(shown[0].split("\n"), REPROMPT)
