"""End to end: the installed `backstretch-tutor` in a real terminal (tmux), keys and all.

Each test runs its own tmux server (a private socket), so parallel runs and a user's own tmux
sessions never collide with it.
"""

from __future__ import annotations

import asyncio
import itertools
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from tutor_fakes import RecordingUI

from shared import messages
from shared.storage import SafeStore
from tutor.clock import FakeClock
from tutor.driver import run_conversation
from tutor.session import TutorSession
from tutor.store import local_user_key
from tutor.wrap import split_items

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

    def start(self, command: str, columns: int = 110) -> None:
        size = ["-x", str(columns), "-y", "40"]
        self.tmux(
            "new-session", "-d", "-s", "tutor", *size, "env", "NO_COLOR=", "sh", "-c", command
        )

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "tutor", *keys)

    def screen(self) -> str:
        """The window's lines as shown (not joined where they wrapped), with the scrollback."""
        return self.tmux("capture-pane", "-t", "tutor", "-p", "-S", "-500")

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        """The screen once `text` is on it (on one line, or across lines wrapped between words)."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen or _normal(text) in _joined(screen):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")

    def resize(self, columns: int) -> None:
        self.tmux("resize-window", "-t", "tutor", "-x", str(columns))

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], check=False, capture_output=True)


def _normal(text: str) -> str:
    return " ".join(text.split())


def _joined(screen: str) -> str:
    """The screen's lines joined with spaces: a sentence wrapped between words reads whole."""
    return _normal(" ".join(screen.split("\n")))


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
    terminal.wait_for(messages.text("intro.ready"))
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
    # the summary: rep 1 was held to the end, rep 2 cut short by q, no stretch finished
    summary = screen[screen.index(messages.text("tutor.summary.title")) :]
    assert messages.text("tutor.summary.stretches", count=0) in summary
    assert messages.text("tutor.summary.reps", count=1) in summary
    assert messages.text("tutor.summary.time", time="") in summary
    assert "Traceback" not in screen
    assert (tmp_path / "stderr.txt").read_text() == ""


def test_the_hold_view_re_wraps_when_the_terminal_is_resized(
    terminal: Terminal, tmp_path: Path
) -> None:
    _start_routine(terminal, tmp_path / "progress.sqlite3", tmp_path / "stderr.txt")
    keys = split_items(messages.text("tutor.keys"))
    assert any(line.strip() == "   ".join(keys) for line in terminal.screen().split("\n"))
    terminal.resize(40)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # the next redraw (or the resize itself) re-wraps
        lines = [line.strip() for line in terminal.screen().split("\n")]
        if "? help" in lines or any(line.endswith("   ? help") for line in lines[-12:]):
            break
        time.sleep(0.1)
    bottom = [line.strip() for line in terminal.screen().split("\n")][-12:]
    key_lines = [line for line in bottom if any(line.startswith(k) for k in keys)]
    assert len(key_lines) > 1, bottom  # the key line no longer fits in one
    assert [item for line in key_lines for item in split_items(line)] == keys, bottom
    assert all(len(line) <= 40 for line in bottom)
    terminal.keys("q")
    terminal.wait_for("TUTOR-EXIT-0")


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


# From the welcome to the first stretch's introduction, with the area asked, the neck's own
# safety question, and both halves of the tips: the longest sentences the tutor prints.
OPENING = ["no", "no", "neck and shoulders", "no", "yes", "yes"]


def _opening_texts(tmp_path: Path) -> list[str]:
    """Everything the tutor prints for OPENING, from the same engine run headless."""
    store = SafeStore.open(str(tmp_path / "headless.sqlite3"))
    session = TutorSession(store, date.today())
    ui = RecordingUI(list(OPENING), FakeClock(day=date.today()))
    asyncio.run(run_conversation(session, ui))  # input ends at the first stretch's introduction
    store.close()
    assert ui.questions[-1].key == "intro.ready"
    return [*ui.shown, *(question.text for question in ui.questions)]


def _broken_words(lines: list[str], words: set[str]) -> list[str]:
    """Places where a line ends inside a known word: its end and the next line's start make one
    word of the sentences shown, and are not both words of them on their own."""
    broken = []
    for line, following in itertools.pairwise(lines):
        if not line.split() or not following.split():
            continue
        end, start = line.split()[-1], following.split()[0]
        if end + start in words and not (end in words and start in words):
            broken.append(f"{end} / {start}")
    return broken


@pytest.mark.parametrize("plain", [False, True], ids=["full-screen", "plain"])
@pytest.mark.parametrize("columns", [60, 100])
def test_no_word_is_broken_across_lines(
    terminal: Terminal, tmp_path: Path, columns: int, plain: bool
) -> None:
    texts = _opening_texts(tmp_path)
    mode = " --plain" if plain else ""
    db = tmp_path / "progress.sqlite3"
    terminal.start(f"{TUTOR}{mode} --db {db}; echo TUTOR-EXIT-$?; sleep 30", columns=columns)
    questions = [
        messages.text("screen.question"),
        messages.text("screen.urgent_question"),
        messages.text("area.question"),
        messages.text("screen.neck_question"),
        messages.text("tips.question"),
        messages.text("tips.more_question"),
    ]
    for question, answer in zip(questions, OPENING, strict=True):
        terminal.wait_for(question)
        terminal.keys(answer, "Enter")
    screen = terminal.wait_for(messages.text("intro.ready"))
    lines = screen.split("\n")
    assert all(len(line) <= columns for line in lines)
    joined = _joined(screen)
    missing = [text for text in texts if _normal(text) not in joined]
    assert missing == [], f"not shown whole at {columns} columns:\n{screen}"
    words = {word for text in texts for word in text.split()}
    assert _broken_words(lines, words) == [], screen
    assert max(len(line) for line in lines) > columns - 15  # the width is used, not 80
    terminal.keys("stop", "Enter")
    terminal.wait_for("TUTOR-EXIT-0")


@pytest.mark.parametrize("env", ["", "TERM=dumb "], ids=["plain", "term-dumb"])
def test_the_first_ctrl_c_at_a_plain_prompt_ends_cleanly(
    terminal: Terminal, tmp_path: Path, env: str
) -> None:
    """asyncio's own Ctrl-C handler would only cancel a task that input() blocks: not here. A
    TERM=dumb terminal gets plain lines (no full-screen escape codes) without asking."""
    mode = "" if env else " --plain"
    stderr = tmp_path / "stderr.txt"
    command = f"{env}{TUTOR}{mode} --db {tmp_path / 'p.sqlite3'} 2>{stderr}; echo TUTOR-EXIT-$?"
    terminal.start(f"trap true INT; {command}; sleep 30")  # the shell outlives Ctrl-C
    terminal.wait_for("both legs?")
    screen = terminal.screen()
    assert "\x1b[" not in screen and "Type your answer (Tab completes)" not in screen
    terminal.keys("C-c")  # once
    after = terminal.wait_for("TUTOR-EXIT-130")
    assert "Stopped. What you did today is saved." in after
    assert "Traceback" not in stderr.read_text() and "Exception ignored" not in stderr.read_text()
