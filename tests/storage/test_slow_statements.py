"""A database that answers too slowly: the statement timeout turns it into a logged failure.

A read is slowed by pg_sleep slipped in front of the store's own statements by an event hook, so
the store's real code path is what times out; a write (run on the driver's cursor, which no hook
sees) waits for a row lock another transaction holds. Either way the driver's error reaches
SafeStore unwrapped, which is why SafeStore also knows the drivers' own error classes.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, select
from storage_helpers import TODAY, record

from shared.reply import MarkScreened, RecordSession
from shared.storage import SafeStore
from shared.storage.engines import postgres_engine
from shared.storage.safe import is_database_failure
from shared.storage.schema import users


def _sleep_before_each_statement(safe: SafeStore, seconds: float) -> None:
    assert safe.store is not None

    @event.listens_for(safe.store.engine, "before_cursor_execute")
    def _slow(_conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        cursor.execute(f"SELECT pg_sleep({seconds})")


@pytest.mark.postgres
def test_a_slow_server_is_cut_off_by_the_statement_timeout(
    postgres_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    safe = SafeStore.open(postgres_url, timeout=1)
    assert safe.apply("u", [MarkScreened()], TODAY) is True
    _sleep_before_each_statement(safe, 30)
    started = time.monotonic()
    with caplog.at_level(logging.WARNING):
        assert safe.load("u") is None and not safe.healthy
        with _row_locked_elsewhere(postgres_url, "u"):  # writes run on the driver's own cursor
            assert safe.apply("u", [RecordSession(record())], TODAY) is False
    print(f"two calls to a 30 s-slow server gave up in {time.monotonic() - started:.2f} s")
    assert caplog.text.count("statement timeout") == 2
    safe.close()


@contextmanager
def _row_locked_elsewhere(url: str, user_id: str) -> Iterator[None]:
    """Another server's long transaction holding the row lock a write must wait for."""
    engine = postgres_engine(url, timeout=30)
    try:
        with engine.connect() as connection, connection.begin():
            locked = select(users.c.user_id).where(users.c.user_id == user_id).with_for_update()
            assert connection.execute(locked).first() is not None
            yield
    finally:
        engine.dispose()


def test_driver_errors_count_as_database_failures_and_bugs_do_not() -> None:
    import psycopg

    assert is_database_failure(sqlite3.OperationalError("database is locked"))
    assert is_database_failure(psycopg.errors.QueryCanceled("canceling statement"))
    assert is_database_failure(OSError("read-only file system"))
    assert not is_database_failure(KeyError("a bug"))
    assert not is_database_failure(AttributeError("another bug"))


def test_a_bug_is_not_hidden_as_a_database_failure(tmp_path: Any) -> None:
    safe = SafeStore.open(str(tmp_path / "p.sqlite3"))
    try:
        with pytest.raises(TypeError, match="cannot apply"):
            safe.apply("u", [MarkScreened(), object()], TODAY)  # type: ignore[list-item]
        assert safe.load("u") is None  # and the transaction was rolled back
    finally:
        safe.close()
