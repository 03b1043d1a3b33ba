"""One in-process skill for a whole run: dialogs share the app and the store, never their state."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from skill.dialogs.model import load_dialog, load_dialogs
from skill.dialogs.replay import run_in_process
from skill.dialogs.sandbox import InProcessSkill, WsgiTransport, shared_skill

LIBRARY = Path(__file__).parent.parent / "dialogs"

STARTS_AND_FINISHES = """
name: a new user, screened, who stops
turns:
  - launch: true
    expect: {speech: "Welcome to Back Stretch Coach.*three quick safety questions*"}
  - say: "no"
  - say: "no"
  - say: stop
    expect: {session_ends: true}
"""


class Recording:
    """A transport that keeps every request it passes on."""

    def __init__(self, inner: WsgiTransport) -> None:
        self.inner = inner
        self.requests: list[dict[str, Any]] = []

    def send(self, envelope: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self.requests.append(envelope)
        return self.inner.send(envelope)


def _library() -> list[Any]:
    return [d for path in sorted(LIBRARY.glob("*.yaml")) for d in load_dialogs(path)]


def test_the_library_replays_green_in_any_order_in_one_app() -> None:
    skill = InProcessSkill()
    try:
        dialogs = _library()
        for dialog in [*dialogs, *reversed(dialogs), *dialogs]:  # every one after every other
            result = skill.run(dialog)
            assert result.ok, (dialog.name, [t.failures or t.error for t in result.turns])
    finally:
        skill.close()


def test_each_dialog_is_a_user_of_its_own_and_the_profile_is_only_its_own(tmp_path: Path) -> None:
    skill = InProcessSkill()
    recording = Recording(skill.transport)
    skill.transport = recording  # type: ignore[assignment]
    path = tmp_path / "new.yaml"
    path.write_text(STARTS_AND_FINISHES, encoding="utf-8")
    returning = load_dialog(LIBRARY / "returning_user.yaml")
    try:
        users = []
        for dialog in (load_dialog(path), returning, load_dialog(path), returning):
            recording.requests.clear()
            assert skill.run(dialog).ok, dialog.name  # a new user is greeted as new every time
            ids = {r["session"]["user"]["userId"] for r in recording.requests}
            devices = {r["context"]["System"]["device"]["deviceId"] for r in recording.requests}
            assert len(ids) == 1 and len(devices) == 1
            users.append(ids.pop())
        assert len(set(users)) == 4
    finally:
        skill.close()


def test_a_run_builds_one_app() -> None:
    first = shared_skill()
    run_in_process(load_dialog(LIBRARY / "pain.yaml"))
    run_in_process(load_dialog(LIBRARY / "one_shot_start.yaml"))
    assert shared_skill() is first and shared_skill().app is first.app


def test_requests_take_the_whole_web_path() -> None:
    skill = InProcessSkill()
    try:
        status, answer = skill.transport.send({"padding": "x" * 200_000})
        assert status == 413 and "128 KiB" in answer["error"]  # Flask's body limit and handler
        status, answer = skill.transport.send({"version": "1.0"})
        assert status == 400 and "not an Alexa request envelope" in answer["error"]
        assert json.dumps(answer)  # JSON as a server would send it
    finally:
        skill.close()
