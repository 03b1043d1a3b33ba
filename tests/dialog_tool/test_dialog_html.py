"""`replay --html FILE`: one self-contained page, checked in a real browser (headless Chromium):
every conversation is there, and a failed turn is highlighted with its differences marked."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from skill.cli import main as skill_main

LIBRARY = Path(__file__).parent.parent / "dialogs"
CHROMIUM = next((c for c in ("chromium", "chromium-browser") if shutil.which(c)), None)

WRONG = """\
name: wrong on purpose
turns:
  - launch: true
  - say: "no"
    expect:
      speech: "Have you had a recent fall or a sprain"
      attributes: {engine: {phase: area}}
"""

# Added to a copy of the page only: what the browser computed, written into the DOM it dumps.
PROBE = """<script>
const style = (selector) => getComputedStyle(document.querySelector(selector)).backgroundColor;
document.body.dataset.failedTurn = style('li.turn.failed');
document.body.dataset.passedTurn = style('li.turn.passed');
document.body.dataset.deleted = style('li.turn.failed del');
document.body.dataset.inserted = style('li.turn.failed ins');
document.body.dataset.failedText = document.querySelector('li.turn.failed').innerText;
</script>"""


def _page(tmp_path: Path) -> tuple[int, str]:
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(WRONG, encoding="utf-8")
    page = tmp_path / "out" / "report.html"
    status = skill_main(
        ["replay", "--html", str(page), str(LIBRARY / "warning_sign.yaml"), str(wrong)]
    )
    return status, page.read_text(encoding="utf-8")


def test_the_page_has_every_conversation_and_needs_nothing_else(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, html = _page(tmp_path)
    assert status == 1
    assert f"Wrote the report to {tmp_path / 'out' / 'report.html'}" in capsys.readouterr().out
    assert "2 dialogs, 4 turns: 1 passed, 1 failed" in html
    assert "an emergency sign at screening" in html and "wrong on purpose" in html
    assert "Please go to an emergency department now" in html  # what the skill said
    assert "<del>sprain</del> <ins>fever,</ins>" in html
    assert "wrong.yaml:6" in html and "engine.phase" in html
    assert "<style>" in html
    assert not re.search(r"<(script|link|img|iframe)\b", html)
    assert not re.search(r"""(src|href)=["']?(https?:|//|file:)""", html)


@pytest.fixture
def chromium() -> str:
    if CHROMIUM is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("chromium is not installed: CI must load the HTML report, not skip it")
        pytest.skip("chromium is not installed (Debian's chromium package; .ci/run installs it)")
    return CHROMIUM


def test_chromium_shows_the_failed_turn_highlighted(tmp_path: Path, chromium: str) -> None:
    _, html = _page(tmp_path)
    probe = tmp_path / "probe.html"
    probe.write_text(html.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    done = subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--dump-dom",
            probe.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    dom = done.stdout
    shown = dict(re.findall(r'data-([a-z-]+)="([^"]*)"', dom.split("<body", 1)[1].split(">", 1)[0]))
    red, green, blue = map(int, re.findall(r"\d+", shown["failed-turn"])[:3])
    assert red > green and red > blue, shown  # a reddish background
    assert shown["passed-turn"] in ("rgba(0, 0, 0, 0)", "transparent")
    assert shown["deleted"] != shown["inserted"]
    text = shown["failed-text"]
    assert "Have you had a recent fall or injury" in text  # what was heard
    assert "sprain" in text and "engine.phase" in text  # what differs
