"""A progress file the tutor cannot use is named, with the fix, never 'No sessions yet.'."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tutor.cli import main, make_ui, parser
from tutor.clock import FakeClock
from tutor.plain import PlainUI
from tutor.signals import blocking


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    path = tmp_path / "progress.sqlite3"
    path.write_bytes(b"this is not a database at all " * 40)
    return path


def test_history_of_a_file_it_cannot_read_says_so_and_exits_non_zero(
    broken: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["history", "--db", str(broken)], clock=FakeClock()) == 1
    out, err = capsys.readouterr()
    assert "No sessions yet" not in out
    assert f"Could not read your history from {broken}" in " ".join(err.split())
    assert "move it aside" in err and f"{broken}.broken" in err


def test_coaching_with_a_file_it_cannot_use_says_so_before_and_after(
    broken: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = iter(["no", "no"])

    def typed(_prompt: str = "") -> str:
        for answer in answers:
            return answer
        raise EOFError  # then the input ends, as Ctrl-D does

    monkeypatch.setattr("builtins.input", typed)
    main(["--plain", "--db", str(broken)], clock=FakeClock())
    out, err = capsys.readouterr()
    flat = " ".join(err.split())
    assert flat.count(f"Your progress file {broken} can't be used") >= 1
    assert "this session won't be saved" in flat and "move it aside" in flat
    assert "Welcome to Back Stretch Coach" in out


def test_a_terminal_that_says_it_is_dumb_gets_plain_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tutor.cli._interactive", lambda: True)
    monkeypatch.setenv("TERM", "dumb")
    assert isinstance(make_ui(parser().parse_args([]), FakeClock()), PlainUI)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert not isinstance(make_ui(parser().parse_args([]), FakeClock()), PlainUI)


def test_ctrl_c_raises_at_once_inside_a_blocking_read() -> None:
    before = signal.getsignal(signal.SIGINT)
    with blocking():
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert signal.getsignal(signal.SIGINT) is before


def test_a_closed_terminal_leaves_nothing_to_flush_at_exit(tmp_path: Path) -> None:
    """After the terminal is gone, standard output and error point at /dev/null."""
    seen = tmp_path / "fds.txt"
    code = (
        "import os\n"
        "from tutor.cli import silence_closed_terminal\n"
        "silence_closed_terminal()\n"
        f"open({str(seen)!r}, 'w').write(os.readlink('/proc/self/fd/1') + ' ' + "
        "os.readlink('/proc/self/fd/2'))\n"
        "print('this goes nowhere')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stdout == "" and done.stderr == ""
    assert seen.read_text() == f"{os.devnull} {os.devnull}"
