"""Dialog files: parsing, validation with the file and turn named, and request building."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from skill.dialogs.model import DialogError, load_dialog, parse_dialog


def _parse(data: Any, tmp_path: Path) -> Any:
    return parse_dialog(data, tmp_path / "d.yaml")


def test_a_full_dialog_parses(tmp_path: Path) -> None:
    (tmp_path / "r.json").write_text('{"request": {"type": "LaunchRequest"}}', encoding="utf-8")
    text = """
name: sample
locale: en-GB
today: 2026-02-03
profile: {screened_on: "2026-02-01"}
turns:
  - launch: true
  - say: no
  - intent: SetHoldIntent
    slots: {seconds: 25}
  - session_end: ERROR
    error: {type: ENDPOINT_TIMEOUT, message: boom}
  - request: r.json
    expect: {speech: hi, session_ends: false}
"""
    path = tmp_path / "d.yaml"
    path.write_text(text, encoding="utf-8")
    dialog = load_dialog(path)
    assert dialog.name == "sample" and dialog.locale == "en-GB"
    assert dialog.today == date(2026, 2, 3) and dialog.profile == {"screened_on": "2026-02-01"}
    kinds = [t.kind for t in dialog.turns]
    assert kinds == ["launch", "say", "intent", "session_end", "request"]
    assert dialog.turns[1].text == "no"  # YAML's boolean no is the word the user said
    assert dialog.turns[2].slots == {"seconds": "25"}
    assert dialog.turns[3].reason == "ERROR" and dialog.turns[3].error == {
        "type": "ENDPOINT_TIMEOUT",
        "message": "boom",
    }
    assert dialog.turns[4].expect == {"speech": "hi", "session_ends": False}
    assert [t.label for t in dialog.turns][:3] == [
        "launch",
        "say: no",
        "intent: SetHoldIntent (seconds=25)",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "a dialog must be a mapping"),
        ({"turns": []}, "'turns' must be a non-empty list"),
        ({"turns": ["hello"]}, "turn 1: a turn must be a mapping"),
        ({"turns": [{"say": "hi", "launch": True}]}, "turn 1: a turn needs exactly one of"),
        ({"turns": [{"launch": True}, {"slots": {}}]}, "turn 2: a turn needs exactly one of"),
        ({"turns": [{"launch": True}, {"shout": "x"}]}, "turn 2: unknown key 'shout'; known"),
        ({"turns": [{"say": "hi", "bogus": 1}]}, "turn 1: unknown key 'bogus'"),
        (
            {"turns": [{"say": "hi", "expect": {"speach": "x"}}]},
            "turn 1: expect: unknown key 'speach' (did you mean 'speech'?)",
        ),
        ({"turns": [{"say": ""}]}, "'say' needs the words"),
        ({"turns": [{"session_end": "BORED"}]}, "session_end reason must be one of"),
        (
            {"turns": [{"session_end": "ERROR", "error": {"type": "INTERNAL_ERROR"}}]},
            "error needs a type, one of INVALID_RESPONSE, DEVICE_COMMUNICATION_ERROR",
        ),
        ({"turns": [{"session_end": "ERROR", "error": "boom"}]}, "error needs a type"),
        ({"turns": [{"request": "missing.json"}]}, "recorded request missing.json not found"),
        ({"today": "someday", "turns": [{"launch": True}]}, "'today' must be a date"),
    ],
)
def test_malformed_dialogs_name_the_file_and_turn(data: Any, message: str, tmp_path: Path) -> None:
    with pytest.raises(DialogError) as raised:
        _parse(data, tmp_path)
    assert str(tmp_path / "d.yaml") in str(raised.value)
    assert message in str(raised.value)


def test_unreadable_yaml_is_a_dialog_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("turns: [\n", encoding="utf-8")
    with pytest.raises(DialogError, match="cannot read"):
        load_dialog(path)


def test_library_dialogs_all_parse() -> None:
    folder = Path(__file__).parent.parent / "dialogs"
    files = sorted(folder.glob("*.yaml"))
    assert len(files) >= 12
    for path in files:
        assert load_dialog(path).turns, path
        assert yaml.safe_load(path.read_text(encoding="utf-8"))["name"]
