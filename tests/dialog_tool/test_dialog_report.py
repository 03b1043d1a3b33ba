"""Reports people read: word diffs, only the differing keys, file:line, -v as heard, a summary,
one verification warning per run."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from skill.app import create_app
from skill.cli import main as skill_main
from skill.config import SkillConfig
from skill.dialogs.expect import Failure
from skill.dialogs.explain import key_differences
from skill.dialogs.model import load_dialog
from skill.dialogs.outcome import quiet_skill_logs
from skill.dialogs.replay import run_on_channel
from skill.dialogs.report import format_result, render_diff, summary
from skill.dialogs.runner import DialogResult
from skill.dialogs.transcript import render_parts, speech_parts
from skill.dialogs.worddiff import word_diff

LIBRARY = Path(__file__).parent.parent / "dialogs"
LONG = (
    "Welcome to Back Stretch Coach. I'll pace gentle stretches for your neck, shoulders and lower "
    "back. Before we start, three quick safety questions. Any new bladder or bowel trouble, "
    "numbness around your genitals or buttocks, or numbness or weakness in both legs?"
)

WRONG = """\
name: wrong on purpose
turns:
  - launch: true
    expect:
      speech: "Before we start, two quick safety questions."
      session_ends: true
  - say: "no"
    expect:
      reprompt: Yes or no?
      attributes: {engine: {phase: area, hold: 20}}
"""


def _diff(expected: str, heard: str = LONG) -> str | None:
    pieces = word_diff(expected, heard)
    return None if pieces is None else render_diff(pieces)


def test_a_word_diff_marks_where_the_texts_differ_and_shortens_around_it() -> None:
    assert _diff("Before we start, two quick safety questions.") == (
        "… and lower back. Before we start, [-two-]{+three+} quick safety questions. Any new "
        "bladder …"
    )


def test_a_word_diff_keeps_a_few_heard_words_either_side_of_the_difference() -> None:
    assert _diff("I'll pace gentle stretches for your knees,") == (
        "… I'll pace gentle stretches for your [-knees,-]{+neck,+} shoulders and lower back. "
        "Before we …"
    )


def test_a_wildcard_pattern_is_diffed_at_the_first_part_not_found() -> None:
    assert _diff("Welcome*four quick safety questions*") == (
        "… and lower back. Before we start, [-four-]{+three+} quick safety questions. Any new "
        "bladder …"
    )
    assert _diff("Welcome*three quick safety questions*") == ""  # it matches: no difference


def test_texts_without_a_word_in_common_get_no_diff() -> None:
    assert word_diff("Hello there", LONG) is None


def test_only_the_keys_that_differ_are_reported() -> None:
    actual = {
        "engine": {
            "phase": "screen",
            "rep": 0,
            "hold_seconds": 20,
            **{f"k{i}": i for i in range(15)},
        }
    }
    found = key_differences(
        {"engine": {"phase": "area", "hold_seconds": 20, "cues": "more"}}, actual
    )
    assert [(d.key, d.expected, d.actual) for d in found] == [
        ("engine.phase", '"area"', '"screen"'),
        ("engine.cues", '"more"', None),
    ]


def test_a_failed_dialog_reports_file_and_line_diffs_and_differing_keys(tmp_path: Path) -> None:
    path = tmp_path / "wrong.yaml"
    path.write_text(WRONG, encoding="utf-8")
    text = format_result(run_on_channel(load_dialog(path), "voice"))
    assert f"FAIL turn 1: launch   ({path}:3)" in text
    assert f"{path}:5: speech: the words differ" in text
    assert "Before we start, [-two-]{+three+} quick safety questions." in text
    assert f"{path}:6: session_ends:" in text and "expected: true" in text
    assert f"{path}:10: attributes: 1 key differs:" in text
    assert 'engine.phase: expected "area", actual "screen_urgent"' in text
    assert "hold" not in text  # it held: not reported, nor the state's other keys
    assert "reprompt" not in text.split("turn 2")[1]  # the reprompt expectation held


def test_pauses_are_shown_in_place_and_adjacent_ones_add_up() -> None:
    parts = speech_parts("<speak>Hold. <break time='10s'/><break time='500ms'/> Halfway.</speak>")
    assert render_parts(parts) == "Hold. [10.5 s] Halfway."


def test_verbose_prints_each_conversation_as_heard(capsys: pytest.CaptureFixture[str]) -> None:
    assert skill_main(["replay", "-v", str(LIBRARY / "neck_start_to_finish.yaml")]) == 0
    out = capsys.readouterr().out
    assert "ok   turn 2: say: no" in out
    assert "skill: Have you had a recent fall or injury" in out
    assert "reprompt: A recent fall, fever, weight loss" in out
    assert "1 of 5. Ease in, and hold. [2 s] Keep your shoulders down" in out
    assert "(the session ends)" in out
    assert "turn 8: intent: AMAZON.FallbackIntent" in out


def test_verbose_on_the_text_channel_shows_the_tutors_answers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = str(LIBRARY / "warning_sign.yaml")
    assert skill_main(["replay", "-v", "--channel", "text", path]) == 0
    out = capsys.readouterr().out
    assert "skill: Welcome to Back Stretch Coach." in out and "emergency" in out


def test_the_summary_counts_dialogs_and_turns_in_the_right_number(tmp_path: Path) -> None:
    one = run_on_channel(load_dialog(LIBRARY / "warning_sign.yaml"), "voice")
    single = load_dialog(LIBRARY / "warning_sign.yaml")
    short = DialogResult(single, one.turns[:1])
    assert summary([short]) == "1 dialog, 1 turn: 1 passed, 0 failed"
    failed = run_on_channel(load_dialog(_write(tmp_path, WRONG)), "voice")
    assert summary([one, failed], 1) == "3 dialogs, 4 turns: 1 passed, 1 failed, 1 did not run"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "d.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_replay_ends_with_the_summary_line(capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(LIBRARY / "warning_sign.yaml"), str(LIBRARY / "urgent_sign.yaml")]
    assert skill_main(["replay", *files]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "2 dialogs, 5 turns: 2 passed, 0 failed"


def test_the_verification_warning_is_said_once_however_many_apps_are_built(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO), quiet_skill_logs():
        for _ in range(3):
            create_app(SkillConfig(verify=False))
    warnings = [r for r in caplog.records if "REQUEST VERIFICATION IS OFF" in r.getMessage()]
    assert len(warnings) == 1
    create_app(SkillConfig(verify=False))  # outside a run, the app says it every time
    assert len([r for r in caplog.records if "VERIFICATION IS OFF" in r.getMessage()]) == 2


def test_a_replay_run_prints_the_verification_warning_once() -> None:
    files = [str(p) for p in sorted(LIBRARY.glob("*.yaml"))[:4]]
    done = subprocess.run(
        [sys.executable, "-m", "skill.cli", "replay", *files],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr.count("REQUEST VERIFICATION IS OFF") == 1
    assert "INFO skill" not in done.stderr  # a server's log lines are not part of the report


def test_a_failure_of_an_unknown_shape_is_shown_as_two_values(tmp_path: Path) -> None:
    from skill.dialogs.explain import explain

    turn = load_dialog(_write(tmp_path, WRONG)).turns[0]
    item = explain(turn, tmp_path / "d.yaml", Failure("breaks.count", 3, 5))
    assert (item.kind, item.expected, item.actual, item.where) == (
        "value",
        "3",
        "5",
        f"{tmp_path / 'd.yaml'}:3",
    )
