"""End to end: the installed `backstretch-tutor` in a real terminal (tmux), keys and all.

Each test runs its own tmux server (a private socket), so parallel runs and a user's own tmux
sessions never collide with it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.storage import SafeStore
from tutor.store import local_user_key

TUTOR = Path(sys.executable).parent / "backstretch-tutor"
pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(
        shutil.which("tmux") is None, reason="tmux is not installed (apt-get install tmux)"
    ),
]


class Terminal:
    """One tmux window running a shell command, on a private tmux server."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, f"tmux {args[0]} failed: {done.stderr.strip()}"
        return done.stdout

    def start(self, command: str) -> None:
        size = ["-x", "110", "-y", "40"]
        self.tmux(
            "new-session", "-d", "-s", "tutor", *size, "env", "NO_COLOR=", "sh", "-c", command
        )

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "tutor", *keys)

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.tmux("capture-pane", "-t", "tutor", "-p", "-S", "-200")
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], check=False, capture_output=True)


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    assert TUTOR.exists(), f"the tutor is not installed at {TUTOR}"
    term = Terminal(f"backstretch-test-{uuid.uuid4().hex[:12]}")
    yield term
    term.close()


def _start_routine(terminal: Terminal, db: Path, stderr: Path) -> None:
    """Run the tutor for the neck at 20x speed, answer the opening questions, see rep 1."""
    command = f"{TUTOR} --speed 20 --db {db} --area neck 2>{stderr}; echo TUTOR-EXIT-$?; sleep 30"
    terminal.start(command)
    terminal.wait_for("Any new bladder or bowel trouble")  # emergency signs
    terminal.keys("no", "Enter")
    terminal.wait_for("Have you had a recent fall or injury")  # urgent signs
    terminal.keys("no", "Enter")
    terminal.wait_for("Before the neck stretches: any clumsy hands")  # neck signs
    terminal.keys("no", "Enter")
    terminal.wait_for("Would you like a few tips")
    terminal.keys("no", "Enter")
    terminal.wait_for("say ready when you are")
    terminal.keys("ready", "Enter")
    screen = terminal.wait_for("Rep 1 of 5")
    assert "space pause/resume" in screen


def _saved_sessions(db: Path, timeout: float = 20.0) -> int:
    """How many sessions the store holds, waiting a while for one to appear."""
    deadline = time.monotonic() + timeout
    count = 0
    while time.monotonic() < deadline:
        store = SafeStore.open(str(db))
        profile = store.load(local_user_key("local"))
        store.close()
        count = len(profile.sessions) if profile else 0
        if count:
            return count
        time.sleep(0.2)
    return count


def test_installed_tutor_in_tmux(terminal: Terminal, tmp_path: Path) -> None:
    _start_routine(terminal, tmp_path / "progress.sqlite3", tmp_path / "stderr.txt")
    terminal.wait_for("Rep 2 of 5")
    terminal.keys("q")
    screen = terminal.wait_for("TUTOR-EXIT-0")
    assert "Goodbye, and take care of your back." in screen
    assert "Traceback" not in screen
    assert (tmp_path / "stderr.txt").read_text() == ""


def test_a_closed_terminal_mid_hold_saves_what_was_done(terminal: Terminal, tmp_path: Path) -> None:
    db, stderr = tmp_path / "progress.sqlite3", tmp_path / "stderr.txt"
    _start_routine(terminal, db, stderr)
    terminal.wait_for("How did that feel?")  # neck flexion done
    terminal.keys("fine", "Enter")
    terminal.wait_for("Stretch 2 of 2")
    terminal.keys("ready", "Enter")
    terminal.wait_for("Rep 1 of 5 - right side")  # lateral flexion under way
    terminal.close()  # the terminal goes away: the tutor gets SIGHUP
    assert _saved_sessions(db) == 1
    assert stderr.read_text() == ""
