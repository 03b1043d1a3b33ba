"""The two load clients of benchmark 2, giving the same figures.

`python` is bench/loadgen.py: no install needed, but on a 2-core machine it takes about a third of
the CPU from the server it measures. `wrk` (Debian's package) is C and takes a tenth of that, so
the server has the cores to itself; its latencies are percentiles of the same closed loop.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.common import median, percentile
from bench.loadgen import run_load

WRK_SCRIPT = Path(__file__).with_name("wrk_post.lua")
CLIENTS = ("python", "wrk")


@dataclass(frozen=True, slots=True)
class Figures:
    requests: int
    throughput: float  # answered requests per second
    p50: float  # seconds
    p99: float
    bad: int  # answers other than 200, and requests that failed


def run(
    client: str, port: int, bodies: Sequence[bytes], concurrency: int, seconds: float
) -> Figures:
    """`concurrency` connections posting `bodies` in turn to /alexa for `seconds`."""
    if client == "wrk":
        return _wrk(port, bodies, concurrency, seconds)
    result = run_load(port, bodies, concurrency, seconds)
    bad = sum(n for status, n in result.statuses.items() if status != 200) + result.failures
    return Figures(
        len(result.latencies),
        result.throughput,
        median(result.latencies),
        percentile(result.latencies, 0.99),
        bad,
    )


def wrk_missing() -> str | None:
    """Why wrk cannot run here, or None."""
    return None if shutil.which("wrk") else "wrk is not installed (apt-get install wrk)"


def _wrk(port: int, bodies: Sequence[bytes], concurrency: int, seconds: float) -> Figures:
    with tempfile.NamedTemporaryFile("wb", suffix=".jsonl") as lines:
        lines.write(b"\n".join(bodies) + b"\n")
        lines.flush()
        command = ["wrk", "--threads", "2", "--connections", str(concurrency)]
        command += ["--duration", f"{max(1, round(seconds))}s", "--script", str(WRK_SCRIPT)]
        command += [f"http://127.0.0.1:{port}/alexa", "--", lines.name]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next((x for x in output.splitlines() if x.startswith("WRK ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no figures:\n{output}")
    found = json.loads(line.removeprefix("WRK "))
    return Figures(
        found["requests"],
        found["requests"] / (found["duration_us"] / 1e6),
        found["p50_us"] / 1e6,
        found["p99_us"] / 1e6,
        found["non_2xx"] + found["failures"],
    )
