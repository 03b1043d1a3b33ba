"""A really served endpoint for tests: `backstretch-skill serve` in a subprocess on a free port of
127.0.0.1, as a skill developer runs it, without the caller's database or recording settings: its
profiles go to a fresh SQLite file beside its log, not to the user's data directory."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

_SETTINGS = ("DATABASE_URL", "BACKSTRETCH_DB", "BACKSTRETCH_RECORD_DIR", "BACKSTRETCH_VERIFY")


def command() -> list[str]:
    """The installed console script beside this Python, as the README runs it."""
    script = Path(sys.executable).with_name("backstretch-skill")
    return [str(script)] if script.exists() else [sys.executable, "-m", "skill.cli"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ServedSkill:
    """`serve ARGS` until stopped; `url` is its POST /alexa, `log` what it printed."""

    def __init__(self, log_file: Path, *args: str) -> None:
        self.port = free_port()
        self.log_file = log_file
        env = {k: v for k, v in os.environ.items() if k not in _SETTINGS}
        env["DATABASE_URL"] = f"sqlite:///{log_file.with_suffix('.sqlite3')}"
        with log_file.open("w", encoding="utf-8") as out:
            self.process = subprocess.Popen(
                [*command(), "serve", "--port", str(self.port), *args],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
            )
        self._wait_until_up()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/alexa"

    @property
    def log(self) -> str:
        return self.log_file.read_text(encoding="utf-8")

    def _wait_until_up(self, seconds: float = 20.0) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"serve exited with {self.process.returncode}:\n{self.log}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1).close()
                return
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"serve did not answer within {seconds} s:\n{self.log}")

    def stop(self, how: signal.Signals = signal.SIGTERM) -> int:
        """Signal the server and wait for it to exit; its exit status."""
        if self.process.poll() is None:
            self.process.send_signal(how)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def __enter__(self) -> ServedSkill:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()
