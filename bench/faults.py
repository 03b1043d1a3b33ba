"""Fault injection under load: gunicorn (2 workers) on PostgreSQL behind a proxy that cuts and
stalls the way to the database, many simulated users talking all along; nothing may be lost, and
no turn may take longer than the database budget and a margin.

Each scenario: a fresh schema, a proxy (bench/fault_proxy.py) in front of the server, gunicorn
pointed at the proxy with a journal of its own, users running the soak's mixed dialogs while the
faults happen on schedule; then the database is left alone and the users' sessions are counted in
it, as the database itself holds them, until every one is there or RECOVERY_SECONDS pass (a probe
user keeps talking meanwhile: the workers write their journal back when their store answers).

Run: python -m bench.faults --minutes 3 --database-url postgresql://postgres@127.0.0.1:5432/test
(the minutes are shared out among the scenarios; each prints its figures).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.fault_proxy import FaultProxy
from bench.loadgen import post
from bench.pg import fresh_schema
from bench.servers import Server, gunicorn
from bench.soak import SimulatedSession, session_for
from shared.storage import ProfileStore
from skill.persistence import user_key

TURN_BOUND = 3.0  # seconds: the turn budget (1.5 s) and a generous margin, a correctness bound
RECOVERY_SECONDS = 60.0


@dataclass(frozen=True)
class Fault:
    """At `at` (a share of the load's length): "cut" or "stall" the database for `seconds` (a
    share too), "restore" it, or "restart" one of gunicorn's workers (SIGTERM: it finishes its
    request and exits, and gunicorn starts another, which opens its store during the fault;
    as after an OOM kill, --max-requests or a worker timeout)."""

    at: float
    kind: str
    seconds: float = 0.0


# Each scenario as a share of the load's length (at and seconds in fractions of it).
SCENARIOS: dict[str, tuple[bool, tuple[Fault, ...]]] = {
    "start during a cut, then restore": (True, (Fault(0.3, "restore"),)),
    "cut under load": (False, (Fault(0.2, "cut", 0.4),)),
    "stall under load": (False, (Fault(0.2, "stall", 0.4),)),
    "workers restarted during a cut": (
        False,
        (Fault(0.2, "cut", 0.5), Fault(0.3, "restart"), Fault(0.5, "restart")),
    ),
}


@dataclass
class Figures:
    statuses: Counter[int] = field(default_factory=Counter)
    turns: list[float] = field(default_factory=list)  # seconds each turn took
    expected: Counter[str] = field(default_factory=Counter)  # user key -> sessions completed
    failures: int = 0


async def _conversation(port: int, talk: SimulatedSession, figures: Figures) -> bool | None:
    """One session of the soak's (bench/soak.py), each turn timed: None when a turn was not
    answered, else whether the session leaves a record."""
    while talk.request is not None:
        started = time.monotonic()
        status, body = await post(port, "/alexa", json.dumps(talk.request).encode(), timeout=30)
        figures.turns.append(time.monotonic() - started)
        figures.statuses[status] += 1
        if status != 200:
            return None
        talk.answered(json.loads(body))
    return talk.records


async def _user(port: int, number: int, until: float, figures: Figures, seed: int) -> None:
    chooser = random.Random(seed + number)
    user = f"amzn1.ask.account.FAULTS-{seed}-{number}"
    while time.monotonic() < until:
        _name, talk = session_for(user, chooser)
        try:
            records = await _conversation(port, talk, figures)
        except (TimeoutError, OSError, ValueError):
            figures.failures += 1
            continue
        if records is None:
            figures.failures += 1
        elif records:
            figures.expected[user_key(user)] += 1


def _schedule(proxy: FaultProxy, server: Server, faults: tuple[Fault, ...], length: float) -> None:
    """Run the faults on time, in a thread of their own; each cut or stall ends on time too."""
    events: list[tuple[float, Callable[[], None]]] = []
    for fault in faults:
        if fault.kind in ("cut", "stall"):
            events.append((fault.at * length, getattr(proxy, fault.kind)))
            events.append(((fault.at + fault.seconds) * length, proxy.restore))
        elif fault.kind == "restore":
            events.append((fault.at * length, proxy.restore))
        elif fault.kind == "restart":
            events.append((fault.at * length, lambda: _restart_one(server)))
    started = time.monotonic()
    for at, action in sorted(events, key=lambda event: event[0]):
        time.sleep(max(0.0, started + at - time.monotonic()))
        action()


def _restart_one(server: Server) -> None:
    """The oldest worker told to stop (gunicorn starts a new one); the other goes on answering."""
    workers = sorted(server.worker_pids())
    if workers:
        os.kill(workers[0], signal.SIGTERM)


def _stored(database_url: str, users: list[str]) -> dict[str, int]:
    store = ProfileStore.open(database_url)
    try:
        return {user: store.count_sessions(user) for user in users}
    finally:
        store.close()


async def _recover(port: int, database_url: str, figures: Figures) -> tuple[dict[str, int], float]:
    """Wait until every completed session is stored (a probe user talking meanwhile)."""
    started = time.monotonic()
    probe = Figures()
    while True:
        stored = _stored(database_url, list(figures.expected))
        if all(stored[user] >= n for user, n in figures.expected.items()):
            return stored, time.monotonic() - started
        if time.monotonic() - started > RECOVERY_SECONDS:
            return stored, time.monotonic() - started
        await _conversation(
            port, SimulatedSession("amzn1.ask.account.FAULTS-PROBE", ["help"]), probe
        )
        await asyncio.sleep(0.2)


def run_scenario(
    database_url: str, name: str, *, users: int, seconds: float, seed: int = 1
) -> dict[str, Any]:
    """One scenario of SCENARIOS on a fresh schema of `database_url`; its figures."""
    starts_cut, faults = SCENARIOS[name]
    figures = Figures()
    with (
        fresh_schema(database_url) as url,
        FaultProxy.to(url) as proxy,
        tempfile.TemporaryDirectory(prefix="backstretch-faults-") as folder,
    ):
        if starts_cut:
            proxy.cut()
        env = {
            "BACKSTRETCH_VERIFY": "0",
            "DATABASE_URL": proxy.url(url),
            "BACKSTRETCH_JOURNAL": str(Path(folder) / "unsaved.jsonl"),
            "PROMETHEUS_MULTIPROC_DIR": str(Path(folder) / "metrics"),
        }
        with gunicorn("skill.app:create_app()", env, ["--timeout", "30"]) as server:
            chaos = threading.Thread(target=_schedule, args=(proxy, server, faults, seconds))
            chaos.start()
            until = time.monotonic() + seconds
            asyncio.run(_load(server.port, users, until, figures, seed))
            chaos.join()
            proxy.restore()
            stored, recovery = asyncio.run(_recover(server.port, proxy.url(url), figures))
    return _summary(name, figures, stored, recovery)


async def _load(port: int, users: int, until: float, figures: Figures, seed: int) -> None:
    await asyncio.gather(*(_user(port, n, until, figures, seed) for n in range(users)))


def _summary(
    name: str, figures: Figures, stored: dict[str, int], recovery: float
) -> dict[str, Any]:
    expected = sum(figures.expected.values())
    lost = sum(max(0, n - stored[user]) for user, n in figures.expected.items())
    doubled = sum(max(0, stored[user] - n) for user, n in figures.expected.items())
    turns = sorted(figures.turns)
    p99 = turns[int(len(turns) * 0.99)] if turns else 0.0
    server_errors = sum(n for status, n in figures.statuses.items() if status >= 500)
    return {
        "scenario": name,
        "turns": len(turns),
        "statuses": dict(figures.statuses),
        "client_failures": figures.failures,
        "sessions_completed": expected,
        "sessions_stored": expected - lost,
        "sessions_lost": lost,
        "sessions_counted_twice": doubled,
        "slowest_turn_s": round(turns[-1], 3) if turns else 0.0,
        "p99_turn_s": round(p99, 3),
        "turns_over_bound": sum(1 for took in turns if took > TURN_BOUND),
        "recovered_in_s": round(recovery, 2),
        "passed": lost == 0
        and doubled == 0
        and server_errors == 0
        and figures.failures == 0
        and (not turns or turns[-1] <= TURN_BOUND),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=3.0, help="load time, all scenarios")
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument("--database-url", default=os.environ.get("TEST_DATABASE_URL", ""))
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), action="append")
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("give --database-url (or set TEST_DATABASE_URL)")
    names = args.scenario or list(SCENARIOS)
    seconds = args.minutes * 60 / len(names)
    passed = True
    for name in names:
        figures = run_scenario(args.database_url, name, users=args.users, seconds=seconds)
        passed = passed and figures["passed"]
        print()
        for key, value in figures.items():
            print(f"{key:>24}: {value}")
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
