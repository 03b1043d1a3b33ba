"""`locales: [en-US, en-GB]` (#15 point 5): one file, one dialog per locale, each named for its
locale, validated against its own interaction model and sent in that locale."""

from __future__ import annotations

from pathlib import Path

import pytest

from skill.cli import main as skill_main
from skill.dialogs.model import DialogError, load_dialog, load_dialogs
from skill.dialogs.replay import run_on_channel

TWO = """
name: launch everywhere
locales: [en-US, en-GB]
turns:
  - launch: true
    expect:
      speech: Welcome to Back Stretch Coach.
  - say: "no"
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "d.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_one_dialog_per_locale_named_for_it(tmp_path: Path) -> None:
    dialogs = load_dialogs(_write(tmp_path, TWO))
    assert [(d.name, d.locale) for d in dialogs] == [
        ("launch everywhere [en-US]", "en-US"),
        ("launch everywhere [en-GB]", "en-GB"),
    ]
    assert dialogs[0].turns == dialogs[1].turns


def test_each_runs_in_its_locale(tmp_path: Path) -> None:
    for dialog in load_dialogs(_write(tmp_path, TWO)):
        result = run_on_channel(dialog, "voice")
        assert result.ok, dialog.name
        assert {(t.request or {})["request"]["locale"] for t in result.turns} == {dialog.locale}


def test_replay_runs_and_reports_each_locale(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, TWO)
    assert skill_main(["replay", str(path)]) == 0
    out = capsys.readouterr().out
    assert "PASS launch everywhere [en-US]" in out and "PASS launch everywhere [en-GB]" in out


def test_a_failure_in_one_locale_is_reported_for_that_locale(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only the en-GB model has the sample "let's have a stretch": the en-US run fails, alone."""
    text = TWO.replace('  - say: "no"', "  - say: let's have a stretch")
    results = [run_on_channel(d, "voice") for d in load_dialogs(_write(tmp_path, text))]
    assert [r.ok for r in results] == [False, True]
    assert "the en-US interaction model does not cover" in str(results[0].turns[1].error)
    assert skill_main(["replay", str(tmp_path / "d.yaml")]) == 1
    out = capsys.readouterr().out
    assert "FAIL launch everywhere [en-US]" in out and "PASS launch everywhere [en-GB]" in out


def test_load_dialog_refuses_a_file_of_several_locales(tmp_path: Path) -> None:
    with pytest.raises(DialogError, match="runs in 2 locales: read it with load_dialogs"):
        load_dialog(_write(tmp_path, TWO))


def test_a_single_entry_list_is_still_named_for_its_locale(tmp_path: Path) -> None:
    (dialog,) = load_dialogs(_write(tmp_path, TWO.replace("[en-US, en-GB]", "[en-IN]")))
    assert dialog.name == "launch everywhere [en-IN]" and dialog.locale == "en-IN"


@pytest.mark.parametrize(
    ("locales", "message"),
    [
        ("[]", "'locales' must be a non-empty list"),
        ("en-GB", "'locales' must be a non-empty list"),
        ("[en-GB, en-GB]", "'locales' names a locale twice"),
        ("[en-GB, fr-FR]", "no interaction model for 'fr-FR'"),
    ],
)
def test_bad_locales_are_load_errors_at_their_line(
    locales: str, message: str, tmp_path: Path
) -> None:
    with pytest.raises(DialogError) as raised:
        load_dialogs(_write(tmp_path, TWO.replace("[en-US, en-GB]", locales)))
    assert str(raised.value).startswith(f"{tmp_path / 'd.yaml'}:3: top level: ")
    assert message in str(raised.value)


def test_turns_of_a_multi_locale_file_are_validated(tmp_path: Path) -> None:
    text = TWO + "  - intent: ChooseAreaIntent\n    slots: {region: neck}\n"
    with pytest.raises(
        DialogError, match=r"d.yaml:10: turn 3: ChooseAreaIntent has no slot 'region'"
    ):
        load_dialogs(_write(tmp_path, text))


def test_the_pytest_plugin_runs_each_locale_on_each_channel(pytester: pytest.Pytester) -> None:
    folder = pytester.path / "dialogs"
    folder.mkdir()
    (folder / "two.yaml").write_text(TWO, encoding="utf-8")
    result = pytester.runpytest("-p", "no:cacheprovider", "-v", str(folder))
    assert result.ret == 0
    out = result.stdout.str()
    for locale in ("en-US", "en-GB"):
        for channel in ("voice", "text"):
            assert f"launch everywhere ({locale})::turn 1: launch [{channel}]" in out
