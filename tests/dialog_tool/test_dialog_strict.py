"""Strict dialog files (#15 point 4): unknown keys at any depth, intents, slots and locales the
interaction models do not have are load errors at the file and line of the offending key, with a
hint for a near miss; `nlu: fallback` sends uncovered speech as AMAZON.FallbackIntent."""

from __future__ import annotations

from pathlib import Path

import pytest

from skill.cli import main as skill_main
from skill.dialogs.model import DialogError, load_dialog, load_dialogs, with_nlu
from skill.dialogs.replay import run_on_channel
from skill.dialogs.requests import RequestFactory, Session

LIBRARY = Path(__file__).parent.parent / "dialogs"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "d.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _line(text: str, marker: str) -> int:
    """The 1-based line of the only line of `text` containing `marker`."""
    (number,) = [n for n, line in enumerate(text.splitlines(), 1) if marker in line]
    return number


def _load_error(tmp_path: Path, text: str) -> str:
    with pytest.raises(DialogError) as raised:
        load_dialogs(_write(tmp_path, text))
    return str(raised.value)


# Each text has one offending key, marked by the line it is on; the error must point at it.
WRONG = [
    (
        "name: x\nturnz: []\nturns:\n  - launch: true\n",
        "turnz:",
        "top level: unknown key 'turnz' (did you mean 'turns'?)",
    ),
    (
        "name: x\nturns:\n  - launch: true\n  - say: help\n    expct: {speech: x}\n",
        "expct:",
        "turn 2: unknown key 'expct' (did you mean 'expect'?)",
    ),
    (
        "name: x\nturns:\n  - launch: true\n    expect:\n      speech: Welcome\n"
        "      card:\n        titel: Neck\n",
        "titel:",
        "turn 1: expect.card: unknown key 'titel' (did you mean 'title'?)",
    ),
    (
        "name: x\nturns:\n  - launch: true\n    expect:\n      breaks: {count: 2, totl: 5}\n",
        "totl",
        "turn 1: expect.breaks: unknown key 'totl' (did you mean 'total'?)",
    ),
    (
        "name: x\nturns:\n  - launch: true\n    expect:\n      speech: hi\n"
        "      sesion_ends: true\n",
        "sesion_ends",
        "turn 1: expect: unknown key 'sesion_ends' (did you mean 'session_ends'?)",
    ),
    (
        "name: x\nturns:\n  - launch: true\n  - session_end: ERROR\n"
        "    error: {type: INVALID_RESPONSE, mesage: boom}\n",
        "mesage",
        "turn 2: error: unknown key 'mesage' (did you mean 'message'?)",
    ),
    (
        "name: x\nprofile:\n  screened_on: '2026-01-13'\n  hold_secs: 20\n"
        "turns:\n  - launch: true\n",
        "hold_secs",
        "profile: unknown key 'hold_secs' (did you mean 'hold_seconds'?)",
    ),
    (
        "name: x\nprofile:\n  sessions:\n    - day: '2026-01-13'\n      area: neck\n"
        "      complete: true\nturns:\n  - launch: true\n",
        "complete:",
        "profile: sessions[1]: unknown key 'complete' (did you mean 'completed'?)",
    ),
    (
        "name: x\nturns:\n  - launch: true\n  - intent: ChooseAreaIntnt\n    slots: {area: neck}\n",
        "ChooseAreaIntnt",
        "the en-US interaction model has no intent 'ChooseAreaIntnt' "
        "(did you mean 'ChooseAreaIntent'?)",
    ),
    (
        "name: x\nturns:\n  - launch: true\n  - intent: NoSuchIntent\n",
        "NoSuchIntent",
        "turn 2: the en-US interaction model has no intent 'NoSuchIntent'",
    ),
    (
        "name: x\nturns:\n  - launch: true\n  - intent: SetHoldIntent\n    slots:\n"
        "      secs: 30\n",
        "secs:",
        "turn 2: SetHoldIntent has no slot 'secs' (did you mean 'seconds'?); its slots: seconds",
    ),
    (
        "name: x\nturns:\n  - launch: true\n  - intent: ChooseAreaIntent\n"
        "    slots: {aera: neck}\n",
        "aera",
        "ChooseAreaIntent has no slot 'aera' (did you mean 'area'?); its slots: area",
    ),
    (
        "name: x\nturns:\n  - launch: true\n  - intent: AMAZON.YesIntent\n    slots: {x: y}\n",
        "slots:",
        "AMAZON.YesIntent has no slot 'x'; its slots: none",
    ),
    (
        "name: x\nturns:\n  - launch: true\n  - say: help\n    slots: {area: neck}\n",
        "slots:",
        "turn 2: 'slots' goes with 'intent', not 'say'",
    ),
    (
        "name: x\nlocale: en-US\nlocales: [en-US, en-GB]\nturns:\n  - launch: true\n",
        "locales:",
        "top level: use 'locale' or 'locales', not both",
    ),
    (
        "name: x\nnlu: fallbak\nturns:\n  - launch: true\n",
        "nlu:",
        "top level: 'nlu' must be one of strict, fallback",
    ),
    (
        "name: x\nturns:\n  - launch: true\n    expect:\n      speech: 're:Welcome ('\n",
        "re:Welcome",
        "turn 1: expect.speech: the regular expression 'Welcome ('",
    ),
    (
        "name: x\nturns:\n  - launch: true\n    expect:\n      session_ends: maybe\n",
        "maybe",
        "turn 1: expect.session_ends: 'session_ends' must be true or false, not 'maybe'",
    ),
    (
        "name: x\nturns:\n  - launch: true\n    expect:\n      breaks: {max: ten}\n",
        "ten",
        "turn 1: expect.breaks: 'max' must be a number, not 'ten'",
    ),
]


@pytest.mark.parametrize(("text", "marker", "message"), WRONG)
def test_an_offending_key_is_an_error_at_its_file_and_line(
    text: str, marker: str, message: str, tmp_path: Path
) -> None:
    error = _load_error(tmp_path, text)
    assert error.startswith(f"{tmp_path / 'd.yaml'}:{_line(text, marker)}: "), error
    assert message in error


def test_no_hint_when_nothing_is_near(tmp_path: Path) -> None:
    error = _load_error(tmp_path, "name: x\nturns:\n  - launch: true\n    zzz: 1\n")
    assert "unknown key 'zzz'; known keys: launch, say, intent" in error
    assert "did you mean" not in error


def test_an_unknown_locale_lists_the_locales_there_are(tmp_path: Path) -> None:
    text = "name: x\nlocale: de-DE\nturns:\n  - launch: true\n  - say: ja\n"
    error = _load_error(tmp_path, text)
    assert error.startswith(f"{tmp_path / 'd.yaml'}:2: top level: no interaction model for 'de-DE'")
    assert "the locales with one are en-AU, en-CA, en-GB, en-IN, en-US" in error
    assert "does not cover" not in error


def test_an_unknown_locale_in_a_list_points_at_its_item(tmp_path: Path) -> None:
    text = "name: x\nlocales:\n  - en-US\n  - en-UK\nturns:\n  - launch: true\n"
    error = _load_error(tmp_path, text)
    assert error.startswith(f"{tmp_path / 'd.yaml'}:4: top level: no interaction model for 'en-UK'")


def test_a_duplicate_key_is_refused_with_its_line(tmp_path: Path) -> None:
    error = _load_error(tmp_path, "name: x\nturns:\n  - launch: true\nname: y\n")
    assert "cannot read" in error and "duplicate key" in error and "line 4" in error


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("today: 2026-13-45\nturns:\n  - launch: true\n", "month must be in 1..12"),
        ("? [a]\n: 1\nturns:\n  - launch: true\n", "a key must be a name or number"),
        ("turns:\n  - say: !!python/object:os.system ls\n", "could not determine a constructor"),
    ],
)
def test_what_yaml_cannot_build_is_a_load_error(text: str, message: str, tmp_path: Path) -> None:
    error = _load_error(tmp_path, text)
    assert error.startswith(f"{tmp_path / 'd.yaml'}: cannot read: ") and message in error


def test_a_bad_file_on_the_command_line_exits_two_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(
        tmp_path, "name: x\nturns:\n  - launch: true\n    expect:\n      card: {titel: x}\n"
    )
    assert skill_main(["replay", str(path)]) == 2
    err = capsys.readouterr().err
    assert (
        f"ERROR {path}:5: turn 1: expect.card: unknown key 'titel' (did you mean 'title'?)" in err
    )


def test_every_library_dialog_is_valid_under_the_strict_rules() -> None:
    files = sorted(LIBRARY.glob("*.yaml"))
    assert len(files) >= 12
    for path in files:
        (dialog,) = load_dialogs(path)
        assert dialog.turns and all(t.line for t in dialog.turns), path


def test_turns_and_expectations_know_their_lines(tmp_path: Path) -> None:
    text = "name: x\nturns:\n  - launch: true\n\n  - say: help\n    expect:\n      speech: Hi\n"
    dialog = load_dialog(_write(tmp_path, text))
    assert [t.line for t in dialog.turns] == [3, 5]
    assert dialog.turns[1].expect_lines == {"speech": 7}
    assert dialog.turns[1].expect == {"speech": "Hi"} and type(dialog.turns[1].expect) is dict


# --nlu fallback


UNCOVERED = """
name: uncovered speech
turns:
  - launch: true
  - say: please juggle three oranges
    expect:
      speech: "Sorry, I didn't catch that."
"""


def test_uncovered_speech_is_an_error_that_says_how_to_opt_in(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert skill_main(["replay", str(_write(tmp_path, UNCOVERED))]) == 1
    out = capsys.readouterr().out
    assert "the en-US interaction model does not cover 'please juggle three oranges'" in out
    assert "--nlu fallback" in out and "'nlu: fallback'" in out


def test_nlu_fallback_on_the_command_line_sends_amazon_fallback_intent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, UNCOVERED)
    assert skill_main(["replay", "--nlu", "fallback", str(path)]) == 0
    assert capsys.readouterr().out.startswith("PASS uncovered speech")
    result = run_on_channel(with_nlu(load_dialog(path), "fallback"), "voice")
    intent = (result.turns[1].request or {})["request"]["intent"]
    assert intent == {"name": "AMAZON.FallbackIntent", "confirmationStatus": "NONE", "slots": {}}


def test_nlu_fallback_in_the_file_and_strict_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, "nlu: fallback\n" + UNCOVERED)
    assert skill_main(["replay", str(path)]) == 0
    assert skill_main(["replay", "--nlu", "strict", str(path)]) == 1
    assert "does not cover" in capsys.readouterr().out


def test_fallback_leaves_covered_speech_alone() -> None:
    factory = RequestFactory()
    request = factory.utterance(Session(), "my neck", "fallback")["request"]
    assert request["intent"]["name"] != "AMAZON.FallbackIntent"
    fallback = factory.utterance(Session(), "sing me a song", "fallback")["request"]
    assert fallback["intent"]["name"] == "AMAZON.FallbackIntent"
