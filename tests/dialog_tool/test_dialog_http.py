"""Dialogs over HTTP against a served endpoint: each dialog a user of its own, `profile:` and
`today:` through the test hook of a server with verification off, and a clear failure without it."""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from served import ServedSkill, command
from werkzeug.serving import BaseWSGIServer, make_server

from shared import messages
from skill.app import create_app
from skill.cli import main as skill_main
from skill.config import SkillConfig
from skill.dialogs.model import Dialog, load_dialog
from skill.dialogs.replay import FlaskTransport
from skill.dialogs.requests import SKILL_ID, RequestFactory, Session
from skill.dialogs.runner import RUN_TOKEN, run_over_http

LIBRARY = Path(__file__).parent.parent / "dialogs"

FIRST_SESSION = """
name: a new user finishes a set and stops
turns:
  - launch: true
    expect: {speech: "three quick safety questions"}
  - say: "no"
  - say: "no"
  - say: neck
  - say: "no"
  - say: "no"
  - say: ready
  - say: it felt easy
  - say: stop
    expect: {speech: "Today you did neck flexion", session_ends: true}
"""
NEW_USER = """
name: a new user is screened
turns:
  - launch: true
    expect: {speech: "Welcome to Back Stretch Coach.*three quick safety questions*"}
  - say: what did i do last time
    expect: {speech: "I don't have any past sessions for you yet."}
"""
# Screened on 2026-01-13: within a month on 2026-01-15, not any more on 2026-03-01.
PROFILE_ON_DAY = """
name: the day decides whether a returning user is screened again
today: {today}
profile:
  screened_on: "2026-01-13"
  sessions:
    - {{day: "2026-01-13", area: neck, stretches: [neck_flexion], completed: true}}
turns:
  - launch: true
    expect: {{speech: "{speech}"}}
"""


def _dialog(tmp_path: Path, text: str, name: str = "d.yaml") -> Dialog:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_dialog(path)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSkill]:
    """`backstretch-skill serve --no-verify` with no database configured, as the README runs it."""
    with ServedSkill(tmp_path_factory.mktemp("serve") / "serve.log", "--no-verify") as server:
        yield server


Serve = Callable[[Flask], str]


@pytest.fixture
def serve() -> Iterator[Serve]:
    """Serve apps of a test's own making on free ports: serve(app) gives its /alexa URL."""
    servers: list[BaseWSGIServer] = []

    def start(app: Flask) -> str:
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}/alexa"

    yield start
    for server in servers:
        server.shutdown()


def test_serve_without_verification_says_the_hook_is_on(served: ServedSkill) -> None:
    assert messages.text("cli.seed_hook_on") in served.log


def test_each_dialog_is_a_user_of_its_own_so_one_never_sees_anothers_progress(
    served: ServedSkill, tmp_path: Path
) -> None:
    finished = run_over_http(_dialog(tmp_path, FIRST_SESSION, "first.yaml"), served.url)
    assert finished.ok, [t.failures or t.error for t in finished.turns]
    fresh = run_over_http(_dialog(tmp_path, NEW_USER, "new.yaml"), served.url)
    assert fresh.ok, [t.failures or t.error for t in fresh.turns]
    ids = []
    for result in (finished, fresh):
        request = result.turns[0].request or {}
        system = request["context"]["System"]
        ids.append((system["user"]["userId"], system["device"]["deviceId"]))
        assert RUN_TOKEN in request["session"]["sessionId"]
        assert request["session"]["user"]["userId"] == system["user"]["userId"]
    assert len({user for user, _ in ids}) == 2 and len({device for _, device in ids}) == 2
    sessions = {
        (t.request or {})["session"]["sessionId"] for r in (finished, fresh) for t in r.turns
    }
    assert len(sessions) == 2


@pytest.mark.parametrize(
    ("today", "speech"),
    [
        ("2026-01-15", "Welcome back*Would you like your usual neck and shoulders routine?"),
        ("2026-03-01", "*three quick safety questions*"),
    ],
)
def test_profile_and_today_reach_a_served_endpoint(
    served: ServedSkill, tmp_path: Path, today: str, speech: str
) -> None:
    dialog = _dialog(tmp_path, PROFILE_ON_DAY.format(today=today, speech=speech))
    result = run_over_http(dialog, served.url)
    assert result.ok, [t.failures or t.error for t in result.turns]


def test_a_profile_fails_saying_why_on_a_server_without_the_hook(
    serve: Serve, capsys: pytest.CaptureFixture[str]
) -> None:
    url = serve(create_app(SkillConfig(skill_ids=frozenset({SKILL_ID}))))  # verifies requests
    dialog = load_dialog(LIBRARY / "returning_user.yaml")
    result = run_over_http(dialog, url)
    assert not result.ok and len(result.turns) == 1 and result.turns[0].request is None
    error = result.turns[0].error or ""
    assert "starting profile (profile:) could not be set, so no turn was sent" in error
    assert "_dialog/seed is not there" in error and "serve --no-verify" in error
    assert skill_main(["replay", "--url", url, str(LIBRARY / "returning_user.yaml")]) == 1
    assert "_dialog/seed is not there" in capsys.readouterr().out


def test_a_profile_fails_saying_why_on_a_server_that_keeps_no_profiles(serve: Serve) -> None:
    url = serve(create_app(SkillConfig(verify=False)))  # no database
    result = run_over_http(load_dialog(LIBRARY / "returning_user.yaml"), url)
    assert not result.ok
    assert "HTTP 409" in (result.turns[0].error or "")
    assert "keeps no profiles" in (result.turns[0].error or "")


def test_the_seed_hook_exists_only_while_verification_is_off(tmp_path: Path) -> None:
    verifying = create_app(SkillConfig(skill_ids=frozenset({SKILL_ID}))).test_client()
    assert verifying.post("/_dialog/seed", json={}).status_code == 404
    app = create_app(SkillConfig(verify=False, database_url=str(tmp_path / "p.sqlite3")))
    client = app.test_client()
    bad = client.post("/_dialog/seed", json={"userId": "u", "profile": {"sessions": [{}]}})
    assert bad.status_code == 400 and "today must be a date" in bad.get_json()["error"]
    bad = client.post("/_dialog/seed", json={"userId": "u", "profile": [], "today": "2026-01-15"})
    assert bad.status_code == 400 and "a profile must be a mapping" in bad.get_json()["error"]
    profile = {
        "screened_on": "2026-01-14",
        "sessions": [{"day": "2026-01-14", "area": "lower_back", "stretches": ["knee_to_chest"]}],
    }
    user = "amzn1.ask.account.SEEDED"
    seeded = client.post(
        "/_dialog/seed", json={"userId": user, "profile": profile, "today": "2026-01-15"}
    )
    assert seeded.status_code == 200 and seeded.get_json() == {"seeded": True}
    factory = RequestFactory(user_id=user, clock=lambda: datetime(2026, 1, 15, 9, tzinfo=UTC))
    status, answer = FlaskTransport(app).send(factory.launch(Session()))
    speech = answer["response"]["outputSpeech"]["ssml"]
    assert status == 200 and "Would you like your usual lower back routine?" in speech


@pytest.mark.slow
def test_the_library_replays_green_twice_in_a_row_against_a_fresh_server(tmp_path: Path) -> None:
    """The issue's check: a fresh `serve --no-verify`, then `replay --url tests/dialogs` twice."""
    with ServedSkill(tmp_path / "serve.log", "--no-verify") as server:
        for run in (1, 2):
            replay = subprocess.run(
                [*command(), "replay", "--url", server.url, str(LIBRARY)],
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert replay.returncode == 0, f"run {run}:\n{replay.stdout}\n{replay.stderr}"
            verdicts = [line for line in replay.stdout.splitlines() if line.startswith("PASS ")]
            assert len(verdicts) >= len(list(LIBRARY.glob("*.yaml"))), replay.stdout
            assert "FAIL" not in replay.stdout and "ERROR" not in replay.stderr
