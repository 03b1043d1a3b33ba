"""The shipped gunicorn.conf.py under a real gunicorn with two workers: /metrics sums both
workers' figures (and keeps a replaced worker's), /readyz checks the store, gunicorn's own
refusals are JSON 4xx, and with BACKSTRETCH_LOG_FORMAT=json every line on stderr is JSON."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from bench.pg import fresh_schema
from bench.servers import free_port
from skill.dialogs.requests import RequestFactory, Session

ROOT = Path(__file__).resolve().parents[2]
LAUNCHES = 40
ROUNDS = 25


@dataclass
class Gunicorn:
    port: int
    process: subprocess.Popen[bytes]
    stderr: Path
    metrics_folder: Path | None

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]


@contextlib.contextmanager
def gunicorn(folder: Path, env: Mapping[str, str]) -> Iterator[Gunicorn]:
    """gunicorn -c gunicorn.conf.py -w 2 'skill.app:create_app()' on a free loopback port."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        "gunicorn.conf.py",
        "-w",
        "2",
        "-b",
        f"127.0.0.1:{port}",
        "skill.app:create_app()",
    ]
    environment = {**os.environ, "XDG_DATA_HOME": str(folder), "BACKSTRETCH_VERIFY": "0", **env}
    environment.pop("PROMETHEUS_MULTIPROC_DIR", None)
    environment.update(env)
    stderr = folder / "stderr"
    with stderr.open("wb") as sink:
        process = subprocess.Popen(command, cwd=ROOT, env=environment, stderr=sink)
        given = env.get("PROMETHEUS_MULTIPROC_DIR")
        server = Gunicorn(port, process, stderr, Path(given) if given else None)
        try:
            _wait_until_both_workers_answer(server)
            yield server
        finally:
            process.terminate()
            process.wait(timeout=15)


def _wait_until_both_workers_answer(server: Gunicorn, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.process.poll() is None, server.stderr.read_text()
        with contextlib.suppress(OSError):
            if len(server.workers()) == 2 and get(server, "/healthz")[0] == 200:
                return
        time.sleep(0.1)
    raise AssertionError("gunicorn did not start in time")


def get(server: Gunicorn, path: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(server.url(path), timeout=5) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def post(server: Gunicorn, envelope: dict[str, Any]) -> int:
    request = urllib.request.Request(
        server.url("/alexa"),
        data=json.dumps(envelope).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return answer.status


def raw(server: Gunicorn, request: bytes) -> tuple[int, str, dict[str, Any]]:
    """Send bytes as they are; the status, the content type and the JSON body."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as connection:
        connection.sendall(request)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers["Content-Type"], json.loads(body)


def launches(server: Gunicorn) -> float:
    """The answered LaunchRequests /metrics reports (whichever worker answers the scrape)."""
    page = get(server, "/metrics")[1].decode()
    for family in text_string_to_metric_families(page):
        for sample in family.samples:
            wanted = {"type": "LaunchRequest", "outcome": "answered"}
            if sample.name == "backstretch_requests_total" and sample.labels == wanted:
                return sample.value
    return 0.0


def per_worker_launches(folder: Path) -> dict[int, float]:
    """Each worker's own count, read from its file in the multi-process folder."""
    counts: dict[int, float] = {}
    for path in folder.glob("counter_*.db"):
        pid = int(path.stem.split("_")[1])
        for metric in MultiProcessCollector.merge([str(path)], accumulate=False):
            for sample in metric.samples:
                if sample.name == "backstretch_requests_total" and sample.labels == {
                    "type": "LaunchRequest",
                    "outcome": "answered",
                }:
                    counts[pid] = sample.value
    return counts


def _postgres_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("TEST_DATABASE_URL is not set: CI must run the PostgreSQL tests")
        pytest.skip("TEST_DATABASE_URL is not set (e.g. postgresql://postgres@127.0.0.1:5432/test)")
    return url


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Gunicorn]:
    folder = tmp_path_factory.mktemp(f"gunicorn-{request.param}")
    env = {"BACKSTRETCH_LOG_FORMAT": "json", "PROMETHEUS_MULTIPROC_DIR": str(folder / "metrics")}
    with contextlib.ExitStack() as stack:
        if request.param == "postgresql":
            env["DATABASE_URL"] = stack.enter_context(fresh_schema(_postgres_url()))
        yield stack.enter_context(gunicorn(folder, env))


def test_metrics_sum_both_workers(served: Gunicorn) -> None:
    """Rounds of concurrent launches until both workers have taken some (the kernel may hand
    a quick round to one), then every scrape, whichever worker answers it, tells the sum."""
    assert served.metrics_folder is not None
    before, sent, factory = launches(served), 0, RequestFactory()
    with ThreadPoolExecutor(8) as pool:
        for _ in range(ROUNDS):
            envelopes = [factory.launch(Session(f"metrics-{sent + n}")) for n in range(LAUNCHES)]
            assert set(pool.map(lambda envelope: post(served, envelope), envelopes)) == {200}
            sent += LAUNCHES
            shares = per_worker_launches(served.metrics_folder)
            if len([count for count in shares.values() if count > 0]) >= 2:
                break
    assert len([count for count in shares.values() if count > 0]) >= 2, shares
    for _ in range(6):
        assert launches(served) == before + sent


def test_a_replaced_worker_keeps_its_figures_counted(served: Gunicorn) -> None:
    post(served, RequestFactory().launch(Session("before-the-kill")))
    counted = launches(served)
    victim = served.workers()[0]
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 20
    while victim in served.workers() or len(served.workers()) < 2:
        assert time.monotonic() < deadline, "gunicorn did not replace the worker"
        time.sleep(0.1)
    _wait_until_both_workers_answer(served)
    assert launches(served) == counted  # counters never go backwards


def test_readyz_answers_with_the_store(served: Gunicorn) -> None:
    status, body = get(served, "/readyz")
    assert status == 200
    assert json.loads(body)["status"] == "ready"
    assert json.loads(body)["store"] in ("sqlite", "postgresql")


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n", 431),
        (
            b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
            + b"".join(b"X-H%d: v\r\n" % n for n in range(120))
            + b"\r\n",
            431,
        ),
        (b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        (b"NOT HTTP AT ALL\r\n\r\n", 400),
    ],
    ids=["header too large", "too many headers", "request line too long", "invalid request"],
)
def test_gunicorns_own_refusals_are_json(
    served: Gunicorn, request_bytes: bytes, status: int
) -> None:
    got, content_type, body = raw(served, request_bytes)
    assert (got, content_type) == (status, "application/json")
    assert body["status"] == status and body["error"]


def test_every_stderr_line_is_json_with_request_ids(served: Gunicorn) -> None:
    envelope = RequestFactory(request_stem="logged-under-gunicorn").envelope(
        Session("s"), {"type": "Some.Future.Request"}
    )
    assert post(served, envelope) == 200
    time.sleep(0.2)
    lines = [json.loads(line) for line in served.stderr.read_text().splitlines() if line]
    assert any(line["logger"] == "gunicorn.error" for line in lines)  # gunicorn's own, too
    unknown = [line for line in lines if "type this SDK does not know" in line["message"]]
    assert unknown and unknown[-1]["request_id"] == envelope["request"]["requestId"]


def test_without_a_folder_given_a_fresh_one_is_made_and_removed(tmp_path: Path) -> None:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    with gunicorn(tmp_path, {"TMPDIR": str(temporary)}) as server:
        post(server, RequestFactory().launch(Session("fresh")))
        assert launches(server) == 1  # nothing carried over from an earlier run
        (made,) = temporary.glob("backstretch-metrics-*")
        assert sum(per_worker_launches(made).values()) == 1  # the figures are kept there
    assert not made.exists()
