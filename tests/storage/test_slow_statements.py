"""A database that answers too slowly: the statement timeout turns it into a logged failure.

Another transaction holds the users table locked (as a long migration or a stuck session would),
so the store's own statements, run on the driver's cursor, wait until the server cancels them. The
driver's error reaches SafeStore unwrapped, which is why SafeStore knows the drivers' own errors.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import text
from storage_helpers import TODAY, record, wait_out_the_pause

from shared.reply import MarkScreened, RecordSession
from shared.storage import SafeStore
from shared.storage.engines import postgres_engine
from shared.storage.safe import is_database_failure


@pytest.mark.postgres
def test_a_slow_server_is_cut_off_by_the_statement_timeout(
    postgres_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    safe = SafeStore.open(postgres_url, timeout=1)
    assert safe.apply("u", [MarkScreened()], TODAY) is True
    started = time.monotonic()
    with caplog.at_level(logging.WARNING), _users_locked_elsewhere(postgres_url):
        assert safe.load("u") is None and not safe.healthy
        assert safe.apply("u", [RecordSession(record())], TODAY) is False  # not tried: a pause
        print(f"a turn on a blocked server gave up in {time.monotonic() - started:.2f} s")
        assert caplog.text.count("statement timeout") == 1
        wait_out_the_pause(safe)
        again = time.monotonic()
        assert safe.apply("u", [RecordSession(record())], TODAY) is False  # tried again ...
        assert time.monotonic() - again > 0.5  # ... and waited for the server's timeout
    assert caplog.text.count("statement timeout") == 1  # said once, not on every failure
    wait_out_the_pause(safe)
    assert safe.load("u") is not None and safe.healthy  # the lock gone, the store answers again
    safe.close()


@contextmanager
def _users_locked_elsewhere(url: str) -> Iterator[None]:
    """Another server's transaction holding the users table, readers and writers kept out."""
    engine = postgres_engine(url, timeout=30)
    try:
        with engine.connect() as connection, connection.begin():
            connection.execute(text("LOCK TABLE users IN ACCESS EXCLUSIVE MODE"))
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
