"""A small HTTP load generator on asyncio: N connections posting request bodies for a while.

Each request opens a connection (gunicorn's sync workers close them), so latency includes the
connect, as a client's would. Every status is counted: the soak needs to see any 5xx.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    failures: int = 0
    elapsed: float = 0.0

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0


async def post(port: int, path: str, body: bytes, timeout: float = 10.0) -> tuple[int, bytes]:
    """One POST over a fresh loopback connection; returns (status, body)."""
    reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    writer.write(head + body)
    try:
        raw = await asyncio.wait_for(reader.read(-1), timeout)
    finally:
        writer.close()
    status = int(raw.split(b" ", 2)[1]) if raw.startswith(b"HTTP/") else 0
    return status, raw.split(b"\r\n\r\n", 1)[-1]


async def _run(port: int, bodies: Sequence[bytes], concurrency: int, seconds: float) -> LoadResult:
    result = LoadResult()
    cycle = itertools.cycle(bodies)
    end = time.perf_counter() + seconds

    async def client() -> None:
        while time.perf_counter() < end:
            started = time.perf_counter()
            try:
                status, _ = await post(port, "/alexa", next(cycle))
            except (TimeoutError, OSError, ValueError, IndexError):
                result.failures += 1
                continue
            result.latencies.append(time.perf_counter() - started)
            result.statuses[status] += 1

    start = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    result.elapsed = time.perf_counter() - start
    return result


def run_load(port: int, bodies: Sequence[bytes], concurrency: int, seconds: float) -> LoadResult:
    return asyncio.run(_run(port, bodies, concurrency, seconds))


def json_bodies(requests: Sequence[dict[str, Any]]) -> list[bytes]:
    return [json.dumps(r).encode() for r in requests]
