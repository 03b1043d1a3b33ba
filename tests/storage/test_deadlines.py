"""Deadlines on every database call (#17 point 2): a server that accepts and never answers costs
a call its deadline and no more, whether it stalls at connecting, at the pool's ping or in a
statement; a turn's calls share one budget; a SQLite statement past its deadline is interrupted."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from storage_helpers import TODAY, postgres_server_url, wait_out_the_pause

from bench.fault_proxy import FaultProxy
from shared.reply import MarkScreened
from shared.storage import ProfileStore, SafeStore, deadline

MARGIN = 0.3  # the watchdog's tick and the test's own scheduling
LOADED_MARGIN = 1.0  # the same with two dozen threads on a loaded machine


@pytest.fixture
def proxy() -> Iterator[FaultProxy]:
    """A proxy to the test server: what the store's URL points at (FaultProxy.url)."""
    with FaultProxy.to(postgres_server_url()) as opened:
        yield opened


def _timed(call: object) -> float:
    started = time.monotonic()
    assert callable(call)
    call()
    return time.monotonic() - started


@pytest.mark.postgres
def test_a_stalled_statement_and_ping_end_at_the_deadline(
    postgres_url: str, proxy: FaultProxy
) -> None:
    safe = SafeStore.open(proxy.url(postgres_url), timeout=1.0)
    try:
        assert safe.apply("u", [MarkScreened()], TODAY)
        proxy.stall()  # the pooled connection's ping, then a new connection, both unanswered
        took = _timed(lambda: safe.load("u"))
        assert safe.load("u") is None and not safe.healthy
        assert 0.9 < took < 1.0 + MARGIN
        proxy.restore()
        wait_out_the_pause(safe)
        assert safe.load("u") is not None and safe.healthy  # the stalled connection was dropped
    finally:
        safe.close()


@pytest.mark.postgres
def test_a_turn_shares_one_budget_between_its_calls(postgres_url: str, proxy: FaultProxy) -> None:
    safe = SafeStore.open(proxy.url(postgres_url), timeout=2.0)
    try:
        assert safe.apply("u", [MarkScreened()], TODAY)
        proxy.stall()
        with deadline.turn(0.8):
            took = _timed(lambda: (safe.load("u"), safe.apply("u", [MarkScreened()], TODAY)))
        assert took < 0.8 + MARGIN  # not 2 s a call
    finally:
        safe.close()


@pytest.mark.postgres
def test_opening_a_stalled_server_ends_at_the_deadline(
    postgres_url: str, proxy: FaultProxy
) -> None:
    """psycopg's own connect_timeout is whole seconds and at least 2: bounded finer here."""
    proxy.stall()
    started = time.monotonic()
    safe = SafeStore.open(proxy.url(postgres_url), timeout=0.7)
    took = time.monotonic() - started
    try:
        assert safe.store is None and safe.state == "unavailable"
        assert took < 0.7 + MARGIN
    finally:
        safe.close()


@pytest.mark.postgres
def test_many_threads_on_a_stalled_server_each_end_at_their_turns_deadline(
    postgres_url: str, proxy: FaultProxy
) -> None:
    """More turns at once than the pool has connections (5 + 10 overflow): whether a turn waits
    at connecting, at the ping or for a free connection, it ends at its turn's 1 s, not at the
    store's 4 s (the pool's, the connect's and the statement's own limits). Under 2 s is asked:
    wide enough for a loaded CI machine's scheduling, and still far from 4 s."""
    safe = SafeStore.open(proxy.url(postgres_url), timeout=4.0)
    took: list[float] = []
    try:
        assert safe.apply("u", [MarkScreened()], TODAY)
        proxy.stall()

        def turn(number: int) -> None:
            with deadline.turn(1.0):
                took.append(_timed(lambda: safe.apply(f"u{number}", [MarkScreened()], TODAY)))

        threads = [threading.Thread(target=turn, args=(n,)) for n in range(24)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        assert len(took) == 24 and min(took) > 0.9 and max(took) < 1.0 + LOADED_MARGIN
    finally:
        safe.close()


@pytest.mark.postgres
def test_waiting_for_a_free_connection_ends_at_the_calls_deadline(postgres_url: str) -> None:
    """Every connection in use (held here, outside any call): a turn of 0.5 s gives up on the
    pool at its deadline, not after the pool's own 4 s, and says the progress was not saved."""
    safe = SafeStore.open(postgres_url, timeout=4.0)
    assert safe.store is not None
    held = [safe.store.engine.connect() for _ in range(15)]  # pool_size 5 + overflow 10
    try:
        with deadline.turn(0.5):
            started = time.monotonic()
            saved = safe.apply("u", [MarkScreened()], TODAY)
            took = time.monotonic() - started
        assert not saved and 0.4 < took < 0.5 + MARGIN
        for connection in held:
            connection.close()
        held = []
        wait_out_the_pause(safe)
        assert safe.apply("u", [MarkScreened()], TODAY)  # outside a turn: the pool's own wait
        assert safe.store.engine.pool.timeout() == 4.0
    finally:
        for connection in held:
            connection.close()
        safe.close()


def test_a_sqlite_statement_past_its_deadline_is_interrupted(tmp_path: Path) -> None:
    store = ProfileStore.open(str(tmp_path / "p.sqlite3"))
    endless = (
        "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT count(*) FROM r"
    )
    try:
        started = time.monotonic()
        with (
            pytest.raises(Exception, match="interrupted"),
            deadline.call(0.2),
            store.engine.connect() as connection,
        ):
            connection.execute(text(endless))
        assert time.monotonic() - started < 0.2 + MARGIN
        assert store.load("u") is None  # the store goes on
    finally:
        store.close()


def test_a_result_that_comes_too_late_is_discarded() -> None:
    discarded: list[str] = []
    release = threading.Event()

    def slow() -> str:
        release.wait(5)
        return "late"

    with pytest.raises(deadline.DeadlineExceeded):
        deadline.bounded(slow, 0.05, discarded.append)
    release.set()
    for _ in range(100):
        if discarded:
            break
        time.sleep(0.01)
    assert discarded == ["late"]
    assert deadline.bounded(lambda: "soon", 1.0, discarded.append) == "soon"
    with pytest.raises(deadline.DeadlineExceeded):
        deadline.bounded(lambda: "never started", 0.0, discarded.append)


def test_a_turn_budget_bounds_every_call_inside_it() -> None:
    assert deadline.remaining(2.0) == 2.0  # outside a turn: the call's own limit
    with deadline.turn(0.5):
        assert 0.4 < deadline.remaining(2.0) <= 0.5
        with deadline.turn(5.0):  # an inner turn cannot extend the outer one
            assert deadline.remaining(2.0) <= 0.5
    assert deadline.time_left() is None
    with deadline.call(1.0) as armed:
        assert 0.9 < (deadline.time_left() or 0) <= 1.0 and deadline.current() is armed


def test_a_kill_attached_after_the_deadline_fails_the_call_at_once() -> None:
    killed: list[bool] = []
    with deadline.call(0.05) as armed:
        time.sleep(0.05 + 2 * deadline.TICK)
        assert armed.expired
        with pytest.raises(deadline.DeadlineExceeded):
            armed.attach(1, lambda: killed.append(True))
    assert killed == []


def test_the_watchdog_ends_what_a_call_waits_for() -> None:
    killed = threading.Event()
    with deadline.call(0.1) as armed:
        armed.attach(1, killed.set)
        assert killed.wait(0.1 + MARGIN)
    with deadline.call(0.1) as armed:
        armed.attach(1, lambda: pytest.fail("detached: not to be killed"))
        armed.detach(1)
        time.sleep(0.1 + 2 * deadline.TICK)
