"""`path:` expectations (#15 point 5): JMESPath over the whole response envelope, values matched as
other fields are, a malformed expression a load error at its line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from skill.cli import main as skill_main
from skill.dialogs.expect import Answer, check
from skill.dialogs.model import DialogError, load_dialog
from skill.dialogs.replay import run_on_channel
from skill.dialogs.text_channel import run_text_dialog

ENVELOPE: dict[str, Any] = {
    "version": "1.0",
    "sessionAttributes": {"engine": {"phase": "checkin", "done": ["chin_tuck"], "rep": 2}},
    "response": {
        "outputSpeech": {"type": "SSML", "ssml": "<speak>How did that feel?</speak>"},
        "shouldEndSession": False,
    },
}


def _check(paths: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    failures = check({"path": paths}, Answer.from_envelope(ENVELOPE))
    return [(f.field, f.expected, f.actual) for f in failures]


@pytest.mark.parametrize(
    "paths",
    [
        {"response.shouldEndSession": False},
        {"sessionAttributes.engine.phase": "checkin"},
        {"sessionAttributes.engine.phase": "re:^check"},
        {"sessionAttributes.engine.phase": "check*"},
        {"sessionAttributes.engine.phase": ["intro", "checkin"]},
        {"sessionAttributes.engine.done": ["chin_tuck"]},
        {"length(sessionAttributes.engine.done)": 1},
        {"sessionAttributes.engine": {"rep": 2}},  # a mapping: a subset
        {"response.card": None},  # absent reads as null
        {"response.outputSpeech.ssml": "*How did that feel?*"},
        {"version": "1.0", "sessionAttributes.engine.rep": 2},
    ],
)
def test_paths_that_hold(paths: dict[str, Any]) -> None:
    assert _check(paths) == []


def test_each_path_that_does_not_hold_is_its_own_failure() -> None:
    failures = _check(
        {
            "response.shouldEndSession": True,
            "sessionAttributes.engine.phase": "intro",
            "sessionAttributes.engine.rep": 2,
            "sessionAttributes.engine.nope": "x",
            "sessionAttributes.engine.done": [],
        }
    )
    assert failures == [
        ("path response.shouldEndSession", True, False),
        ("path sessionAttributes.engine.phase", "intro", "checkin"),
        ("path sessionAttributes.engine.nope", "x", None),
        ("path sessionAttributes.engine.done", [], ["chin_tuck"]),
    ]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "d.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_malformed_expression_is_a_load_error_at_its_line(tmp_path: Path) -> None:
    text = (
        "name: x\nturns:\n  - launch: true\n    expect:\n      path:\n"
        '        response.shouldEndSession: false\n        "response.[[": 1\n'
    )
    with pytest.raises(DialogError) as raised:
        load_dialog(_write(tmp_path, text))
    message = str(raised.value)
    assert message.startswith(f"{tmp_path / 'd.yaml'}:7: turn 1: expect.path: 'response.[['")
    assert "is not a JMESPath expression" in message


@pytest.mark.parametrize("value", ["[]", "{}", "response.shouldEndSession"])
def test_path_must_be_a_mapping(value: str, tmp_path: Path) -> None:
    text = f"name: x\nturns:\n  - launch: true\n    expect:\n      path: {value}\n"
    with pytest.raises(DialogError, match=r"d.yaml:5: turn 1: expect.path: 'path' must be a mapp"):
        load_dialog(_write(tmp_path, text))


DIALOG = """
name: paths on the real skill
turns:
  - launch: true
    expect:
      path:
        response.shouldEndSession: false
        sessionAttributes.engine.phase: screen
        sessionAttributes.engine.screened: false
        "response.reprompt.outputSpeech.ssml": "*Yes or no?*"
  - say: "no"
    expect:
      path: {"sessionAttributes.engine.phase": PHASE}
"""


def test_paths_against_the_real_skill_pass_and_fail(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    passing = _write(tmp_path, DIALOG.replace("PHASE", "screen_urgent"))
    assert skill_main(["replay", str(passing)]) == 0
    failing = _write(tmp_path, DIALOG.replace("PHASE", "checkin"))
    assert skill_main(["replay", str(failing)]) == 1
    out = capsys.readouterr().out
    assert "FAIL turn 2" in out and "path sessionAttributes.engine.phase" in out
    assert "checkin" in out and "screen_urgent" in out
    assert "FAIL turn 1" not in out


def test_paths_are_voice_only(tmp_path: Path) -> None:
    """The tutor's text channel has no envelope: a path there is not checked (as attributes)."""
    dialog = load_dialog(_write(tmp_path, DIALOG.replace("PHASE", "checkin")))
    assert run_text_dialog(dialog, None).ok
    assert not run_on_channel(dialog, "voice").ok
