"""Directive expectations (#15 point 5): by type and a subset of content, in order; the fields named
are checked against ask-sdk-model's description of each directive when the file loads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from skill.dialogs.expect import Answer, check
from skill.dialogs.model import DialogError, load_dialog

ELICIT = {
    "type": "Dialog.ElicitSlot",
    "slotToElicit": "area",
    "updatedIntent": {
        "name": "ChooseAreaIntent",
        "confirmationStatus": "NONE",
        "slots": {"area": {"name": "area", "value": "neck", "confirmationStatus": "NONE"}},
    },
}
HINT = {"type": "Hint", "hint": {"type": "PlainText", "text": "say ready"}}


def _failures(expected: Any, directives: list[dict[str, Any]]) -> list[Any]:
    envelope = {"response": {"directives": directives}}
    return [
        (f.field, f.actual) for f in check({"directives": expected}, Answer.from_envelope(envelope))
    ]


@pytest.mark.parametrize(
    "expected",
    [
        ["Dialog.ElicitSlot", "Hint"],
        [{"type": "Dialog.ElicitSlot"}, "Hint"],
        [{"type": "Dialog.ElicitSlot", "slotToElicit": "area"}, "Hint"],
        [
            {"type": "Dialog.ElicitSlot", "updatedIntent": {"slots": {"area": {"value": "neck"}}}},
            "Hint",
        ],
        ["Dialog.ElicitSlot", {"type": "Hint", "hint": {"text": "re:^say"}}],
    ],
)
def test_directives_that_hold(expected: Any) -> None:
    assert _failures(expected, [ELICIT, HINT]) == []


def test_content_that_differs_fails_and_shows_the_directives() -> None:
    expected = [{"type": "Dialog.ElicitSlot", "slotToElicit": "feeling"}, "Hint"]
    assert _failures(expected, [ELICIT, HINT]) == [("directives", [ELICIT, HINT])]


@pytest.mark.parametrize(
    "expected",
    [
        ["Dialog.ElicitSlot"],  # one too few: every directive is expected, in order
        ["Hint", "Dialog.ElicitSlot"],
        ["Dialog.ElicitSlot", "Hint", "Dialog.Delegate"],
        [],
    ],
)
def test_types_that_differ_fail_and_show_the_types(expected: Any) -> None:
    assert _failures(expected, [ELICIT, HINT]) == [("directives", ["Dialog.ElicitSlot", "Hint"])]


def _load_error(tmp_path: Path, directives: str) -> str:
    path = tmp_path / "d.yaml"
    text = f"name: x\nturns:\n  - launch: true\n    expect:\n      directives:\n{directives}"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DialogError) as raised:
        load_dialog(path)
    return str(raised.value).replace(f"{path}:", "")


def test_a_misspelt_directive_field_is_a_load_error_with_a_hint(tmp_path: Path) -> None:
    error = _load_error(
        tmp_path,
        "        - Dialog.Delegate\n"
        "        - type: Dialog.ElicitSlot\n          slotToElict: area\n",
    )
    assert error.startswith("8: turn 1: expect.directives[2]: ElicitSlotDirective has no field")
    assert "'slotToElict' (did you mean 'slotToElicit'?); its fields: type, updatedIntent" in error


def test_fields_are_checked_at_depth(tmp_path: Path) -> None:
    error = _load_error(
        tmp_path,
        "        - type: Dialog.ElicitSlot\n          updatedIntent:\n"
        "            name: ChooseAreaIntent\n            slots:\n"
        "              area: {name: area, valeu: neck}\n",
    )
    assert error.startswith("10: turn 1: expect.directives[1].updatedIntent.slots.area: Slot")
    assert "'valeu' (did you mean 'value'?)" in error


def test_an_unknown_directive_type_is_a_load_error_with_a_hint(tmp_path: Path) -> None:
    assert _load_error(tmp_path, "        - Dialog.Delegat\n").startswith(
        "6: turn 1: expect.directives[1]: a directive needs a known type, not 'Dialog.Delegat' "
        "(did you mean 'Dialog.Delegate'?)"
    )
    assert "not None" in _load_error(tmp_path, "        - {slotToElicit: area}\n")


def test_directives_must_be_a_list(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(
        "name: x\nturns:\n  - launch: true\n    expect: {directives: Dialog.Delegate}\n",
        encoding="utf-8",
    )
    with pytest.raises(DialogError, match="'directives' must be a list"):
        load_dialog(path)


def test_free_form_content_is_not_second_guessed(tmp_path: Path) -> None:
    """An APL document is free-form JSON in the SDK: any keys there are the author's."""
    path = tmp_path / "d.yaml"
    path.write_text(
        "name: x\nturns:\n  - launch: true\n    expect:\n      directives:\n"
        "        - type: Alexa.Presentation.APL.RenderDocument\n"
        "          token: t\n          document: {anything: [1, 2], mainTemplate: {}}\n",
        encoding="utf-8",
    )
    assert load_dialog(path).turns[0].expect["directives"][0]["token"] == "t"
