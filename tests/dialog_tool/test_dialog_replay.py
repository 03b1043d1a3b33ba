"""Replay, update, record and the pytest plugin, end to end against the real skill."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from skill.app import create_app
from skill.cli import main as skill_main
from skill.config import SkillConfig
from skill.dialogs.model import DialogError, load_dialog
from skill.dialogs.recorder import Scrubber
from skill.dialogs.replay import FlaskTransport, run_on_channel
from skill.dialogs.requests import RequestFactory, Session
from skill.dialogs.runner import run_dialog

LIBRARY = Path(__file__).parent.parent / "dialogs"

FAILING = """
name: wrong on purpose
turns:
  - launch: true
    expect:
      speech: Hello there
      reprompt: Yes or no?
      session_ends: true
  - say: "no"
    expect:
      speech: Have you had a recent fall or injury
"""


def _write(tmp_path: Path, text: str, name: str = "d.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_replay_passes_the_library_and_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert skill_main(["replay", str(LIBRARY / "neck_start_to_finish.yaml")]) == 0
    assert capsys.readouterr().out.startswith("PASS neck and shoulders, start to finish")


def test_replay_reports_every_failed_expectation_per_turn(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, FAILING)
    assert skill_main(["replay", str(path)]) == 1
    out = capsys.readouterr().out
    assert "FAIL wrong on purpose" in out and "1 failed" in out
    assert "FAIL turn 1: launch" in out
    assert "speech:" in out and "expected (somewhere in): Hello there" in out
    assert "session_ends:" in out
    assert "reprompt" not in out.split("FAIL turn 1")[1]  # the reprompt expectation held


def test_an_utterance_the_model_does_not_cover_fails_loudly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, "name: x\nturns:\n  - say: please juggle three oranges\n")
    assert skill_main(["replay", str(path)]) == 1
    assert "does not cover 'please juggle three oranges'" in capsys.readouterr().out


def test_a_malformed_file_exits_two(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "turns: []\n")
    assert skill_main(["replay", str(path)]) == 2
    assert "'turns' must be a non-empty list" in capsys.readouterr().err


def test_update_rewrites_expectations_from_current_answers(tmp_path: Path) -> None:
    path = _write(tmp_path, FAILING)
    assert skill_main(["replay", "--update", str(path)]) == 0
    rewritten = yaml.safe_load(path.read_text(encoding="utf-8"))
    first = rewritten["turns"][0]["expect"]
    assert (
        first["speech"].startswith("Welcome to Back Stretch Coach.")
        and first["session_ends"] is False
    )
    assert rewritten["turns"][1]["say"] == "no"
    assert skill_main(["replay", str(path)]) == 0


def test_text_channel_runs_the_same_dialogs() -> None:
    for path in sorted(LIBRARY.glob("*.yaml")):
        result = run_on_channel(load_dialog(path), "text")
        assert result.ok, path


def test_request_factory_resolves_slots_and_carries_the_session() -> None:
    factory = RequestFactory()
    session = Session()
    request = factory.utterance(session, "start my shoulders stretches")
    slot = request["request"]["intent"]["slots"]["area"]
    assert slot["value"] == "shoulders"
    resolution = slot["resolutions"]["resolutionsPerAuthority"][0]
    assert resolution["status"]["code"] == "ER_SUCCESS_MATCH"
    assert resolution["values"][0]["value"] == {"name": "neck", "id": "neck"}
    unknown = factory.intent(session, "ChooseAreaIntent", {"area": "elbow"})
    status = unknown["request"]["intent"]["slots"]["area"]["resolutions"][
        "resolutionsPerAuthority"
    ][0]["status"]
    assert status == {"code": "ER_SUCCESS_NO_MATCH"}
    assert request["session"]["new"] is True and request["context"]["System"]["apiAccessToken"]
    session.after({"sessionAttributes": {"engine": {"phase": "area"}}}, ended=False)
    follow = factory.launch(session)
    assert follow["session"]["new"] is False and follow["session"]["attributes"] == {
        "engine": {"phase": "area"}
    }
    session.after(None, ended=True)
    assert factory.launch(session)["session"]["attributes"] == {}
    with pytest.raises(DialogError, match="does not cover"):
        factory.utterance(session, "sing me a song")


def test_scrubber_replaces_identifiers_with_stable_placeholders() -> None:
    scrubber = Scrubber()
    data = {
        "session": {"sessionId": "s-1", "user": {"userId": "real-user"}},
        "context": {
            "System": {
                "user": {"userId": "real-user"},
                "apiAccessToken": "secret",
                "device": {"deviceId": "dev"},
            }
        },
        "note": "the user real-user said hi",
    }
    clean = scrubber.scrub(data)
    text = json.dumps(clean)
    for secret in ("real-user", "secret", 'dev"', "s-1"):
        assert secret not in text
    assert clean["session"]["user"]["userId"] == clean["context"]["System"]["user"]["userId"]
    assert clean["session"]["user"]["userId"] == "amzn1.ask.account.RECORDED-USER-1"
    assert clean["note"] == "the user amzn1.ask.account.RECORDED-USER-1 said hi"


def test_recording_a_session_writes_a_replayable_dialog(tmp_path: Path) -> None:
    record_dir = tmp_path / "recorded"
    app = create_app(SkillConfig(verify=False, record_dir=record_dir))
    factory = RequestFactory(user_id="amzn1.ask.account.REAL-PERSON")
    session = Session()
    transport = FlaskTransport(app)
    for make in (lambda: factory.launch(session), lambda: factory.utterance(session, "yes")):
        status, answer = transport.send(make())
        assert status == 200
        session.after(answer, bool(answer["response"].get("shouldEndSession")))
    (folder,) = record_dir.iterdir()
    dialog_path = folder / "dialog.yaml"
    assert "REAL-PERSON" not in "".join(p.read_text() for p in folder.rglob("*.*"))
    dialog = load_dialog(dialog_path)
    assert [t.label for t in dialog.turns] == ["launch", "say: yes"]
    assert 'say: "yes"  # request: requests/turn-02.json' in dialog_path.read_text()
    assert (folder / "requests" / "turn-02.json").is_file()
    assert dialog.turns[1].expect["session_ends"] is True
    replayed = run_dialog(dialog, FlaskTransport(create_app(SkillConfig(verify=False))))
    assert replayed.ok, [t.failures for t in replayed.turns]


# The pytest plugin (items per turn, --dialog-url, skips): test_dialog_pytest_plugin.py


def test_replay_against_a_running_endpoint(capsys: pytest.CaptureFixture[str]) -> None:
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, create_app(SkillConfig(verify=False)), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/alexa"
        dialog = str(LIBRARY / "pain.yaml")
        assert skill_main(["replay", "--url", url, dialog]) == 0
        assert skill_main(["replay", "--url", "http://127.0.0.1:9/alexa", dialog]) == 2
    finally:
        server.shutdown()
        thread.join(timeout=5)
    out = capsys.readouterr()
    assert out.out.startswith("PASS pain stops a stretch") and "cannot reach" in out.err


def test_a_recorded_request_is_replayed_as_the_dialog_user_on_the_recorded_device() -> None:
    raw = {
        "request": {
            "type": "LaunchRequest",
            "requestId": "old",
            "timestamp": "2020-01-01T00:00:00Z",
        },
        "context": {
            "System": {
                "user": {"userId": "amzn1.ask.account.RECORDED-USER-1"},
                "application": {"applicationId": "amzn1.ask.skill.recorded"},
                "device": {
                    "deviceId": "amzn1.ask.device.RECORDED-DEVICE-1",
                    "supportedInterfaces": {"Display": {}},
                },
            },
            "Viewport": {"pixelWidth": 1024},
        },
    }
    factory = RequestFactory(user_id="amzn1.ask.account.DIALOG-USER")
    replayed = factory.recorded(Session(), raw)
    system = replayed["context"]["System"]
    assert system["user"]["userId"] == "amzn1.ask.account.DIALOG-USER"
    assert system["application"]["applicationId"] == factory.skill_id
    assert system["device"]["supportedInterfaces"] == {"Display": {}}
    assert replayed["context"]["Viewport"] == {"pixelWidth": 1024}
    assert (
        replayed["request"]["requestId"] != "old"
        and replayed["request"]["timestamp"] != "2020-01-01T00:00:00Z"
    )
