"""Dialogs that see screens: `device:`, `touch:` turns and `screen:` expectations, checked on
load and against real answers; recorded taps read back as `touch:` turns."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from skill.dialogs.expect import Answer, check
from skill.dialogs.model import DialogError, parse_dialog
from skill.dialogs.readable import readable_turn
from skill.dialogs.requests import RequestFactory, Session

FILE = Path("screens.yaml")


def _parse(data: dict[str, Any]) -> Any:
    return parse_dialog({"name": "x", **data}, FILE)


def test_a_dialog_names_its_device_and_touches_buttons() -> None:
    dialog = _parse({"device": "echo_show", "turns": [{"launch": True}, {"touch": "pause"}]})
    assert dialog.device == "echo_show"
    assert dialog.turns[1].kind == "touch" and dialog.turns[1].label == "touch: pause"
    assert _parse({"turns": [{"launch": True}]}).device == "echo"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"device": "echo_shw", "turns": [{"launch": True}]}, "'device' must be one of echo,"),
        ({"turns": [{"touch": "dance"}]}, "'touch' needs a button's action, one of ready,"),
        ({"turns": [{"launch": True, "expect": {"screen": {"tokn": "x"}}}]}, "unknown key 'tokn'"),
        ({"turns": [{"launch": True, "expect": {"screen": {"data": 3}}}]}, "must be a mapping"),
    ],
)
def test_mistakes_are_load_errors(data: dict[str, Any], message: str) -> None:
    with pytest.raises(DialogError, match=r"screens\.yaml") as error:
        _parse(data)
    assert message in str(error.value)


def _answer(token: str | None, properties: dict[str, Any]) -> Answer:
    directives = []
    if token is not None:
        directives.append(
            {
                "type": "Alexa.Presentation.APL.RenderDocument",
                "token": token,
                "document": {},
                "datasources": {"coach": {"type": "object", "properties": properties}},
            }
        )
    return Answer.from_envelope({"response": {"directives": directives}})


def test_screen_expectations_hold_and_fail() -> None:
    answer = _answer("hold", {"title": "Neck flexion", "segments": [{"seconds": 20}]})
    assert check({"screen": {"token": "hold", "data": {"title": "Neck*"}}}, answer) == []
    assert check({"screen": {"data": {"segments": [{"seconds": 20}]}}}, answer) == []
    (token,) = check({"screen": {"token": "intro"}}, answer)
    assert (token.field, token.expected, token.actual) == ("screen.token", "intro", "hold")
    (data,) = check({"screen": {"data": {"title": "Knee to chest"}}}, answer)
    assert data.field == "screen.data"
    (none,) = check({"screen": False}, answer)
    assert none.actual == ["hold"]
    assert check({"screen": False}, _answer(None, {})) == []
    (missing,) = check({"screen": {"token": "hold"}}, _answer(None, {}))
    assert missing.actual is None


def test_a_touch_comes_from_the_document_on_screen() -> None:
    factory, session = RequestFactory(device="echo_show"), Session()
    session.after({"response": {"directives": [_answer("intro", {}).directives[0]]}}, False)
    dialog = _parse({"device": "echo_show", "turns": [{"touch": "ready"}]})
    request = factory.for_turn(session, dialog.turns[0])
    assert request["request"]["type"] == "Alexa.Presentation.APL.UserEvent"
    assert request["request"]["token"] == "intro" and request["request"]["arguments"] == ["ready"]
    system = request["context"]["System"]
    assert "Alexa.Presentation.APL" in system["device"]["supportedInterfaces"]
    assert request["context"]["Viewport"]["shape"] == "RECTANGLE"


def test_a_recorded_tap_reads_as_a_touch_turn() -> None:
    tap = RequestFactory(device="echo_show").touch(Session(), "skip", "hold")["request"]
    assert readable_turn("en-US", tap) == {"touch": "skip"}
    assert readable_turn("en-US", {**tap, "arguments": ["dance"]}) is None  # kept as a file
