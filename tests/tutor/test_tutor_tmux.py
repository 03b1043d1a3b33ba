"""End to end: the installed `backstretch-tutor` in a real terminal (tmux), keys and all."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

TUTOR = Path(sys.executable).parent / "backstretch-tutor"
pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(
        shutil.which("tmux") is None, reason="tmux is not installed (apt-get install tmux)"
    ),
]


def _tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True).stdout


def _wait_for(session: str, text: str, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = _tmux("capture-pane", "-t", session, "-p", "-S", "-200")
        if text in screen:
            return screen
        time.sleep(0.1)
    raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")


def test_installed_tutor_in_tmux(tmp_path: Path) -> None:
    assert TUTOR.exists(), f"the tutor is not installed at {TUTOR}"
    session = f"backstretch-{tmp_path.name}"
    db = tmp_path / "progress.sqlite3"
    command = f"{TUTOR} --speed 20 --db {db} --area neck; echo TUTOR-EXIT-$?; sleep 30"
    _tmux(
        "new-session",
        "-d",
        "-s",
        session,
        "-x",
        "110",
        "-y",
        "40",
        "env",
        "NO_COLOR=",
        "sh",
        "-c",
        command,
    )
    try:
        _wait_for(session, "Please say yes or no.")
        _tmux("send-keys", "-t", session, "no", "Enter")
        _wait_for(session, "Would you like a few tips")
        _tmux("send-keys", "-t", session, "no", "Enter")
        _wait_for(session, "say ready when you are")
        _tmux("send-keys", "-t", session, "ready", "Enter")
        screen = _wait_for(session, "Rep 1 of 5")
        assert "space pause/resume" in screen
        _wait_for(session, "Rep 2 of 5")
        _tmux("send-keys", "-t", session, "q")
        screen = _wait_for(session, "TUTOR-EXIT-0")
        assert "Goodbye, and take care of your back." in screen
        assert "Traceback" not in screen
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], check=False, capture_output=True)
