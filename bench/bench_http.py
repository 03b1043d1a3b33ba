"""Benchmarks 2 and 4: HTTP on loopback against the right peers, and memory per worker.

Measured in the same run, each on the same server settings (bench/servers.py: WORKERS processes,
the same backlog): the Node.js ASK SDK hello skill (ask-sdk-core + ask-sdk-express-adapter, its
npm packages installed by the bench into bench/.node-peer/), the bare Python ask-sdk-core hello
skill, and ours, the Python two under granian (the recommended server, which keeps connections
open) and under gunicorn's sync workers (the fallback). A Flask hello-world under both servers is
printed for reference only.

Targets, for ours under the recommended server: at most 2x the Node peer's server CPU time per
request, and p99 under 50 ms at concurrency 64. CPU time per request counts the whole server's
process tree, from /proc, so it does not depend on how fast the load client is; throughput and
latency do (the client shares the two cores). Requests are a whole neck routine's turns for many
users, unsigned (verification is off for every app; benchmark 1 includes it).

Before the run and during each measurement the bench reads how busy other processes keep the
machine; a measurement they disturbed is taken again (--retries), and with too much of that load
still a verdict would mean nothing, and the bench says so instead of giving one.
Run: python -m bench.bench_http [--seconds 10] [--retries 2] [--client auto|wrk|python]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from bench import clients
from bench.common import (
    LoadWatch,
    OtherLoad,
    judged,
    machine_line,
    other_load_now,
    own_seconds,
    table,
)
from bench.conversation import conversation_requests
from bench.loadgen import json_bodies
from bench.node_peer import PACKAGES, install, node_missing, node_peer
from bench.servers import (
    BACKLOG,
    WORKERS,
    Server,
    granian,
    granian_missing,
    gunicorn,
)
from skill.app import AlexaEndpoint
from skill.config import SkillConfig

CONCURRENCY = (16, 64)
CPU_RATIO_LIMIT = 2.0
P99_LIMIT_MS = 50.0
USERS = 40

HELLO, SDK_HELLO, OURS, NODE = "hello-world", "bare ask-sdk skill", "back stretch coach", "node"
RECOMMENDED, FALLBACK = "granian", "gunicorn"


def _bodies() -> list[bytes]:
    """A neck routine's turns for each of many users, interleaved as real traffic would be."""
    endpoint = AlexaEndpoint(SkillConfig(verify=False))

    def answer(request: dict[str, Any]) -> dict[str, Any]:
        return endpoint.answer({}, json.dumps(request).encode())[1]

    per_user = [
        conversation_requests(answer, user_id=f"amzn1.ask.account.BENCH-{n}") for n in range(USERS)
    ]
    return json_bodies([turn for turns in zip(*per_user, strict=True) for turn in turns])


@dataclass(frozen=True, slots=True)
class Measured:
    figures: clients.Figures
    server_ms: float  # the server's CPU time per request
    client_ms: float
    during: OtherLoad  # the other processes' load while it was measured
    before: OtherLoad = field(default_factory=lambda: OtherLoad(0.0, 0.0))  # and just before

    @property
    def other(self) -> OtherLoad:
        """The other load that disturbed it most, before or during."""
        return max(self.before, self.during, key=lambda load: load.cores)


def _measure(
    client: str, server: Server, bodies: list[bytes], concurrency: int, seconds: float
) -> Measured:
    """One load run: its figures, the CPU each side spent a request, the machine's other load
    just before it (half a second) and during it."""
    before = other_load_now(0.5)
    watch = LoadWatch()
    before_server, before_own = server.cpu_seconds(), own_seconds()
    figures = clients.run(client, server.port, bodies, concurrency, seconds)
    other = watch.other()
    done = max(1, figures.requests)
    server_ms = (server.cpu_seconds() - before_server) / done * 1e3
    own_ms = (own_seconds() - before_own) / done * 1e3  # the server's, the client's and ours
    return Measured(figures, server_ms, max(0.0, own_ms - server_ms), other, before)


@dataclass(frozen=True, slots=True)
class Target:
    """One app on one server: how to start it and what to send it."""

    app: str
    server: str
    start: Callable[[], contextlib.AbstractContextManager[Server]]
    bodies: list[bytes]


def _targets(bodies: list[bytes], database: Path, skipped: dict[str, str]) -> list[Target]:
    """Every app on every server that can run here; what cannot goes into `skipped`, why."""
    ours = {"BACKSTRETCH_VERIFY": "0", "DATABASE_URL": f"sqlite:///{database}"}
    apps = [
        (HELLO, "bench.hello:create_hello_app()", {}, bodies[:1]),  # it answers anything alike
        (SDK_HELLO, "bench.hello:create_sdk_hello_app()", {}, bodies),
        (OURS, "skill.app:create_app()", ours, bodies),
    ]
    targets = []
    if (why := node_missing() or install()) is None:
        targets.append(Target(NODE, NODE, node_peer, bodies))
    else:
        skipped[NODE] = why
    servers: list[tuple[str, Callable[..., contextlib.AbstractContextManager[Server]]]] = []
    if (why := granian_missing()) is None:
        servers.append((RECOMMENDED, granian))
    else:
        skipped[RECOMMENDED] = why
    servers.append((FALLBACK, gunicorn))
    for server_name, start in servers:
        for name, spec, env, app_bodies in apps:
            targets.append(Target(name, server_name, _bound(start, spec, env), app_bodies))
    return targets


def _bound(
    start: Callable[..., contextlib.AbstractContextManager[Server]], spec: str, env: dict[str, str]
) -> Callable[[], contextlib.AbstractContextManager[Server]]:
    return lambda: start(spec, env)


Results = dict[tuple[str, str, int], Measured]


def _quietest(measure: Callable[[], Measured], retries: int) -> Measured:
    """A measurement, taken again up to `retries` times while other processes kept the machine
    too busy for it to mean anything; the quietest one is kept."""
    taken = [measure()]
    while not taken[-1].other.quiet and len(taken) <= retries:
        taken.append(measure())
    return min(taken, key=lambda found: found.other.cores)


def _run_all(
    targets: list[Target], client: str, seconds: float, retries: int
) -> Iterator[tuple[Target, Results, list[float]]]:
    """Each target started, warmed up, measured at each concurrency; with its workers' RSS."""
    for target in targets:
        results: Results = {}
        with target.start() as server:
            clients.run(client, server.port, target.bodies, 8, 1.0)  # warm up
            for concurrency in CONCURRENCY:
                measured = _quietest(
                    partial(_measure, client, server, target.bodies, concurrency, seconds),
                    retries,
                )
                results[(target.app, target.server, concurrency)] = measured
            yield target, results, server.worker_rss_mib()


def _row(app: str, server: str, concurrency: int, found: Measured) -> list[object]:
    figures = found.figures
    return [
        app,
        server,
        concurrency,
        f"{figures.throughput:.0f}/s",
        f"{figures.p50 * 1e3:.1f} ms",
        f"{figures.p99 * 1e3:.1f} ms",
        f"{found.server_ms:.3f} ms",
        f"{found.client_ms:.3f} ms",
        f"{found.other.cores:.2f}",
        figures.bad,
    ]


def _verdicts(results: Results, servers: list[str]) -> list[str]:
    """The targets, for ours on each Python server measured (the recommended one first)."""
    lines = []
    node = results.get((NODE, NODE, 64))
    for server in servers:
        ours = results[(OURS, server, 64)]
        label = "recommended" if server == RECOMMENDED else "fallback"
        if node is None:
            lines.append(f"{server} ({label}): CPU target: NO VERDICT without the Node peer")
        else:
            ratio = ours.server_ms / node.server_ms
            ok = judged(ratio <= CPU_RATIO_LIMIT, [ours.other, node.other])
            lines.append(
                f"{server} ({label}), c=64: CPU per request {ours.server_ms:.3f} ms ="
                f" {ratio:.2f}x the Node peer's {node.server_ms:.3f} ms"
                f" (target at most {CPU_RATIO_LIMIT:.0f}x) -> {ok}"
            )
        p99 = ours.figures.p99 * 1e3
        ok = judged(p99 < P99_LIMIT_MS, [ours.other])
        lines.append(
            f"{server} ({label}), c=64: p99 {p99:.1f} ms (target under {P99_LIMIT_MS:.0f} ms)"
            f" -> {ok}"
        )
    return lines


def _peer_ratios(results: Results, servers: list[str]) -> list[str]:
    """Ours beside the bare Python skill on the same server, and beside hello-world."""
    lines = []
    for server in servers:
        for concurrency in CONCURRENCY:
            ours = results[(OURS, server, concurrency)]
            sdk = results[(SDK_HELLO, server, concurrency)]
            hello = results[(HELLO, server, concurrency)]
            lines.append(
                f"{server}, c={concurrency}: ours {ours.server_ms / sdk.server_ms:.2f}x the bare"
                f" ask-sdk skill's CPU per request, throughput"
                f" {ours.figures.throughput / sdk.figures.throughput:.0%} of it"
                f" ({ours.figures.throughput / hello.figures.throughput:.0%} of hello-world's,"
                " for reference)"
            )
    return lines


def _mean(sizes: list[float]) -> float:
    return sum(sizes) / max(1, len(sizes))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0, help="load per measurement")
    parser.add_argument(
        "--retries",
        type=int,
        default=2,
        help="measure again up to this many times while other processes load the machine",
    )
    parser.add_argument(
        "--client",
        choices=("auto", *clients.CLIENTS),
        default="auto",
        help="load client (auto: wrk when installed, else the Python one)",
    )
    args = parser.parse_args(argv)
    client = args.client
    if client == "auto":
        client = "python" if clients.wrk_missing() else "wrk"
    if client == "wrk" and (missing := clients.wrk_missing()):
        parser.error(missing)
    before = other_load_now()
    bodies = _bodies()
    results: Results = {}
    memory: dict[tuple[str, str], list[float]] = {}
    skipped: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as folder:
        targets = _targets(bodies, Path(folder) / "bench.sqlite3", skipped)
        for target, found, rss in _run_all(targets, client, args.seconds, args.retries):
            results |= found
            memory[(target.app, target.server)] = rss
    servers = [name for name in (RECOMMENDED, FALLBACK) if name not in skipped]
    print(
        f"Benchmark 2: HTTP, {WORKERS} processes a server, backlog {BACKLOG}, client {client}"
        f" ({machine_line()})"
    )
    print(f"Node peer: {', '.join(PACKAGES)} on node, cluster of {WORKERS} (bench/node_hello.js)")
    for name, why in skipped.items():
        print(f"not measured: {name}: {why}")
    print(f"other load before the run: {before} (and before and during each measurement, below)")
    headers = ["app", "server", "concurrency", "throughput", "p50", "p99"]
    headers += ["server CPU/request", "client CPU/request", "other load", "non-200"]
    rows = [_row(app, server, c, found) for (app, server, c), found in results.items()]
    print(table(headers, rows))
    for line in [*_verdicts(results, servers), *_peer_ratios(results, servers)]:
        print(line)
    print()
    print("Benchmark 4: memory per worker after the load (RSS, MiB)")
    memory_rows = [
        [app, server, " ".join(f"{m:.1f}" for m in sizes), f"{_mean(sizes):.1f}"]
        for (app, server), sizes in memory.items()
    ]
    print(table(["app", "server", "workers", "mean"], memory_rows))
    for server in servers:
        ours, sdk = _mean(memory[(OURS, server)]), _mean(memory[(SDK_HELLO, server)])
        print(
            f"{server}: ours {ours / sdk:.2f}x the bare ask-sdk skill's"
            f" ({ours:.1f} vs {sdk:.1f} MiB)"
        )


if __name__ == "__main__":
    main()
