"""The store icons: drawn from a stretch's figure by `backstretch-skill package`, 108 and 512
pixels square, and named in every locale's publishing information."""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

from shared.illustration import figure_for
from shared.locales import LOCALES
from skill.icons import BACKGROUND, ICON_FIGURE, INK, draw
from skill.package import build_skill_package


def _pixels(png: bytes) -> tuple[int, int, list[bytes]]:
    """Our own PNGs: 8-bit RGB, filter 0 on every row."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert png[24:26] == bytes([8, 2])  # 8-bit RGB
    (length,) = struct.unpack(">I", png[33:37])
    assert png[37:41] == b"IDAT"
    raw = zlib.decompress(png[41 : 41 + length])
    stride = width * 3 + 1
    rows = [raw[y * stride + 1 : (y + 1) * stride] for y in range(height)]
    assert all(raw[y * stride] == 0 for y in range(height))
    return width, height, rows


def _count(rows: list[bytes], colour: tuple[int, int, int]) -> int:
    wanted = bytes(colour)
    return sum(1 for row in rows for x in range(0, len(row), 3) if row[x : x + 3] == wanted)


def test_package_writes_both_icons_and_names_them_in_every_locale(tmp_path: Path) -> None:
    package = build_skill_package(tmp_path)
    manifest = json.loads((package / "skill.json").read_text(encoding="utf-8"))
    publishing = manifest["manifest"]["publishingInformation"]
    for locale in LOCALES:
        fields = publishing["locales"][locale]
        assert {"name", "summary", "description", "examplePhrases", "keywords"} <= set(fields)
        for key, size in (("smallIconUri", 108), ("largeIconUri", 512)):
            uri = fields[key]
            assert uri.startswith("file://assets/images/")
            png = (package / uri.removeprefix("file://")).read_bytes()
            width, height, rows = _pixels(png)
            assert (width, height) == (size, size)
            assert _count(rows, BACKGROUND) > size * size // 2  # mostly background
            assert _count(rows, INK) > size * size // 100  # the figure's strokes
    assert publishing["category"] and publishing["testingInstructions"]
    interfaces = manifest["manifest"]["apis"]["custom"]["interfaces"]
    assert [i["type"] for i in interfaces] == ["ALEXA_PRESENTATION_APL"]


def test_the_icon_is_the_figure(tmp_path: Path) -> None:
    """Ink where the figure's head is, background in the corners."""
    figure = figure_for(ICON_FIGURE)
    size = 512
    _width, _height, rows = _pixels(draw(figure, size))
    scale, offset = size * 0.8 / 100, size * 0.1
    hx, hy = figure.head
    top_of_head = (round(offset + hx * scale), round(offset + (hy - figure.head_radius) * scale))
    pixel = rows[top_of_head[1]][top_of_head[0] * 3 : top_of_head[0] * 3 + 3]
    assert pixel == bytes(INK)
    assert rows[2][6:9] == bytes(BACKGROUND) and rows[-3][-9:-6] == bytes(BACKGROUND)
