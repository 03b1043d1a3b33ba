"""Amazon's APL tools driven from the tests: the validator (apl-suggester) and the web renderer
(apl-viewhost-web) in headless Chromium, both installed by .ci/run into tests/apl/node_modules.

The renderer is apl-viewhost-web 1.4.0, the last release on the npm registry that ships its
built renderer (later ones download it from Amazon's CDN when installed, which cannot work
offline); it draws APL 1.4, the version the skill's documents are written in.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).parent
NODE_MODULES = HERE / "node_modules"
RENDERER = NODE_MODULES / "apl-viewhost-web" / "index.js"
CHROMIUM = next((c for c in ("chromium", "chromium-browser") if shutil.which(c)), None)


def need_tools() -> None:
    """Fail on CI (which installs them), skip elsewhere, when node, the packages or Chromium
    are missing."""
    missing = [
        what
        for what, there in (
            ("node", shutil.which("node")),
            ("tests/apl/node_modules (npm install --prefix tests/apl)", RENDERER.is_file()),
            ("chromium", CHROMIUM),
        )
        if not there
    ]
    if missing:
        message = f"missing {', '.join(missing)}: .ci/run installs them"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def validate(documents: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """apl-suggester's findings for each document (an empty list: nothing to say)."""
    run = subprocess.run(
        ["node", str(HERE / "validate.js")],
        input=json.dumps(documents),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    findings: dict[str, list[dict[str, Any]]] = json.loads(run.stdout)
    return findings


PAGE = """<html><head><meta charset="utf-8"><style>
body {{ margin: 0; background: #000 }}
#view {{ width: {width}px; height: {height}px; overflow: hidden }}
</style></head><body><div id="view"></div><pre id="log" style="display:none"></pre>
<script>window.onerror = function (m) {{
  document.getElementById('log').textContent += 'ERR ' + m; }};</script>
<script charset="utf-8" src="{renderer}"></script>
<script>
const log = document.getElementById('log');
AplRenderer.initEngine().then(() => {{
  const content = AplRenderer.Content.create(JSON.stringify({document}));
  const data = {datasources};
  for (const [name, value] of Object.entries(data)) content.addData(name, JSON.stringify(value));
  const renderer = AplRenderer.default.create({{
    content, view: document.getElementById('view'),
    environment: {{agentName: 'backstretch-tests', agentVersion: '1.0', allowOpenUrl: false,
                   disallowVideo: true}},
    viewport: {{width: {width}, height: {height}, dpi: 160, shape: '{shape}'}}, mode: '{mode}',
    theme: 'dark', developerToolOptions: {{mappingKey: 'auth-id', writeKeys: ['auth-id']}},
    utcTime: Date.now(), localTimeAdjustment: 0,
  }});
  return renderer.init().then(() => {{ log.textContent += 'RENDERED'; }});
}}).catch((error) => {{ log.textContent += 'FAIL ' + error; }});
</script></body></html>
"""


@dataclass(frozen=True)
class Rendered:
    log: str
    text: str  # the rendered components' text, as the page shows it
    paths: list[str]  # the path data of every vector graphic drawn
    png: Path


def render(
    directive: dict[str, Any], viewport: tuple[int, int, str, str], wait_ms: int, out: Path
) -> Rendered:
    """The directive's document and datasources drawn at a viewport (width, height, shape,
    mode), screenshot `wait_ms` after the renderer is ready."""
    width, height, shape, mode = viewport
    page = out.with_suffix(".html")
    page.write_text(
        PAGE.format(
            width=width,
            height=height,
            shape=shape,
            mode=mode,
            renderer=RENDERER.as_uri(),
            document=json.dumps(directive["document"]),
            datasources=json.dumps(directive["datasources"]),
        ),
        encoding="utf-8",
    )
    args = [str(page), str(out), str(width), str(height), str(wait_ms)]
    run = subprocess.run(
        ["node", "--experimental-websocket", str(HERE / "screenshot.js"), *args],
        capture_output=True,
        text=True,
        timeout=90,
        env={**os.environ, "CHROMIUM": CHROMIUM or "chromium"},
        check=False,
    )
    assert run.returncode == 0, run.stderr
    found = json.loads(run.stdout)
    return Rendered(found["log"], found["text"], found["paths"], out)


def read_png(path: Path) -> tuple[int, int, list[bytes]]:
    """Width, height and rows of RGBA bytes of an 8-bit RGBA PNG (Chromium's screenshots)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks, header = 8, b"", b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks += body
        position += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour in (2, 6), (depth, colour)
    channels = 4 if colour == 6 else 3
    raw, stride, rows, previous = (
        zlib.decompress(chunks),
        width * channels,
        [],
        bytes(width * channels),
    )
    for y in range(height):
        kind, line = (
            raw[y * (stride + 1)],
            bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)]),
        )
        for x in range(stride):
            left = line[x - channels] if x >= channels else 0
            up, corner = previous[x], previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[x] = (
                    line[x] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)
                ) & 0xFF
        previous = bytes(line)
        rows.append(
            bytes(line)
            if channels == 4
            else bytes(b for i in range(width) for b in (*line[i * 3 : i * 3 + 3], 255))
        )
    return width, height, rows


def count_pixels(path: Path, box: tuple[int, int, int, int], colour: tuple[int, int, int]) -> int:
    """Pixels within `box` (left, top, right, bottom) close to `colour`."""
    _width, _height, rows = read_png(path)
    left, top, right, bottom = box
    found = 0
    for row in rows[top:bottom]:
        for x in range(left, right):
            r, g, b = row[x * 4], row[x * 4 + 1], row[x * 4 + 2]
            if abs(r - colour[0]) + abs(g - colour[1]) + abs(b - colour[2]) < 60:
                found += 1
    return found
