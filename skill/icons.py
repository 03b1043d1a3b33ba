"""The skill's store icons, drawn from a stretch's figure (shared/illustration.py) as PNG.

Amazon asks for a 108 x 108 and a 512 x 512 PNG. They are drawn here from the same numbers as the
Echo Show's vector graphics, with anti-aliased strokes (each pixel covered by how near it is to
the nearest line), and written with zlib: no imaging library for two small pictures.
"""

from __future__ import annotations

import itertools
import math
import struct
import zlib
from pathlib import Path

from shared.illustration import CANVAS, Figure, Point, figure_for

ICON_SIZES = {"small": 108, "large": 512}
ICON_FIGURE = "knee_to_chest"  # the position the icon shows
BACKGROUND = (20, 94, 110)  # deep teal, the screens' background
INK = (255, 255, 255)
ACCENT = (255, 196, 84)  # the movement's arrow, as on the screens
MARGIN = 0.1  # of the icon's side, around the figure
STROKE = 4.2  # canvas units, as the screens draw limbs

RGB = tuple[int, int, int]


def _distance(p: Point, a: Point, b: Point) -> float:
    """From `p` to the segment a-b."""
    ax, ay = a
    dx, dy = b[0] - ax, b[1] - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((p[0] - ax) * dx + (p[1] - ay) * dy) / length2))
    return math.hypot(p[0] - (ax + t * dx), p[1] - (ay + t * dy))


class Raster:
    """An RGB picture with coverage painted per segment, within each segment's own box."""

    def __init__(self, size: int, background: RGB) -> None:
        self.size = size
        self.pixels = [[background for _ in range(size)] for _ in range(size)]
        self.scale = size * (1 - 2 * MARGIN) / CANVAS
        self.offset = size * MARGIN

    def _to_pixels(self, point: Point) -> Point:
        return (self.offset + point[0] * self.scale, self.offset + point[1] * self.scale)

    def _blend(self, x: int, y: int, colour: RGB, alpha: float) -> None:
        old = self.pixels[y][x]
        self.pixels[y][x] = (
            round(old[0] + (colour[0] - old[0]) * alpha),
            round(old[1] + (colour[1] - old[1]) * alpha),
            round(old[2] + (colour[2] - old[2]) * alpha),
        )

    def segment(self, a: Point, b: Point, width: float, colour: RGB) -> None:
        """A line with round ends, `width` canvas units wide, its edge one pixel soft."""
        pa, pb, half = self._to_pixels(a), self._to_pixels(b), width * self.scale / 2
        low_x = max(0, int(min(pa[0], pb[0]) - half - 1))
        high_x = min(self.size - 1, int(max(pa[0], pb[0]) + half + 1))
        low_y = max(0, int(min(pa[1], pb[1]) - half - 1))
        high_y = min(self.size - 1, int(max(pa[1], pb[1]) + half + 1))
        for y in range(low_y, high_y + 1):
            for x in range(low_x, high_x + 1):
                coverage = half + 0.5 - _distance((x + 0.5, y + 0.5), pa, pb)
                if coverage > 0:
                    self._blend(x, y, colour, min(1.0, coverage))

    def ring(self, centre: Point, radius: float, width: float, colour: RGB) -> None:
        cx, cy = self._to_pixels(centre)
        r, half = radius * self.scale, width * self.scale / 2
        reach = r + half + 1
        for y in range(max(0, int(cy - reach)), min(self.size, int(cy + reach) + 1)):
            for x in range(max(0, int(cx - reach)), min(self.size, int(cx + reach) + 1)):
                coverage = half + 0.5 - abs(math.hypot(x + 0.5 - cx, y + 0.5 - cy) - r)
                if coverage > 0:
                    self._blend(x, y, colour, min(1.0, coverage))

    def png(self) -> bytes:
        rows = b"".join(b"\x00" + bytes(v for pixel in row for v in pixel) for row in self.pixels)
        header = struct.pack(">IIBBBBB", self.size, self.size, 8, 2, 0, 0, 0)
        return b"".join(
            [
                b"\x89PNG\r\n\x1a\n",
                _chunk(b"IHDR", header),
                _chunk(b"IDAT", zlib.compress(rows, 9)),
                _chunk(b"IEND", b""),
            ]
        )


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def draw(figure: Figure, size: int) -> bytes:
    """The figure on the icon's background, as PNG bytes."""
    raster = Raster(size, BACKGROUND)
    floor = (figure.floor_line,) if figure.floor_line else ()
    layers = ((figure.limbs, INK, STROKE), (floor, INK, STROKE * 0.6))
    for lines, colour, width in (*layers, (figure.motion_lines(), ACCENT, STROKE * 0.6)):
        for line in lines:
            for a, b in itertools.pairwise(line):
                raster.segment(a, b, width, colour)
    raster.ring(figure.head, figure.head_radius, STROKE, INK)
    return raster.png()


def write_icons(folder: Path) -> dict[str, Path]:
    """The small and large icons in `folder`, by the manifest's name for each."""
    folder.mkdir(parents=True, exist_ok=True)
    figure = figure_for(ICON_FIGURE)
    written = {}
    for name, size in ICON_SIZES.items():
        path = folder / f"{name}-icon.png"
        path.write_bytes(draw(figure, size))
        written[name] = path
    return written
