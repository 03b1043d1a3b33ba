"""Fault injection with PostgreSQL behind a proxy on loopback that cuts and stalls (#17 Tests):
nothing a user completed is lost, nothing is counted twice, no HTTP 5xx, and no turn takes
longer than the database budget and a margin (bench.faults.TURN_BOUND, a correctness bound).

- gunicorn with 2 workers and many simulated users (bench/faults.py, shortened): a server
  started during a cut, then restored; a cut and a stall under load; each worker restarted in
  turn during a cut (SIGTERM), its replacement starting without its database and healing;
- one app in-process answering many threads at once through a cut and then a stall, which
  exercises one store's backoff, single prober and journal under contention.
The minutes-long version is `python -m bench.faults`; its figures are in the README.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from bench.fault_proxy import FaultProxy
from bench.faults import SCENARIOS, TURN_BOUND, run_scenario
from bench.soak import SimulatedSession, session_for
from shared.storage import ProfileStore
from skill.app import create_app
from skill.config import SkillConfig
from skill.persistence import user_key

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_nothing_is_lost_under_load_on_gunicorn(server_url: str, scenario: str) -> None:
    figures = run_scenario(server_url, scenario, users=12, seconds=8)
    print(figures)
    assert figures["sessions_completed"] > 20  # the load did run, faults and all
    assert figures["sessions_lost"] == 0 and figures["sessions_counted_twice"] == 0
    assert figures["statuses"].keys() == {200} and figures["client_failures"] == 0
    assert figures["slowest_turn_s"] <= TURN_BOUND
    assert figures["passed"]


class ThreadedLoad:
    """Users in threads, each a conversation at a time through one in-process app."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.expected: Counter[str] = Counter()
        self.turns: list[float] = []
        self.statuses: Counter[int] = Counter()
        self.lock = threading.Lock()

    def user(self, number: int, until: float) -> None:
        chooser = random.Random(number)
        user = f"amzn1.ask.account.THREADS-{number}"
        while time.monotonic() < until:
            _name, talk = session_for(user, chooser)
            if self.conversation(talk):
                with self.lock:
                    self.expected[user_key(user)] += 1

    def conversation(self, talk: SimulatedSession) -> bool:
        """The soak's simulated session (bench/soak.py), through the app, each turn timed."""
        while talk.request is not None:
            started = time.monotonic()
            response = self.client.post("/alexa", data=json.dumps(talk.request))
            with self.lock:
                self.turns.append(time.monotonic() - started)
                self.statuses[response.status_code] += 1
            talk.answered(response.get_json())
        return talk.records


def test_many_threads_through_a_cut_and_a_stall_lose_nothing(
    postgres_url: str, tmp_path: Path
) -> None:
    with FaultProxy.to(postgres_url) as proxy:
        config = SkillConfig(
            verify=False, database_url=proxy.url(postgres_url), journal=tmp_path / "j.jsonl"
        )
        app = create_app(config)
        load = ThreadedLoad(app.test_client())
        until = time.monotonic() + 9
        threads = [threading.Thread(target=load.user, args=(n, until)) for n in range(16)]
        for thread in threads:
            thread.start()
        for action, after in (
            (proxy.cut, 1),
            (proxy.restore, 2),
            (proxy.stall, 2),
            (proxy.restore, 2),
        ):
            time.sleep(after)
            action()
        for thread in threads:
            thread.join(30)
        store = app.extensions["backstretch.endpoint"].store
        give_up = time.monotonic() + 30
        checker = ProfileStore.open(postgres_url)
        try:
            while True:
                stored = {user: checker.count_sessions(user) for user in load.expected}
                if stored == dict(load.expected) or time.monotonic() > give_up:
                    break
                load.conversation(SimulatedSession("amzn1.ask.account.THREADS-PROBE", ["help"]))
                time.sleep(0.2)
        finally:
            checker.close()
            store.close()
    assert sum(load.expected.values()) > 20
    assert stored == dict(load.expected)  # none lost, none counted twice
    assert load.statuses.keys() == {200}
    assert max(load.turns) <= TURN_BOUND
