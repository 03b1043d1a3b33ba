"""The reminder dialogs (tests/skill/reminder_dialogs/): set up, listed and cancelled with the
permission granted, and refused, replayed in-process by the dialog tool with their recorded
requests pointing at a fake Alexa API on loopback (it checks token, trigger, rule and zone)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fake_alexa_api import fake_alexa_api

from skill.dialogs.model import load_dialog
from skill.dialogs.replay import run_in_process

DIALOGS = Path(__file__).parent / "reminder_dialogs"


def _pointed_at(api_url: str, into: Path) -> Path:
    """The dialogs and their requests, with {api} as the fake API's address."""
    copy = into / "reminder_dialogs"
    shutil.copytree(DIALOGS, copy)
    for request in (copy / "requests").glob("*.json"):
        request.write_text(request.read_text().replace("{api}", api_url))
    return copy


@pytest.mark.parametrize("name", ["reminder_granted", "reminder_refused"])
def test_reminder_dialog(name: str, tmp_path: Path) -> None:
    with fake_alexa_api() as api:
        folder = _pointed_at(api.url, tmp_path)
        result = run_in_process(load_dialog(folder / f"{name}.yaml"))
        assert result.ok, [t for t in result.turns if not t.ok]
        assert api.refused == []
        posts = [path for method, path in api.calls if method == "POST"]
        assert posts == (["/v1/alerts/reminders"] if name == "reminder_granted" else [])
        assert api.reminders == {}  # cancelled again, or never made
