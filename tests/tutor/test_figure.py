"""The tutor's stretch figures: the illustration data in Braille dots, shown with each
stretch's introduction in both front ends."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tutor_fakes import RecordingSession, RecordingUI, to_first_stretch

from shared.illustration import Figure, load_illustrations
from shared.storage import SafeStore
from tutor.clock import FakeClock
from tutor.driver import run_conversation
from tutor.figure import BLANK, COLUMNS, ROWS, figure_lines, figure_text
from tutor.plain import PlainUI
from tutor.session import Preferences
from tutor.wrap import wrap_text


def _dots(lines: list[str]) -> set[tuple[int, int]]:
    """The dots set, as (x, y) on the grid of dots (2 x 4 per character)."""
    bits = ((0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2), (0, 3), (1, 3))
    found = set()
    for row, line in enumerate(lines):
        for column, char in enumerate(line):
            cell = ord(char) - BLANK
            for bit, (dx, dy) in enumerate(bits):
                if cell & (1 << bit):
                    found.add((column * 2 + dx, row * 4 + dy))
    return found


def test_a_figure_is_a_few_lines_of_braille_cells_only() -> None:
    for figure in load_illustrations().values():
        lines = figure_lines(figure)
        assert 3 <= len(lines) <= ROWS
        assert all(len(line) == COLUMNS for line in lines)
        assert all(BLANK <= ord(char) <= BLANK + 0xFF for line in lines for char in line)
        assert not any(char.isspace() for line in lines for char in line)  # wrapping keeps it


def test_the_dots_follow_the_data() -> None:
    """A figure of one limb alone, corner to corner, is the diagonal's dots (and the head's)."""
    line = Figure("x", "a line.", (90, 10), 3, (((0.0, 0.0), (99.0, 99.0)),), None, None)
    dots = _dots(figure_lines(line, columns=10, rows=5))
    assert {(i, i) for i in range(20)} <= dots  # 20 x 20 dots, no gaps along the diagonal
    assert (18, 2) in dots or (17, 2) in dots  # the head's ring near (90, 10)
    assert (0, 19) not in dots and (19, 0) not in dots


def test_standing_and_lying_figures_differ_in_shape() -> None:
    figures = load_illustrations()
    standing, lying = figure_lines(figures["neck_flexion"]), figure_lines(figures["knee_to_chest"])
    assert len(standing) > len(lying)  # taller than wide against wider than tall
    left = figure_lines(figures["lateral_flexion"].for_side("left"))
    assert left != figure_lines(figures["lateral_flexion"])


def test_the_caption_says_what_the_figure_shows() -> None:
    figure = load_illustrations()["back_flexion"]
    text = figure_text(figure)
    first, *rest = text.split("\n")
    assert first == f"Picture: {figure.alt}"
    assert rest == figure_lines(figure)


ANSWERS = (*to_first_stretch("neck"), "ready", "fine", "ready", "fine")


def _routine_shown(tmp_path: Path, ui_of: type) -> list[str]:
    clock = FakeClock()
    store = SafeStore.open(str(tmp_path / "progress.sqlite3"))
    session = RecordingSession(store, clock.today(), preferences=Preferences(area="neck"))
    if ui_of is PlainUI:
        shown: list[str] = []
        answers = iter(ANSWERS)
        ui = PlainUI(clock, read=lambda _p: next(answers), write=shown.append, width=lambda: 80)
        asyncio.run(run_conversation(session, ui))
    else:
        recording = RecordingUI(list(ANSWERS), clock)
        asyncio.run(run_conversation(session, recording))
        shown = recording.shown
    store.close()
    return shown


def test_each_introduction_shows_its_stretchs_figure(tmp_path: Path) -> None:
    figures = load_illustrations()
    for ui_of in (RecordingUI, PlainUI):
        shown = _routine_shown(tmp_path / ui_of.__name__, ui_of)
        pictures = [i for i, text in enumerate(shown) if text.startswith("Picture: ")]
        assert [shown[i - 1] for i in pictures] == [
            "Stretch 1 of 2: neck flexion.",
            "Stretch 2 of 2: lateral neck flexion.",
        ]
        width = 80 if ui_of is PlainUI else None  # plain lines are wrapped to the terminal
        first, second = figures["neck_flexion"], figures["lateral_flexion"]
        assert shown[pictures[0]] == wrap_text(figure_text(first), width)
        assert shown[pictures[1]] == wrap_text(figure_text(second), width)  # its first side
        assert figure_lines(second)[0] in shown[pictures[1]].split("\n")  # the figure unwrapped
