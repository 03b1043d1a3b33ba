"""Benchmark 2's peers and servers answer real requests, its load client keeps connections
alive, and a verdict is refused when other processes kept the machine busy."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from bench import clients, node_peer, servers
from bench.common import OTHER_LOAD_LIMIT, OtherLoad, judged, own_seconds
from bench.loadgen import Connection, run_load
from bench.servers import Server, granian, granian_missing, gunicorn
from skill.dialogs.requests import RequestFactory, Session

LAUNCH = json.dumps(RequestFactory().launch(Session())).encode()


def test_a_verdict_needs_a_quiet_machine() -> None:
    quiet, busy = OtherLoad(0.02, 0.3), OtherLoad(OTHER_LOAD_LIMIT + 0.5, 2.1)
    assert judged(True, [quiet]) == "meets target"
    assert judged(False, [quiet, quiet]) == "MISSES TARGET"
    for ok in (True, False):
        refused = judged(ok, [quiet, busy])
        assert refused.startswith("NO VERDICT") and "0.65 cores (load average 2.10)" in refused
        assert "target" not in refused.split(":", 1)[0]


def test_own_cpu_time_counts_a_child_that_ended() -> None:
    before = own_seconds()
    spin = "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass"
    subprocess.run([sys.executable, "-c", spin], check=True)
    assert own_seconds() - before >= 0.3


async def _count_connections(close_each: bool, requests: int) -> tuple[int, list[int]]:
    """A loopback server answering `requests` POSTs on one kept-alive connection or closing
    after each; returns how many connections it saw and the statuses the client read."""
    handlers: list[asyncio.Task[None] | None] = []

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        handlers.append(asyncio.current_task())
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError:
                break
            length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
            await reader.readexactly(length)
            extra = b"Connection: close\r\n" if close_each else b""
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n" + extra + b"\r\n{}")
            await writer.drain()
            if close_each:
                break
        writer.close()
        await writer.wait_closed()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    connection = Connection(port)
    statuses = [await connection.post("/alexa", b'{"a": 1}') for _ in range(requests)]
    await connection.close()
    await asyncio.gather(*(task for task in handlers if task is not None))
    server.close()
    await server.wait_closed()
    return len(handlers), statuses


def test_the_python_client_keeps_a_connection_while_the_server_does() -> None:
    assert asyncio.run(_count_connections(close_each=False, requests=5)) == (1, [200] * 5)
    assert asyncio.run(_count_connections(close_each=True, requests=5)) == (5, [200] * 5)


def _served_figures(start: Callable[[str], AbstractContextManager[Server]], app: str) -> None:
    with start(app) as server:
        assert len(server.worker_pids()) == 2
        result = run_load(server.port, [LAUNCH], 4, 0.5)
        assert result.latencies and set(result.statuses) == {200} and not result.failures
        assert server.cpu_seconds() > 0 and all(size > 1 for size in server.worker_rss_mib())


@pytest.mark.parametrize("app", ["bench.hello:create_sdk_hello_app()", "skill.app:create_app()"])
def test_the_python_apps_answer_under_both_servers(app: str, tmp_path: Path) -> None:
    if granian_missing():
        pytest.skip(granian_missing())
    env = {"BACKSTRETCH_VERIFY": "0", "DATABASE_URL": f"sqlite:///{tmp_path / 'b.sqlite3'}"}
    for start in (granian, gunicorn):
        _served_figures(lambda spec, start=start: start(spec, env), app)


def test_the_node_peer_is_installed_once_and_answers_as_the_sdk_does() -> None:
    if node_peer.node_missing():
        pytest.skip(node_peer.node_missing())
    assert node_peer.install() is None
    stamp = node_peer.STAMP.stat().st_mtime_ns
    assert node_peer.install() is None and node_peer.STAMP.stat().st_mtime_ns == stamp
    with node_peer.node_peer() as server:
        assert len(server.worker_pids()) == 2
        url = f"http://127.0.0.1:{server.port}/alexa"
        posted = urllib.request.Request(url, LAUNCH, {"Content-Type": "application/json"})
        with urllib.request.urlopen(posted, timeout=5) as answer:
            speech = json.load(answer)["response"]["outputSpeech"]
        assert speech == {"type": "SSML", "ssml": "<speak>Hello.</speak>"}
        result = run_load(server.port, [LAUNCH], 4, 0.5)
        assert result.latencies and set(result.statuses) == {200} and not result.failures


def test_the_node_peer_is_not_measured_without_node(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    assert node_peer.node_missing() == "node is not installed (apt-get install nodejs npm)"


def test_benchmark_1_prints_both_parts_with_their_load(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each timing is one call here: the figures are not what this checks, the report is."""
    from bench import bench_inprocess, history

    def once(function: Callable[[], object], **_: object) -> float:
        function()
        return 0.001

    for module in (bench_inprocess, history):
        monkeypatch.setattr(module, "per_call_seconds", once)
        monkeypatch.setattr(module, "other_load_now", lambda: OtherLoad(0.0, 0.1))
    bench_inprocess.main()
    out = capsys.readouterr().out
    assert out.startswith("Benchmark 1: in-process cost per request")
    assert re.search(r"^target: at most 3x -> (meets target|MISSES TARGET|NO VERDICT)", out, re.M)
    rows = re.findall(r"^(new user|10 stored sessions|400 stored sessions) +1.000 ms", out, re.M)
    assert rows == ["new user", "10 stored sessions", "400 stored sessions"]
    assert re.search(r"^400 sessions: \+0% on a new user's .* -> ", out, re.M)
    assert len(re.findall(r"^other load: [\d.]+ cores .* before the run", out, re.M)) == 2


def test_benchmark_3_times_each_cold_start_inside_its_process(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from bench import bench_startup

    monkeypatch.setattr(bench_startup, "RUNS", 1)
    monkeypatch.setattr(bench_startup, "other_load_now", lambda: OtherLoad(0.0, 0.1))
    bench_startup.main()
    out = capsys.readouterr().out
    for name in bench_startup.NAMES.values():
        assert re.search(rf"^{re.escape(name)} +\d+ ms +\d+ ms +\d+ ms$", out, re.M), name
    assert re.search(r"^tutor: spawn to first prompt +\d+ ms", out, re.M)
    for entry in ("lambda", "create_app"):
        assert re.search(rf"^{entry}: \d+ ms, [\d.]+x the bare .*150 ms\) -> ", out, re.M)
    lambda_modules = re.search(r"^lambda imported: (.*)$", out, re.M)
    assert lambda_modules is not None
    assert "sqlalchemy" in lambda_modules[1].split()  # the store it answers from
    assert not {"flask", "werkzeug", "psycopg", "yaml", "jmespath"} & set(lambda_modules[1].split())


def test_a_disturbed_measurement_is_taken_again_and_the_quietest_kept() -> None:
    from bench import bench_http

    loads = iter([0.9, 0.5, 0.3, 0.01])
    taken: list[float] = []

    def measure() -> bench_http.Measured:
        cores = next(loads)
        taken.append(cores)
        return bench_http.Measured(
            clients.Figures(1, 1.0, 0.1, 0.2, 0), 0.1, 0.0, OtherLoad(cores, 1)
        )

    assert bench_http._quietest(measure, retries=2).other.cores == 0.3
    assert taken == [0.9, 0.5, 0.3]
    assert bench_http._quietest(measure, retries=2).other.cores == 0.01  # quiet: once
    assert taken[-1] == 0.01 and len(taken) == 4


@pytest.mark.parametrize("server", ["granian", "gunicorn", "node"])
def test_a_stopped_server_leaves_no_process_behind(server: str) -> None:
    if server == "granian" and granian_missing():
        pytest.skip(granian_missing())
    if server == "node" and (node_peer.node_missing() or node_peer.install()):
        pytest.skip("no Node peer here")
    starts = {
        "granian": lambda: granian("bench.hello:create_hello_app()"),
        "gunicorn": lambda: gunicorn("bench.hello:create_hello_app()"),
        "node": node_peer.node_peer,
    }
    with starts[server]() as running:
        pids = running.tree_pids()
        assert len(pids) == 3
    # A worker told to stop may need a moment to exit: wait for it, up to a bound.
    deadline = time.monotonic() + 10
    while [pid for pid in pids if servers._alive(pid)] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [pid for pid in pids if servers._alive(pid)] == []  # gone, or finished (a zombie)
