"""`dialogs import`: ASK CLI and Bespoken test files converted, then replayed green in-process.

The fixtures follow the formats as the tools write them: the ASK files hold this skill's real
requests and answers (one user, one store, as a replay has), the Bespoken file is written by hand
with the expectations a Bespoken user would write, and some of what this format cannot express.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from skill.cli import main as skill_main
from skill.dialogs.importers.assertions import (
    Assertion,
    Unsupported,
    add_assertion,
    parse_line,
    text_pattern,
)
from skill.dialogs.importers.draft import Draft
from skill.dialogs.importers.writer import write_drafts
from skill.dialogs.model import load_dialog
from skill.dialogs.replay import run_in_process

FIXTURES = Path(__file__).parent / "fixtures"
SKILL_IO = FIXTURES / "ask_dialog_skill_io.json"
INVOKE = FIXTURES / "ask_invoke_skill.json"
REPLAY_FILE = FIXTURES / "ask_dialog_replay.json"
BESPOKEN = FIXTURES / "bespoken_tests.yml"


def _import(out: Path, *sources: Path) -> int:
    return skill_main(["dialogs", "import", *map(str, sources), "--out", str(out)])


def _replays_green(path: Path) -> None:
    result = run_in_process(load_dialog(path))
    assert result.ok, [(t.turn.label, t.failures, t.error) for t in result.turns if not t.ok]


def _document(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_an_ask_save_skill_io_file_becomes_a_readable_dialog_that_replays_green(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _import(tmp_path, SKILL_IO) == 1  # Alexa answered one utterance by itself
    out, err = capsys.readouterr()
    path = tmp_path / "ask_dialog_skill_io.yaml"
    assert f"wrote {path}" in out and "1 item(s) left out" in out
    assert (
        f"SKIPPED {SKILL_IO}: invocation 6 ('what time is it'): "
        "Alexa answered without calling the skill" in err
    )
    document = _document(path)
    assert document["today"] == "2026-03-02"  # the recording's day: answers depend on it
    turns = document["turns"]
    spoken = [t.get("say") or next(k for k in t if k != "expect") for t in turns]
    assert spoken == [
        "launch",
        "no",
        "no",
        "my neck",
        "help",  # typed "help me out here": written as words the model gives AMAZON.HelpIntent
        "stop",
        "launch",
        "request",  # an AudioPlayer event: only its recorded JSON can send it
        "session_end",  # a new session started while one was open
        "launch",
    ]
    assert turns[0]["expect"]["speech"].startswith("Welcome to Back Stretch Coach.")
    assert turns[5]["expect"] == {
        "speech": "Okay, stopping here. Goodbye, and take care of your back.",
        "session_ends": True,
    }
    kept = tmp_path / turns[7]["request"]
    assert json.loads(kept.read_text())["request"]["type"] == "AudioPlayer.PlaybackStopped"
    written = "".join(p.read_text() for p in tmp_path.rglob("*.*"))
    assert "AHJ3EXAMPLEREALLOOKINGUSERID" not in written  # the user's id is not copied
    _replays_green(path)


def test_invoke_skill_and_replay_files_convert_and_replay_green(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _import(tmp_path, INVOKE, REPLAY_FILE) == 0  # a note is not a failure
    err = capsys.readouterr().err
    assert "NOTE" in err and "input 4 ('sing me a song'): not in the interaction model" in err
    invoke = _document(tmp_path / "ask_invoke_skill.yaml")
    assert invoke["turns"][0]["say"] == "start my lower back stretches"
    assert "Welcome to Back Stretch Coach" in invoke["turns"][0]["expect"]["speech"]
    replay = _document(tmp_path / "ask_dialog_replay.yaml")
    assert replay["nlu"] == "fallback"  # the uncovered words go as AMAZON.FallbackIntent
    assert replay["turns"] == [
        {"launch": True},
        {"say": "no"},
        {"say": "no"},
        {"say": "sing me a song"},
        {"say": "lower back"},
        {"say": "stop"},
    ]
    assert skill_main(["replay", str(tmp_path)]) == 0


def test_a_bespoken_file_becomes_one_dialog_per_test_and_says_what_it_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _import(tmp_path, BESPOKEN) == 1
    err = capsys.readouterr().err
    first = _document(tmp_path / "bespoken_tests-launch-screening-then-the-lower-back.yaml")
    assert first["name"] == "Launch, screening, then the lower back"
    assert [next(iter(t)) for t in first["turns"]] == ["launch", *["say"] * 4, "intent"]
    expects = [t.get("expect") for t in first["turns"]]
    assert expects[0] == {"speech": "*Welcome to Back Stretch Coach*"}
    assert expects[1] == {
        "speech": "re:(?i)recent fall or injury",
        "reprompt": "Yes or no",
        "session_ends": False,
    }
    assert expects[3]["attributes"] == {"engine": {"phase": "tips"}}
    assert expects[3]["path"] == {"response.card": None}  # `response.card: undefined`
    assert expects[4]["card"] == {
        "title": "Knee to chest",
        "content": "*Lie on your back*",
        "type": "Simple",
    }
    second = _document(tmp_path / "bespoken_tests-one-shot-start-help-and-an-explicit-intent.yaml")
    assert second["turns"][0] == {
        "say": "start my neck stretches",  # "ask back stretch coach to ..." without the invocation
        "expect": {"speech": "*three quick safety questions*"},
    }
    assert second["turns"][2] == {"say": "no"}  # a bare `- no`, which YAML reads as false
    assert second["turns"][4]["intent"] == "ChooseAreaIntent"
    assert second["turns"][4]["slots"] == {"area": "elbow"}
    assert second["turns"][-1]["expect"]["speech"] == "Would you like a few tips before we begin?"
    assert not (tmp_path / "bespoken_tests-not-ready-yet.yaml").exists()  # test.skip
    where = f"{BESPOKEN}: test 'One-shot start, help, and an explicit intent'"
    for item, reason in [
        ("interaction 2 ('help')", "numeric comparisons cannot be expressed"),
        ("interaction 2 ('help')", "'does not contain' cannot be expressed"),
        ("interaction 5 ('this name means nothing')", "the request expression"),
        ("interaction 6 ('play some jazz')", "goto (a jump when it matches) is not converted"),
        ("interaction 7 ('AudioPlayer.PlaybackNearlyFinished')", "a dialog cannot send"),
        ("interaction 8 ('anything')", "has no intent NoSuchIntent"),
        ("interaction 9 ('no')", "the 1 interaction(s) after it are dropped"),
    ]:
        assert f"SKIPPED {where}, {item}: " in err and reason in err, (item, reason)
    assert "configuration: userId is not converted" in err
    assert "SKIPPED" in err and "'Not ready yet': marked test.skip" in err
    for path in tmp_path.glob("*.yaml"):
        _replays_green(path)


@pytest.mark.parametrize(
    ("operator", "value", "pattern"),
    [
        ("==", "Welcome*", "*Welcome*"),  # Bespoken searches: anything may come around it
        ("==", "*Great, *neck*", "*Great, *neck*"),
        ("==", "Say yes or no", "Say yes or no"),
        ("==", "Hi <break time='1s'/> there", "Hi there"),  # speech is checked as heard
        ("==", "What now? *", r"re:What\ now\?\ .*"),  # `?` would be a wildcard in `*` patterns
        ("=~", "/here's your fact.*/i", "re:(?i)here's your fact.*"),
        ("==", "/bare slashes/", "re:bare slashes"),
        ("=~", "Stretch [0-9] of 2", "re:Stretch [0-9] of 2"),
        ("==", ["one", "/two/"], ["one", "re:two"]),
        ("==", False, "no"),
    ],
)
def test_bespoken_values_become_the_same_patterns(
    operator: str, value: object, pattern: object
) -> None:
    assert text_pattern(operator, value) == pattern


def test_assertions_land_on_their_expectations_or_say_why_not() -> None:
    expect: dict = {}
    add_assertion(expect, Assertion("response.outputSpeech.text", "==", "Hello"))
    add_assertion(expect, Assertion("reprompt", "==", None))
    add_assertion(expect, Assertion("cardImageURL", "!=", None))
    add_assertion(expect, Assertion("response.directives[0].type", "==", "Dialog.Delegate"))
    add_assertion(expect, Assertion("response.shouldEndSession", "==", "true"))
    add_assertion(expect, Assertion("sessionAttributes.count", "==", 3))
    assert expect == {
        "speech": "Hello",
        "path": {
            "response.reprompt": None,
            "response.card.image.largeImageUrl != `null`": True,
            "response.directives[0].type": "Dialog.Delegate",
        },
        "session_ends": True,
        "attributes": {"count": 3},
    }
    for assertion, reason in [
        (Assertion("prompt", "==", "again"), "already checked by an earlier line"),
        (Assertion("prompt", "<=", "3"), "numeric comparisons"),
        (Assertion("response.shouldEndSession", "==", "maybe"), "true or false"),
        (Assertion("response..card", "==", "x"), "not a path this format can follow"),
        (Assertion("prompt", "=~", "/(unclosed/"), "does not compile"),
    ]:
        with pytest.raises(Unsupported, match=reason):
            add_assertion(dict(expect), assertion)
    assert parse_line("response.card.title == 'Space Facts'") == Assertion(
        "response.card.title", "==", "Space Facts"
    )
    assert parse_line("reprompt != undefined") == Assertion("reprompt", "!=", None)
    assert parse_line("just words") is None


def test_unreadable_and_foreign_files_are_errors_for_that_file_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    foreign = tmp_path / "package.json"
    foreign.write_text('{"name": "my-skill", "version": "1.0.0"}', encoding="utf-8")
    broken = tmp_path / "broken.json"
    broken.write_text('{"invocations": [', encoding="utf-8")
    german = tmp_path / "german.yml"
    german.write_text("---\nconfiguration:\n  locale: de-DE\n---\n- LaunchRequest: Hallo\n")
    out = tmp_path / "out"
    assert _import(out, foreign, broken, german, tmp_path / "missing.yml", INVOKE) == 2
    err = capsys.readouterr().err
    assert f"ERROR {foreign}: not an ASK CLI file" in err
    assert f"ERROR {broken}: not JSON" in err
    assert f"ERROR {tmp_path / 'missing.yml'}: cannot read it: No such file or directory" in err
    assert f"SKIPPED {german}: configuration: there is no de-DE interaction model" in err
    assert "Traceback" not in err
    assert [p.name for p in out.glob("*.yaml")] == ["ask_invoke_skill.yaml"]  # the rest converts


def test_two_dialogs_with_one_name_get_two_files_and_their_own_requests(tmp_path: Path) -> None:
    envelope = json.loads(INVOKE.read_text())["result"]["skillExecutionInfo"]["invocationRequest"]
    drafts = []
    for _ in range(2):
        draft = Draft(tmp_path / "x.json", "same", "same", "en-US")
        draft.turns.append({"request": draft.keep_request(envelope["body"])})
        drafts.append(draft)
    written = write_drafts(drafts, tmp_path / "out")
    assert [p.name for p in written.paths] == ["same.yaml", "same-2.yaml"]
    assert _document(written.paths[1])["turns"] == [{"request": "requests/same-2-turn-01.json"}]
    assert sorted(p.name for p in (tmp_path / "out" / "requests").iterdir()) == [
        "same-2-turn-01.json",
        "same-turn-01.json",
    ]
    assert not written.problems  # both load
