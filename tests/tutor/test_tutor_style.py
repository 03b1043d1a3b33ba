"""NO_COLOR (https://no-color.org): no colour codes at all reach the terminal when it is set."""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import Iterator

import pytest
from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.input.base import PipeInput
from prompt_toolkit.output.vt100 import Vt100_Output
from tutor_fakes import ScriptedClock

from shared.reply import Cue, Hold
from tutor.app import TerminalUI
from tutor.style import no_color

HOLD = Hold("neck_flexion", "neck flexion", 10, 1, 2, None, None, (Cue(0, "c", "Ease in."),))
SGR = re.compile(r"\x1b\[([0-9;]*)m")
COLOUR_CODES = {*map(str, range(30, 39)), *map(str, range(40, 49)), *map(str, range(90, 108))}


@pytest.fixture
def pipe() -> Iterator[PipeInput]:
    with create_pipe_input() as pipe_input:
        yield pipe_input


def _colour_codes(plain_style: bool, pipe: PipeInput) -> set[str]:
    """The colour codes a hold screen writes to a (fake) 80x24 terminal."""
    raw = io.BytesIO()
    stdout = io.TextIOWrapper(raw, encoding="utf-8")
    output = Vt100_Output(stdout, lambda: Size(rows=24, columns=80), term="xterm-256color")
    ui = TerminalUI(
        ScriptedClock(), plain_style=plain_style, input=pipe, output=output, write=lambda _t: None
    )
    asyncio.run(ui.play(HOLD))
    stdout.flush()
    written = raw.getvalue().decode("utf-8")
    codes = {code for match in SGR.finditer(written) for code in match.group(1).split(";")}
    return codes & COLOUR_CODES


@pytest.mark.parametrize(
    ("environ", "expected"),
    [({"NO_COLOR": "1"}, True), ({"NO_COLOR": ""}, False), ({}, False)],
)
def test_no_color_is_any_non_empty_value(environ: dict[str, str], expected: bool) -> None:
    assert no_color(environ) is expected


def test_colours_are_used_normally_and_none_with_no_color(pipe: PipeInput) -> None:
    assert _colour_codes(plain_style=False, pipe=pipe)  # cyan digits, green bar...
    assert _colour_codes(plain_style=True, pipe=pipe) == set()


def test_make_ui_follows_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    from tutor import cli

    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setattr(cli, "_interactive", lambda: True)
    args = cli.parser().parse_args([])
    ui = cli.make_ui(args, ScriptedClock())
    assert isinstance(ui, TerminalUI) and ui.plain_style
