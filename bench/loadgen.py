"""A small HTTP load generator on asyncio: N connections posting request bodies for a while.

Each client keeps its connection open while the server does (granian and Node do; gunicorn's
sync workers close every one, and the client then connects again, which latency includes, as a
client's would). Every status is counted: the soak needs to see any 5xx.
"""

from __future__ import annotations

import asyncio
import contextlib
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


class Connection:
    """One kept-alive HTTP/1.1 connection, opened again whenever the server closed it."""

    def __init__(self, port: int, timeout: float = 10.0) -> None:
        self.port, self.timeout = port, timeout
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def post(self, path: str, body: bytes) -> int:
        if self.streams is None:
            opening = asyncio.open_connection("127.0.0.1", self.port)
            self.streams = await asyncio.wait_for(opening, self.timeout)
        reader, writer = self.streams
        head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        try:
            writer.write(head + body)
            status, keep = await asyncio.wait_for(_read_answer(reader), self.timeout)
        except BaseException:
            await self.close()
            raise
        if not keep:
            await self.close()
        return status

    async def close(self) -> None:
        if self.streams is not None:
            writer, self.streams = self.streams[1], None
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()


async def _read_answer(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """(status, whether the connection stays open) of one answer, its body read and dropped."""
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").lower()
    status = int(head.split(" ", 2)[1])
    fields = dict(line.split(":", 1) for line in head.split("\r\n")[1:] if ":" in line)
    length = fields.get("content-length")
    if length is None:  # no length: the body lasts until the server closes
        await reader.read(-1)
        return status, False
    await reader.readexactly(int(length))
    return status, fields.get("connection", "").strip() != "close"


async def _run(port: int, bodies: Sequence[bytes], concurrency: int, seconds: float) -> LoadResult:
    result = LoadResult()
    cycle = itertools.cycle(bodies)
    end = time.perf_counter() + seconds

    async def client() -> None:
        connection = Connection(port)
        while time.perf_counter() < end:
            started = time.perf_counter()
            try:
                status = await connection.post("/alexa", next(cycle))
            except (TimeoutError, OSError, ValueError, IndexError, asyncio.IncompleteReadError):
                result.failures += 1
                continue
            result.latencies.append(time.perf_counter() - started)
            result.statuses[status] += 1
        await connection.close()

    start = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    result.elapsed = time.perf_counter() - start
    return result


def run_load(port: int, bodies: Sequence[bytes], concurrency: int, seconds: float) -> LoadResult:
    return asyncio.run(_run(port, bodies, concurrency, seconds))


def json_bodies(requests: Sequence[dict[str, Any]]) -> list[bytes]:
    return [json.dumps(r).encode() for r in requests]
