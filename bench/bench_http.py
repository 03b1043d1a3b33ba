"""Benchmarks 2 and 4: HTTP throughput, latency and memory per worker under gunicorn on loopback,
as ratios to a Flask hello-world under the same gunicorn settings in the same run.

Targets: throughput at least 60% of hello-world's; p99 under 50 ms at concurrency 64 on 2 cores.
Requests are a whole neck routine's turns, unsigned (the endpoint runs with verification off;
benchmark 1 includes verification). A bare ask-sdk-core hello skill behind Flask is measured too:
not a target, but what the required SDK alone costs a request over HTTP. Beside throughput and
latency it reports the workers' CPU time per request and how busy the machine was: the load
generator shares the two cores, so these say where a request's cost lies.
Run: python -m bench.bench_http [--seconds 10] [--client wrk]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from bench import clients
from bench.common import busy_between, machine_line, machine_ticks, table, verdict
from bench.conversation import conversation_requests
from bench.loadgen import json_bodies
from bench.servers import GUNICORN_SETTINGS, Server, gunicorn
from skill.app import AlexaEndpoint
from skill.config import SkillConfig

CONCURRENCY = (16, 64)
THROUGHPUT_SHARE = 0.60
P99_LIMIT_MS = 50.0


USERS = 40


def _bodies() -> list[bytes]:
    """A neck routine's turns for each of many users, interleaved as real traffic would be."""
    endpoint = AlexaEndpoint(SkillConfig(verify=False))

    def answer(request: dict[str, Any]) -> dict[str, Any]:
        return endpoint.answer({}, json.dumps(request).encode())[1]

    per_user = [
        conversation_requests(answer, user_id=f"amzn1.ask.account.BENCH-{n}") for n in range(USERS)
    ]
    return json_bodies([turn for turns in zip(*per_user, strict=True) for turn in turns])


def _client_cpu_seconds() -> float:
    """CPU time of this process and of its finished children (wrk runs as one)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def _measured(
    client: str, server: Server, bodies: list[bytes], concurrency: int, seconds: float
) -> tuple[clients.Figures, list[object]]:
    """One load run and its table row: throughput, latency, CPU per request, machine busy."""
    ticks, workers, client_cpu = machine_ticks(), server.worker_cpu_seconds(), _client_cpu_seconds()
    figures = clients.run(client, server.port, bodies, concurrency, seconds)
    busy = busy_between(ticks, machine_ticks())
    done = max(1, figures.requests)
    worker_ms = (server.worker_cpu_seconds() - workers) / done * 1e3
    client_ms = (_client_cpu_seconds() - client_cpu) / done * 1e3
    row: list[object] = [
        concurrency,
        f"{figures.throughput:.0f}/s",
        f"{figures.p50 * 1e3:.1f} ms",
        f"{figures.p99 * 1e3:.1f} ms",
        f"{worker_ms:.3f} ms",
        f"{client_ms:.3f} ms",
        f"{busy:.0%}",
        figures.bad,
    ]
    return figures, row


HELLO, SDK_HELLO, OURS = "hello-world", "bare ask-sdk skill", "back stretch coach"


App = tuple[str, str, dict[str, str], list[bytes]]


def _apps(bodies: list[bytes], database: Path) -> list[App]:
    """Name, gunicorn app spec, environment and request bodies of each app measured. Every app
    gets the same requests but hello-world, which answers anything alike."""
    ours = {"BACKSTRETCH_VERIFY": "0", "DATABASE_URL": f"sqlite:///{database}"}
    return [
        (HELLO, "bench.hello:create_hello_app()", {}, bodies[:1]),
        (SDK_HELLO, "bench.hello:create_sdk_hello_app()", {}, bodies),
        (OURS, "skill.app:create_app()", ours, bodies),
    ]


def _mean_mib(sizes: list[float]) -> float:
    return sum(sizes) / max(1, len(sizes))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0, help="load per measurement")
    parser.add_argument("--client", choices=clients.CLIENTS, default="python", help="load client")
    args = parser.parse_args(argv)
    if args.client == "wrk" and (missing := clients.wrk_missing()):
        parser.error(missing)
    bodies = _bodies()
    rows, memory, results = [], {}, {}
    with tempfile.TemporaryDirectory() as folder:
        for name, app, app_env, app_bodies in _apps(bodies, Path(folder) / "bench.sqlite3"):
            with gunicorn(app, app_env) as server:
                clients.run(args.client, server.port, app_bodies, 8, 1.0)  # warm up
                for concurrency in CONCURRENCY:
                    result, row = _measured(
                        args.client, server, app_bodies, concurrency, args.seconds
                    )
                    results[(name, concurrency)] = result
                    rows.append([name, *row])
                memory[name] = server.worker_rss_mib()
    settings = " ".join(GUNICORN_SETTINGS)
    print(f"Benchmark 2: HTTP under gunicorn {settings}, client {args.client} ({machine_line()})")
    headers = ["app", "concurrency", "throughput", "p50", "p99"]
    headers += ["worker CPU/request", "client CPU/request", "machine busy", "non-200"]
    print(table(headers, rows))
    for concurrency in CONCURRENCY:
        ours = results[(OURS, concurrency)].throughput
        share = ours / results[(HELLO, concurrency)].throughput
        sdk_share = ours / results[(SDK_HELLO, concurrency)].throughput
        ok = verdict(share >= THROUGHPUT_SHARE)
        print(
            f"c={concurrency}: throughput {share:.1%} of hello-world -> {ok}"
            f" ({sdk_share:.1%} of the bare ask-sdk skill's)"
        )
    p99 = results[(OURS, 64)].p99 * 1e3
    ok = verdict(p99 < P99_LIMIT_MS)
    print(f"c=64: p99 {p99:.1f} ms (target under {P99_LIMIT_MS:.0f} ms) -> {ok}")
    print()
    print("Benchmark 4: memory per worker after the load (RSS, MiB)")
    print(table(["app", "workers"], [[n, " ".join(f"{m:.1f}" for m in memory[n])] for n in memory]))
    ours_mib, hello_mib = _mean_mib(memory[OURS]), _mean_mib(memory[HELLO])
    ratio = ours_mib / hello_mib
    print(f"ratio to hello-world: {ratio:.2f}x ({ours_mib:.1f} MiB vs {hello_mib:.1f} MiB)")


if __name__ == "__main__":
    main()
