"""Starting servers on loopback for the HTTP benchmarks and the soak, and reading what their
processes use: CPU time over the whole process tree (a supervisor that hands connections out, as
Node's cluster primary does, costs requests too) and memory per worker.

Every server of benchmark 2 runs with the same settings: WORKERS processes answering, a listen
backlog of BACKLOG, warnings-only logs. gunicorn's sync workers close every connection; granian
and Node keep them open, as a load balancer in front of a skill would.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2
BACKLOG = 2048
GUNICORN_SETTINGS = [
    *("--workers", str(WORKERS), "--worker-class", "sync"),
    *("--backlog", str(BACKLOG), "--log-level", "warning"),
    # the bench's settings alone, never a gunicorn.conf.py that happens to be in the folder
    *("--config", str(Path(__file__).with_name("gunicorn_none.py"))),
]
# One thread a worker runs the app, as a sync worker does; granian's Rust side reads and writes
# the connections, which it keeps open. (More threads only contend for the GIL here: the app
# never waits on anything slower than SQLite.)
GRANIAN_SETTINGS = [
    *("--interface", "wsgi", "--workers", str(WORKERS), "--blocking-threads", "1"),
    *("--backlog", str(BACKLOG), "--log-level", "warning", "--no-ws"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(child) for child in (task / "children").read_text().split()]
    return found


def _cpu_ticks(pid: int) -> int:
    """utime + stime of one process, in clock ticks (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def rss_mib(pid: int) -> float | None:
    """Resident memory of one process, or None once it is gone."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return None
    found = next((line for line in lines if line.startswith("VmRSS:")), None)
    return int(found.split()[1]) / 1024 if found else None


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]

    def worker_pids(self) -> list[int]:
        """The processes that answer requests: the supervisor's children."""
        return _children(self.process.pid)

    def tree_pids(self) -> list[int]:
        """The supervisor and every process under it."""
        pids, pending = [], [self.process.pid]
        while pending:
            pid = pending.pop()
            pids.append(pid)
            pending += _children(pid)
        return pids

    def cpu_seconds(self) -> float:
        """User and system CPU time the whole server has used so far."""
        return sum(_cpu_ticks(pid) for pid in self.tree_pids()) / os.sysconf("SC_CLK_TCK")

    def worker_cpu_seconds(self) -> float:
        """User and system CPU time the workers have used so far, together."""
        return sum(_cpu_ticks(pid) for pid in self.worker_pids()) / os.sysconf("SC_CLK_TCK")

    def worker_rss_mib(self) -> list[float]:
        return [size for pid in self.worker_pids() if (size := rss_mib(pid)) is not None]


def _wait_healthy(server: Server, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    url = f"http://127.0.0.1:{server.port}/healthz"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited with {server.process.returncode}")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=1) as answer:
            if answer.status == 200 and len(server.worker_pids()) >= WORKERS:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{server.name} did not become healthy in time")


@contextlib.contextmanager
def serve(
    name: str, command: Sequence[str], port: int, env: Mapping[str, str] | None = None
) -> Iterator[Server]:
    """Run `command` (a server listening on `port`) until the block ends."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    process = subprocess.Popen(list(command), env=environment, cwd=ROOT)
    server = Server(name, port, process)
    try:
        _wait_healthy(server)
        yield server
    finally:
        _stop(server)


def _stop(server: Server, timeout: float = 10.0) -> None:
    """Stop the supervisor and every process under it: a granian worker whose supervisor was
    told to stop can outlive it, so each process of the tree is told, then killed if it stays."""
    pids = server.tree_pids()
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)
    try:
        server.process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
    deadline = time.monotonic() + timeout
    left = [pid for pid in pids[1:] if _alive(pid)]
    while left and time.monotonic() < deadline:
        time.sleep(0.05)
        left = [pid for pid in left if _alive(pid)]
    for pid in left:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    """Whether the process runs still (a zombie has finished: its parent has not waited yet)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def gunicorn(
    app: str, env: Mapping[str, str] | None = None, extra: list[str] | None = None
) -> contextlib.AbstractContextManager[Server]:
    """`app` (a gunicorn app spec such as "skill.app:create_app()") under gunicorn."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", *GUNICORN_SETTINGS, *(extra or [])]
    command += ["-b", f"127.0.0.1:{port}", app]
    return serve("gunicorn", command, port, env)


def granian_missing() -> str | None:
    """Why granian cannot run here, or None."""
    try:
        import granian  # noqa: F401
    except ImportError:
        return "granian is not installed (pip install -e '.[production]')"
    return None


def granian(
    app: str, env: Mapping[str, str] | None = None
) -> contextlib.AbstractContextManager[Server]:
    """`app` under granian's WSGI interface: "module:factory()" is called, as gunicorn does."""
    port = free_port()
    factory = app.endswith("()")
    command = [sys.executable, "-m", "granian", *GRANIAN_SETTINGS, "--port", str(port)]
    command += ["--host", "127.0.0.1", *(["--factory"] if factory else []), app.removesuffix("()")]
    return serve("granian", command, port, env)
