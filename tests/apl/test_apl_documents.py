"""Every document the skill can send, checked the way Amazon checks: its APL validator finds
nothing to say about any of them, and its web renderer draws the introduction and the hold at
hub landscape and round sizes with the figure, the stretch's name and the seconds left, the
seconds counting down on the device."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.serialize import DefaultSerializer

from shared.engine import Context, handle
from shared.events import Event, EventKind
from shared.illustration import figure_for
from skill.apl.avg import figure_graphic
from skill.apl.directive import render_directive
from skill.apl.documents import DOCUMENT_NAMES, document
from skill.apl.screens import screen_for
from skill.ssml import render as render_speech
from tests.apl.render import count_pixels, need_tools, render, validate

LANDSCAPE = (1280, 800, "RECTANGLE", "HUB")
ROUND = (480, 480, "ROUND", "HUB")
BACKGROUND, INK = (0x14, 0x5E, 0x6E), (255, 255, 255)


@pytest.fixture(scope="module", autouse=True)
def tools() -> None:
    need_tools()


def test_every_document_passes_amazons_validator() -> None:
    findings = validate({name: document(name) for name in DOCUMENT_NAMES})
    assert findings == {name: [] for name in DOCUMENT_NAMES}


def test_the_validator_does_find_mistakes() -> None:
    broken = document("hold")
    broken["mainTemplate"]["items"][0]["colour"] = "red"
    broken["layouts"]["CoachButton"]["item"]["onPress"] = {"type": "SendEvent"}
    (found,) = validate({"broken": broken}).values()
    assert len(found) == 2 and {f["level"] for f in found} == {"WARNING"}
    assert any("colour" in f["errorMessage"] for f in found)


def _directives() -> dict[str, dict[str, Any]]:
    """The screens of a new user's neck routine up to its first set, as sent (JSON)."""
    context = Context(today=date(2026, 1, 15), profile=None, max_chunk_seconds=240)
    events = [Event(EventKind.START, area="neck"), *[Event(EventKind.NO)] * 4]
    state, sent = None, {}
    for event in [*events, Event(EventKind.CONTINUE)]:
        reply = handle(state, event, context)
        state = reply.state
        screen = screen_for(reply, render_speech(reply), "en-US")
        sent[screen.token] = DefaultSerializer().serialize(render_directive(screen))
    return sent


DIRECTIVES = _directives()


def _figure_drawn(shot: Path, box: tuple[int, int, int, int]) -> None:
    """The figure's white strokes on the teal background, in the part of the screen it has."""
    assert count_pixels(shot, box, BACKGROUND) > 0
    assert count_pixels(shot, box, INK) > 400


@pytest.mark.parametrize("viewport", [LANDSCAPE, ROUND], ids=["hub-landscape", "hub-round"])
def test_the_introduction_is_drawn(tmp_path: Path, viewport: tuple[int, int, str, str]) -> None:
    drawn = render(DIRECTIVES["intro"], viewport, 300, tmp_path / "intro.png")
    assert drawn.log == "RENDERED"
    assert "Neck flexion" in drawn.text and "Ready" in drawn.text
    body = figure_graphic(figure_for("neck_flexion"))["items"][0]["pathData"]
    assert body in drawn.paths
    width, height = viewport[0], viewport[1]
    figure_box = (0, 0, width // 2, height) if viewport == LANDSCAPE else (0, 0, width, height)
    _figure_drawn(drawn.png, figure_box)


@pytest.mark.parametrize("viewport", [LANDSCAPE, ROUND], ids=["hub-landscape", "hub-round"])
def test_the_hold_is_drawn_and_counts_down(
    tmp_path: Path, viewport: tuple[int, int, str, str]
) -> None:
    hold = DIRECTIVES["hold"]
    first = hold["datasources"]["coach"]["properties"]["segments"][0]
    assert first["start"] > 1000  # the start cue is said before the seconds run
    early = render(hold, viewport, 200, tmp_path / "early.png")
    later = render(hold, viewport, first["start"] + 2500, tmp_path / "later.png")
    for drawn in (early, later):
        assert drawn.log == "RENDERED"
        assert "Neck flexion" in drawn.text and "Rep 1 of 5" in drawn.text
        width, height = viewport[0], viewport[1]
        _figure_drawn(
            drawn.png,
            (0, 0, width // 2, height) if viewport == LANDSCAPE else (0, 0, width, height),
        )
    numbers = [
        [int(w) for w in d.text.split() if w.isdigit() and w not in ("1", "5")]
        for d in (early, later)
    ]
    assert numbers[0] == [20]  # the full hold while the start cue is said
    (left,) = numbers[1]
    assert 12 <= left <= 18  # counting down on the device, about 2.5 s into the hold
