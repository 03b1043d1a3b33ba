"""Waiting for another writer's SQLite lock in short steps, on a real database file, with the
clock and the pauses injected so every step is checked exactly and instantly."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from shared.storage.engines import LOCK_PAUSE_FIRST, LOCK_PAUSE_MAX, begin_immediate

TIMEOUT = 0.01


class FakeTime:
    """A clock that moves only when slept on; `on_sleep` runs after each pause."""

    def __init__(self) -> None:
        self.now = 100.0
        self.pauses: list[float] = []
        self.on_sleep: Callable[[int], None] = lambda count: None

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds
        self.on_sleep(len(self.pauses))


@pytest.fixture
def two_connections(tmp_path: Path) -> Iterator[tuple[sqlite3.Connection, sqlite3.Connection]]:
    path = tmp_path / "lock.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None, timeout=TIMEOUT)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("CREATE TABLE t (x)")
    waiter = sqlite3.connect(path, isolation_level=None, timeout=TIMEOUT)
    try:
        yield holder, waiter
    finally:
        holder.close()
        waiter.close()


def _busy_timeout(connection: sqlite3.Connection) -> int:
    return int(connection.execute("PRAGMA busy_timeout").fetchone()[0])


def test_the_lock_is_taken_at_the_first_try_after_it_is_released(
    two_connections: tuple[sqlite3.Connection, sqlite3.Connection],
) -> None:
    holder, waiter = two_connections
    holder.execute("BEGIN IMMEDIATE")
    fake = FakeTime()
    fake.on_sleep = lambda count: holder.execute("COMMIT") if count == 3 else None
    begin_immediate(waiter, TIMEOUT, clock=fake.clock, sleep=fake.sleep)
    assert fake.pauses == [LOCK_PAUSE_FIRST, LOCK_PAUSE_FIRST * 2, LOCK_PAUSE_FIRST * 4]
    assert waiter.in_transaction
    waiter.execute("INSERT INTO t VALUES (1)")  # the waiter holds the write lock now
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        holder.execute("BEGIN IMMEDIATE")
    waiter.execute("COMMIT")
    assert _busy_timeout(waiter) == int(TIMEOUT * 1000)  # SQLite's own wait is back for others


def test_a_lock_never_released_fails_as_busy_within_the_timeout(
    two_connections: tuple[sqlite3.Connection, sqlite3.Connection],
) -> None:
    holder, waiter = two_connections
    holder.execute("BEGIN IMMEDIATE")
    fake = FakeTime()
    with pytest.raises(sqlite3.OperationalError) as raised:
        begin_immediate(waiter, TIMEOUT, clock=fake.clock, sleep=fake.sleep)
    assert raised.value.sqlite_errorcode == sqlite3.SQLITE_BUSY
    assert sum(fake.pauses) <= TIMEOUT
    assert sum(fake.pauses) + LOCK_PAUSE_MAX > TIMEOUT  # it waited as long as it was allowed
    assert max(fake.pauses) == LOCK_PAUSE_MAX and fake.pauses == sorted(fake.pauses)
    assert not waiter.in_transaction
    assert _busy_timeout(waiter) == int(TIMEOUT * 1000)


def test_an_error_other_than_busy_is_raised_at_once(
    two_connections: tuple[sqlite3.Connection, sqlite3.Connection],
) -> None:
    _holder, waiter = two_connections
    waiter.execute("BEGIN")  # a transaction cannot begin inside another
    fake = FakeTime()
    with pytest.raises(sqlite3.OperationalError, match="within a transaction"):
        begin_immediate(waiter, TIMEOUT, clock=fake.clock, sleep=fake.sleep)
    assert fake.pauses == []
    waiter.execute("ROLLBACK")
    assert _busy_timeout(waiter) == int(TIMEOUT * 1000)


class BusyThenFree:
    """A driver whose BEGIN IMMEDIATE answers SQLite's busy codes, extended ones included, before
    it succeeds (SQLITE_BUSY_RECOVERY cannot be produced on demand on a real file)."""

    def __init__(self, codes: list[int]) -> None:
        self.codes = codes
        self.statements: list[str] = []

    def execute(self, statement: str) -> None:
        self.statements.append(statement)
        if statement == "BEGIN IMMEDIATE" and self.codes:
            error = sqlite3.OperationalError("database is locked")
            error.sqlite_errorcode = self.codes.pop(0)
            raise error


def test_extended_busy_codes_are_waited_for_too() -> None:
    busy_recovery, busy_snapshot = 261, 517  # SQLITE_BUSY with extended information
    driver = BusyThenFree([busy_recovery, busy_snapshot, sqlite3.SQLITE_BUSY])
    fake = FakeTime()
    begin_immediate(driver, TIMEOUT, clock=fake.clock, sleep=fake.sleep)  # type: ignore[arg-type]
    assert fake.pauses == [LOCK_PAUSE_FIRST * 2**n for n in range(3)]
    assert driver.statements[-2:] == [
        "BEGIN IMMEDIATE",
        f"PRAGMA busy_timeout={int(TIMEOUT * 1000)}",
    ]
