"""A stretch's figure in the terminal: the illustration data drawn in Unicode Braille dots.

Each Braille character is a cell of 2 x 4 dots, so a 100 x 100 figure fits in a few lines of
text that any terminal (and a pipe) shows as it is, in plain mode too. The lines come from the
same data as the Echo Show's vector graphics and the store icons (shared/illustration.py), so
the tutor shows the position the screen shows. A caption first says it in words, for screen
readers.
"""

from __future__ import annotations

import itertools
import math

from shared import messages
from shared.illustration import CANVAS, Figure, Point
from shared.locales import DEFAULT_LOCALE

COLUMNS = 20  # characters across: 40 dots
ROWS = 10  # lines: 40 dots
BLANK = 0x2800  # the empty Braille cell: not white space, so wrapping leaves the figure whole
# Which bit of a Braille cell each dot (x 0-1, y 0-3) sets, as Unicode numbers them.
_DOT_BITS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))


class DotGrid:
    """Dots on a grid of Braille cells, set by canvas coordinates."""

    def __init__(self, columns: int = COLUMNS, rows: int = ROWS) -> None:
        self.columns, self.rows = columns, rows
        self.width, self.height = columns * 2, rows * 4
        self.cells = [[0] * columns for _ in range(rows)]

    def dot(self, point: Point) -> None:
        x = min(self.width - 1, max(0, int(point[0] / CANVAS * self.width)))
        y = min(self.height - 1, max(0, int(point[1] / CANVAS * self.height)))
        self.cells[y // 4][x // 2] |= _DOT_BITS[y % 4][x % 2]

    def line(self, start: Point, end: Point) -> None:
        """A straight line, sampled finer than the dots so it has no gaps."""
        steps = max(1, math.ceil(math.dist(start, end) / CANVAS * self.width * 2))
        for i in range(steps + 1):
            t = i / steps
            self.dot((start[0] + (end[0] - start[0]) * t, start[1] + (end[1] - start[1]) * t))

    def circle(self, centre: Point, radius: float) -> None:
        steps = max(12, math.ceil(2 * math.pi * radius / CANVAS * self.width * 2))
        for i in range(steps):
            angle = 2 * math.pi * i / steps
            self.dot((centre[0] + radius * math.cos(angle), centre[1] + radius * math.sin(angle)))

    def lines(self) -> list[str]:
        """The grid as text, without the empty lines above and below the figure."""
        text = ["".join(chr(BLANK + cell) for cell in row) for row in self.cells]
        filled = [i for i, row in enumerate(self.cells) if any(row)]
        return text[filled[0] : filled[-1] + 1] if filled else []


def figure_lines(figure: Figure, columns: int = COLUMNS, rows: int = ROWS) -> list[str]:
    """The figure drawn in Braille dots: every stroke and the head."""
    grid = DotGrid(columns, rows)
    for stroke in figure.strokes():
        for start, end in itertools.pairwise(stroke):
            grid.line(start, end)
    grid.circle(figure.head, figure.head_radius)
    return grid.lines()


def figure_text(figure: Figure, locale: str = DEFAULT_LOCALE) -> str:
    """What the tutor prints: the caption, then the figure."""
    caption = messages.text("tutor.figure_caption", locale, alt=figure.alt)
    return "\n".join([caption, *figure_lines(figure)])
