"""`replay --coverage`: the intents, request handlers, engine phases and message keys a run
exercised, and those it never reached."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

import skill.handlers
import tutor.session
from shared import engine, messages
from skill.app import create_app
from skill.cli import main as skill_main
from skill.config import SkillConfig
from skill.dialogs.coverage import Coverage, engine_keys, handler_for, watching_engine
from skill.dialogs.model import load_dialog
from skill.dialogs.replay import run_on_channel
from skill.dialogs.requests import RequestFactory, Session

LIBRARY = Path(__file__).parent.parent / "dialogs"


def _section(out: str, title: str) -> dict[str, set[str]]:
    """The exercised and never-reached names of one section of the coverage report."""
    lines = out.split(title, 1)[1].splitlines()[1:]
    found: dict[str, set[str]] = {"exercised": set(), "never reached": set()}
    current = ""
    for line in lines:
        if line.startswith("  ") and not line.startswith("    "):
            break
        text = line.strip()
        for label in found:
            if text.startswith(f"{label}:"):
                current, text = label, text[len(label) + 1 :]
        if current:
            found[current].update(n.strip() for n in text.split(",") if n.strip())
    return found


@pytest.fixture
def warning_sign_coverage(capsys: pytest.CaptureFixture[str]) -> str:
    assert skill_main(["replay", "--coverage", str(LIBRARY / "warning_sign.yaml")]) == 0
    return capsys.readouterr().out


def test_coverage_lists_what_the_run_reached_and_what_it_never_did(
    warning_sign_coverage: str,
) -> None:
    out = warning_sign_coverage
    assert "Coverage of 1 dialog:" in out
    intents = _section(out, "intents (the interaction model):")
    assert intents["exercised"] == {"StartRoutineIntent", "AMAZON.YesIntent"}
    assert {"AMAZON.PauseIntent", "ChooseAreaIntent"} <= intents["never reached"]
    handlers = _section(out, "request handlers (skill/handlers.py):")
    assert handlers["exercised"] == {"EngineIntentHandler"}  # no launch: a one-shot start
    assert {"LaunchHandler", "CanFulfillIntentHandler"} <= handlers["never reached"]
    phases = _section(out, "engine phases (shared/engine/phase.py):")
    assert phases["exercised"] == {"new", "screen", "done"}
    assert "holding" in phases["never reached"]
    keys = _section(out, "message keys (shared/messages/engine.toml):")
    assert {"screen.intro", "screen.question", "screen.emergency"} <= keys["exercised"]
    assert "screen.reprompt" in keys["exercised"]  # looked up for the reprompt, not a step
    assert {"pause.ok", "cue.halfway"} <= keys["never reached"]
    assert keys["exercised"] | keys["never reached"] == set(engine_keys())
    assert "engine phases (shared/engine/phase.py): 3 of 17 reached" in out


def test_the_library_reaches_every_phase(capsys: pytest.CaptureFixture[str]) -> None:
    assert skill_main(["replay", "--coverage", str(LIBRARY)]) == 0
    out = capsys.readouterr().out
    assert _section(out, "engine phases (shared/engine/phase.py):")["never reached"] == {"(none)"}


def test_the_handler_is_the_one_the_skill_dispatches_to() -> None:
    factory, session = RequestFactory(), Session()
    launch = factory.launch(session)
    assert handler_for(launch) == "LaunchHandler"
    assert handler_for(factory.intent(session, "AMAZON.YesIntent", {})) == "EngineIntentHandler"
    unknown = factory.intent(session, "AMAZON.NavigateHomeIntent", {})
    unknown["request"]["intent"]["name"] = "AMAZON.SomethingNewIntent"
    assert handler_for(unknown) == "UnknownIntentHandler"
    player = factory.envelope(session, {"type": "AudioPlayer.PlaybackStarted"})
    assert handler_for(player) == "OtherRequestHandler"
    assert handler_for({"request": "not an envelope"}) is None


def test_watching_the_engine_puts_everything_back() -> None:
    coverage = Coverage()
    with watching_engine(coverage):
        assert skill.handlers.handle is not engine.handle
        run_on_channel(load_dialog(LIBRARY / "urgent_sign.yaml"), "text")
    assert skill.handlers.handle is engine.handle and tutor.session.handle is engine.handle
    assert messages.text("report.turn_ok") == "ok  "
    assert coverage.engine_seen and "screen.urgent" in coverage.keys
    before = set(coverage.keys)
    run_on_channel(load_dialog(LIBRARY / "pain.yaml"), "text")  # not watched any more
    assert coverage.keys == before


def test_the_text_channel_reaches_phases_and_keys_but_sends_no_requests(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = str(LIBRARY / "warning_sign.yaml")
    assert skill_main(["replay", "--coverage", "--channel", "text", path]) == 0
    out = capsys.readouterr().out
    assert "not observed: the text channel sends no Alexa requests" in out
    assert "screen" in _section(out, "engine phases (shared/engine/phase.py):")["exercised"]
    assert "screen.emergency" in _section(out, "message keys")["exercised"]


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    config = SkillConfig(verify=False, database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    server = make_server("127.0.0.1", 0, create_app(config), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/alexa"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def test_over_http_the_requests_and_answers_are_covered_but_not_the_keys(
    served: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(LIBRARY / "warning_sign.yaml")
    assert skill_main(["replay", "--coverage", "--url", served, path]) == 0
    out = capsys.readouterr().out
    intents = _section(out, "intents (the interaction model):")["exercised"]
    assert intents == {"StartRoutineIntent", "AMAZON.YesIntent"}
    assert _section(out, "engine phases (shared/engine/phase.py):")["exercised"] == {
        "new",
        "screen",
        "done",
    }
    assert "not observed: the engine's message keys are seen in-process only" in out
