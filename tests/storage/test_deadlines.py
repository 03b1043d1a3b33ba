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
def test_many_threads_on_a_stalled_server_each_end_in_time(
    postgres_url: str, proxy: FaultProxy
) -> None:
    safe = SafeStore.open(proxy.url(postgres_url), timeout=1.0)
    took: list[float] = []
    try:
        assert safe.apply("u", [MarkScreened()], TODAY)
        proxy.stall()

        def turn(number: int) -> None:
            with deadline.turn(1.0):
                took.append(_timed(lambda: safe.apply(f"u{number}", [MarkScreened()], TODAY)))

        threads = [threading.Thread(target=turn, args=(n,)) for n in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        assert len(took) == 16 and max(took) < 1.0 + MARGIN
    finally:
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
