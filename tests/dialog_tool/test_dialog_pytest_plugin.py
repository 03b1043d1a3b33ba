"""The pytest plugin: one item (and JUnit testcase) per turn and channel, `--dialog-url`, and a
text item that cannot test a recorded request skipped with the reason."""

from __future__ import annotations

import json
import shutil
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from skill.app import create_app
from skill.config import SkillConfig
from skill.dialogs.model import load_dialog
from skill.dialogs.replay import run_on_channel
from skill.dialogs.requests import RequestFactory, Session

LIBRARY = Path(__file__).parent.parent / "dialogs"

FAILING = """\
name: wrong on purpose
turns:
  - launch: true
    expect:
      speech: Hello there
      session_ends: true
  - say: "no"
    expect:
      speech: Have you had a recent fall or injury
"""

RECORDED = """\
name: a recorded launch
turns:
  - request: requests/launch.json
    expect:
      speech: three quick safety questions
  - say: "no"
    expect:
      speech: Have you had a recent fall or injury
"""


@pytest.fixture(autouse=True, scope="module")
def _in_process_skill_outlives_the_inner_runs() -> None:
    """pytester forgets the modules an inner run imported, and the in-process skill they hold
    would be collected in the middle of the next run (a ResourceWarning, an error under
    filterwarnings = error): it is built out here first."""
    run_on_channel(load_dialog(LIBRARY / "warning_sign.yaml"), "voice")


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest("-p", "no:cacheprovider", "-rs", *args)


def _dialogs(pytester: pytest.Pytester) -> Path:
    folder = pytester.path / "dialogs"
    folder.mkdir(exist_ok=True)
    return folder


def test_each_turn_is_a_junit_testcase_and_a_failure_names_the_turn(
    pytester: pytest.Pytester,
) -> None:
    folder = _dialogs(pytester)
    shutil.copy(LIBRARY / "one_shot_start.yaml", folder / "good.yaml")
    (folder / "bad.yaml").write_text(FAILING, encoding="utf-8")
    result = _run(pytester, "--junitxml=report.xml", str(folder))
    result.assert_outcomes(passed=2 * 4 + 2 * 1, failed=2)  # each turn, voice and text
    result.stdout.fnmatch_lines(
        [
            "*FAIL wrong on purpose [[]voice]: turn 1 of 2",
            "*FAIL turn 1: launch*bad.yaml:3)",
            "*bad.yaml:5: speech:*",
            "*expected (somewhere in): Hello there*",
        ]
    )
    root = ET.parse(pytester.path / "report.xml").getroot()
    cases = {(c.get("classname"), c.get("name")): c for c in root.iter("testcase")}
    assert len(cases) == 12
    assert ("dialogs.bad.yaml.wrong on purpose", "turn 2: say: no [voice]") in cases
    assert (
        "dialogs.good.yaml.one-shot start of the neck routine",
        "turn 4: say: no [text]",
    ) in cases
    failed = {name for (_, name), case in cases.items() if case.find("failure") is not None}
    assert failed == {"turn 1: launch [voice]", "turn 1: launch [text]"}


def test_a_text_item_of_a_recorded_request_is_skipped_with_the_reason(
    pytester: pytest.Pytester,
) -> None:
    folder = _dialogs(pytester)
    (folder / "requests").mkdir()
    launch = RequestFactory().launch(Session())
    (folder / "requests" / "launch.json").write_text(json.dumps(launch), encoding="utf-8")
    (folder / "recorded.yaml").write_text(RECORDED, encoding="utf-8")
    result = _run(pytester, str(folder))
    result.assert_outcomes(passed=2, skipped=2)  # voice: both turns; text: none passed unchecked
    result.stdout.fnmatch_lines(
        ["*SKIPPED*the text channel cannot replay turn 1 (request: launch.json)*"]
    )


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, list[str]]]:
    """A served skill, and the user ids of the requests it answered."""
    users: list[str] = []
    config = SkillConfig(
        verify=False,
        database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        on_exchange=[lambda request, _answer: users.append(request["session"]["user"]["userId"])],
    )
    server = make_server("127.0.0.1", 0, create_app(config), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/alexa", users
    finally:
        server.shutdown()
        thread.join(timeout=5)


def test_dialog_url_runs_the_voice_items_against_a_served_endpoint(
    pytester: pytest.Pytester, served: tuple[str, list[str]]
) -> None:
    url, users = served
    folder = _dialogs(pytester)
    shutil.copy(LIBRARY / "returning_user.yaml", folder / "returning.yaml")  # a starting profile
    result = _run(pytester, "--dialog-url", url, str(folder))
    result.assert_outcomes(passed=2 * 4)
    assert len(users) == 4  # the four voice turns went to the server
    assert not any(u == "amzn1.ask.account.DIALOG-USER" for u in users)  # a fresh user


def test_dialog_url_that_is_not_there_fails_the_voice_items_saying_why(
    pytester: pytest.Pytester,
) -> None:
    folder = _dialogs(pytester)
    shutil.copy(LIBRARY / "one_shot_start.yaml", folder / "good.yaml")
    result = _run(pytester, "--dialog-url", "http://127.0.0.1:9/alexa", str(folder))
    result.assert_outcomes(passed=4, failed=4)  # the text items still run in-process
    result.stdout.fnmatch_lines(["*cannot reach http://127.0.0.1:9/alexa*"])
