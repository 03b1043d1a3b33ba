"""`replay --update` against the real skill: only what failed is rewritten, byte for byte."""

from __future__ import annotations

import difflib
import re
import shutil
from pathlib import Path

import pytest

from skill.cli import main as skill_main
from skill.dialogs import yaml_edit
from skill.dialogs.expect import Failure
from skill.dialogs.model import load_dialog
from skill.dialogs.runner import DialogResult, TurnResult
from skill.dialogs.update import update_dialog

LIBRARY = Path(__file__).parent.parent / "dialogs"

# Every turn of the new user's neck opening passes except the `speech` of the last one.
RICH = """\
# the opening, written by hand
name: rich dialog   # a name
locale: en-US
turns:
  - launch: true
    expect:
      speech: "Welcome to Back Stretch Coach.*three quick safety questions*"  # a wildcard
      reprompt: 'Yes or no?'
      session_ends: false
  - say: "no"     # no recent fall
    expect:
      speech: ["re:^Have you had a recent fall", "never said"]
  - say: "no"
    expect: {speech: Where would you like to stretch today, session_ends: false, card: null}
  - say: neck
  - say: "no"
  - say: "no"
    expect:
      speech: "Stretch 1 of 2: neck flexion."
      card:
        title: Neck flexion
        text: Slowly lower your chin toward your chest.
      attributes: {engine: {phase: intro, area: neck}}
  - say: ready
    expect:
      speech: Something the skill never says    # the one failure
      breaks: {max: 10}
      reprompt: "How did it feel: easy, good, tight, or did it hurt?"
"""

OPENING = """\
name: opening
turns:
  - launch: true
  - say: "no"
  - say: "no"
  - say: neck
  - say: "no"
  - say: "no"
"""


def _write(folder: Path, text: str, name: str = "d.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _update(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = skill_main(["replay", "--update", str(path)])
    return status, capsys.readouterr().out


def _changed(before: str, after: str) -> list[tuple[str, str]]:
    """(old line, new line) for each line that differs; the texts must have as many lines."""
    old, new = before.splitlines(), after.splitlines()
    assert len(old) == len(new), "\n".join(difflib.unified_diff(old, new, lineterm=""))
    return [(a, b) for a, b in zip(old, new, strict=True) if a != b]


def test_the_all_passing_library_comes_out_byte_identical(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "dialogs"
    shutil.copytree(LIBRARY, copy)
    files = sorted(copy.rglob("*.y*ml"))
    before = {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in files}
    status, out = _update(copy, capsys)
    assert status == 0
    assert "nothing to update" in out.splitlines()
    assert "updated" not in out
    assert {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in files} == before


def test_one_failing_speech_changes_exactly_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, RICH)
    status, out = _update(path, capsys)
    after = path.read_text(encoding="utf-8")
    assert status == 0
    [(old, new)] = _changed(RICH, after)
    assert old == "      speech: Something the skill never says    # the one failure"
    match = re.fullmatch(
        r'      speech: "(1 of 5\. Ease in.*How did that feel\?)"    # the one failure', new
    )
    assert match, new
    assert f"{path}:26: turn 7 speech: 'Something the skill never says' -> '1 of 5. Ease in" in out
    assert "updated 1 failed expectation(s)" in out
    assert skill_main(["replay", str(path)]) == 0


def test_a_failing_breaks_total_updates_only_that_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = OPENING + "  - say: ready\n    expect:\n      breaks: {max: 10, total: 999}  # seconds\n"
    path = _write(tmp_path, text)
    status, out = _update(path, capsys)
    [(old, new)] = _changed(text, path.read_text(encoding="utf-8"))
    assert old == "      breaks: {max: 10, total: 999}  # seconds"
    match = re.fullmatch(r"      breaks: \{max: 10, total: (\d+(?:\.\d+)?)\}  # seconds", new)
    assert match, new
    assert float(match.group(1)) != 999
    assert f"turn 7 breaks.total: 999 -> {match.group(1)}" in out
    assert status == 0 and skill_main(["replay", str(path)]) == 0


def test_attributes_keep_the_keys_that_match_and_lose_the_ones_the_skill_does_not_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = OPENING + (
        "    expect:\n"
        "      attributes:\n"
        "        engine:\n"
        "          area: neck      # still true\n"
        "          phase: checkin  # wrong: it is the intro\n"
        "          no_such_key: 1\n"
        "          cues: normal\n"
    )
    path = _write(tmp_path, text)
    status, out = _update(path, capsys)
    after = path.read_text(encoding="utf-8")
    assert status == 0
    removed = [line for line in difflib.ndiff(text.splitlines(), after.splitlines())]
    assert [line for line in removed if line.startswith(("-", "+"))] == [
        "-           phase: checkin  # wrong: it is the intro",
        "+           phase: intro  # wrong: it is the intro",
        "-           no_such_key: 1",
    ]
    assert "turn 6 attributes.engine.phase: 'checkin' -> 'intro'" in out
    assert "turn 6 attributes.engine.no_such_key: 1 -> (removed" in out
    assert skill_main(["replay", str(path)]) == 0


def test_a_failing_pattern_is_replaced_and_a_list_of_choices_grows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        "name: patterns\nturns:\n  - launch: true\n    expect:\n"
        '      speech: "re:^Hello there"\n'
        "      reprompt:\n        - Say yes\n        - 're:^Say no'\n"
    )
    path = _write(tmp_path, text)
    status, out = _update(path, capsys)
    after = path.read_text(encoding="utf-8").splitlines()
    assert status == 0
    assert after[4].startswith('      speech: "Welcome to Back Stretch Coach.')
    assert after[6:8] == ["        - Say yes", "        - 're:^Say no'"]
    assert re.fullmatch(r'        - "(.*Yes or no\?)"', after[8]), after[8]
    assert "turn 1 speech: 're:^Hello there' -> 'Welcome" in out
    assert "(the pattern no longer matched: replaced by the answer)" in out
    assert f"{path}:9: turn 1 reprompt: [Say yes, re:^Say no] -> [..., 'New bladder" in out
    assert "(added as one more choice; the others are kept)" in out
    assert skill_main(["replay", str(path)]) == 0


def test_a_card_where_none_was_expected_gets_its_title(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = OPENING + "    expect: {card: null}\n"
    path = _write(tmp_path, text)
    status, out = _update(path, capsys)
    [(old, new)] = _changed(text, path.read_text(encoding="utf-8"))
    assert (old, new) == ("    expect: {card: null}", "    expect: {card: {title: Neck flexion}}")
    assert "turn 6 card: null -> {title: Neck flexion}" in out
    assert status == 0


def test_a_file_where_nothing_failed_is_not_touched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    passing = _write(tmp_path, RICH.replace("Something the skill never says", "1 of 5"), "a.yaml")
    failing = _write(tmp_path, RICH, "b.yaml")
    stamp = passing.stat().st_mtime_ns
    status, out = _update(tmp_path, capsys)
    assert status == 0
    assert passing.stat().st_mtime_ns == stamp and passing.read_text() == RICH.replace(
        "Something the skill never says", "1 of 5"
    )
    assert failing.read_text() != RICH
    assert str(passing) not in "".join(line for line in out.splitlines() if "->" in line)
    assert "nothing to update" not in out


def test_a_turn_that_errors_is_listed_and_exits_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        "name: x\nturns:\n  - launch: true\n    expect: {speech: nope}\n  - say: juggle oranges\n"
    )
    path = _write(tmp_path, text)
    status, out = _update(path, capsys)
    assert status == 1
    assert "turn 2: not updated:" in out
    [(old, new)] = _changed(text, path.read_text(encoding="utf-8"))
    assert old == "    expect: {speech: nope}" and new.startswith('    expect: {speech: "Welcome')


def test_every_speech_of_the_library_can_be_rewritten_in_place(tmp_path: Path) -> None:
    """Splicing across all the library's formatting: each failed speech changes its own line
    (a list of choices gains one), and nothing else moves."""
    for source in sorted(LIBRARY.glob("*.yaml")):
        path = tmp_path / source.name
        shutil.copy(source, path)
        dialog = load_dialog(path)
        turns = [
            TurnResult(i, turn, None, 200, None, [Failure("speech", turn.expect["speech"], "Hi.")])
            for i, turn in enumerate(dialog.turns)
            if "speech" in turn.expect
        ]
        update = update_dialog(DialogResult(dialog, turns))
        before, after = source.read_text().splitlines(), path.read_text().splitlines()
        diff = [d for d in difflib.ndiff(before, after) if d[:1] in "+-"]
        lists = sum(isinstance(t.turn.expect["speech"], list) for t in turns)
        assert update.complete and len(update.changes) == len(turns), source.name
        assert len([d for d in diff if d.startswith("-")]) == len(turns) - lists, source.name
        assert len([d for d in diff if d.startswith("+")]) == len(turns), source.name
        assert all("Hi." in d for d in diff if d.startswith("+")), diff


@pytest.mark.parametrize(
    ("value", "style", "written"),
    [
        ("Where to", None, "Where to"),
        ("Where to?", None, '"Where to?"'),  # YAML 1.1 misreads it in a flow list
        ("no", None, '"no"'),
        ("1:30", None, '"1:30"'),
        ("Okay: go", None, '"Okay: go"'),
        ("a, b", None, '"a, b"'),
        ("*wild", None, '"*wild"'),
        ("it's", "'", "'it''s'"),
        ('say "hi"', '"', '"say \\"hi\\""'),
        (None, None, "null"),
        (6.0, None, "6"),
        (6.5, None, "6.5"),
        ({"title": "x: y"}, None, '{title: "x: y"}'),
    ],
)
def test_values_are_written_so_they_read_back_the_same(
    value: object, style: str | None, written: str
) -> None:
    assert yaml_edit.emit(value, style) == written
    assert yaml_edit.load(f"k: {written}", (1, 1)) == {"k": value}


def test_a_dialog_in_two_locales_is_updated_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        "name: two locales\nlocales: [en-US, en-GB]\nturns:\n  - launch: true\n    expect:\n"
        '      speech: ["Hello there"]   # choices\n'
    )
    path = _write(tmp_path, text)
    status, out = _update(path, capsys)
    [(_, new)] = _changed(text, path.read_text(encoding="utf-8"))
    assert new.startswith('      speech: ["Hello there", "Welcome to Back Stretch Coach.')
    assert new.endswith('"]   # choices') and new.count('", "') == 1
    assert out.count("added as one more choice") == 1
    assert status == 0 and skill_main(["replay", str(path)]) == 0
