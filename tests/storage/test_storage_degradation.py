"""SafeStore: a database that is down, lost, locked or slow costs the saving, never the answer."""

from __future__ import annotations

import logging
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from storage_helpers import (
    CLOSED_PORT_URL,
    TODAY,
    CheckedSafeStore,
    record,
    schema_of,
    server_part,
    wait_out_the_pause,
)

from shared.reply import DeleteProfile, MarkScreened, RecordSession, SavePreferences
from shared.storage import ProfileStore, SafeStore
from shared.storage.engines import postgres_engine
from shared.storage.safe import brief
from shared.storage.store import database_url as resolve

LOGGER = "shared.storage.safe"


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def _assert_saves_nothing(safe: SafeStore) -> None:
    assert safe.load("u") is None
    assert safe.revision("u") is None
    assert safe.apply("u", [MarkScreened()], TODAY) is False
    assert safe.apply_tracked("u", [RecordSession(record())], TODAY) == (False, None)
    assert safe.delete("u") is False
    assert not safe.healthy


# -- a database that cannot be opened ------------------------------------------------------------


def test_a_database_that_is_down_gives_a_store_that_saves_nothing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        safe = CheckedSafeStore.open(CLOSED_PORT_URL, timeout=1)
        print(f"refused connection noticed in {time.monotonic() - started:.2f} s")
        assert safe.store is None
        _assert_saves_nothing(safe)
        safe.close()  # nothing to close, and no error
    messages = _warnings(caplog)
    assert len(messages) == 1, messages  # said once, at opening: not on every call
    assert messages[0].startswith("progress not saved for now: cannot open the database")
    assert "\n" not in messages[0]


class SilentServer:
    """A port that accepts connections and never answers: a server hung, not down. Counts the
    connections made to it, which is how a test sees retries without timing anything."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.accepted: list[socket.socket] = []
        self.url = f"postgresql://postgres@127.0.0.1:{self.socket.getsockname()[1]}/test"
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                self.accepted.append(self.socket.accept()[0])
            except OSError:  # closed: the test is over
                return

    def close(self) -> None:
        self.socket.close()
        for connection in self.accepted:
            connection.close()


@pytest.fixture
def silent_server() -> Iterator[SilentServer]:
    server = SilentServer()
    try:
        yield server
    finally:
        server.close()


def test_a_server_that_never_answers_is_given_up_on_after_one_attempt(
    silent_server: SilentServer, caplog: pytest.LogCaptureFixture
) -> None:
    """One connect timeout, not one per migration retry (five, before the fix)."""
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        safe = CheckedSafeStore.open(silent_server.url, timeout=1)
    print(f"silent server given up on after {time.monotonic() - started:.2f} s")
    assert safe.store is None and "cannot open the database" in caplog.text
    assert len(silent_server.accepted) == 1


@pytest.mark.parametrize(
    "url",
    [
        "mysql://nobody@127.0.0.1:1/none",  # a driver that is not installed
        "nosuchdialect://x/y",  # not a database SQLAlchemy knows
    ],
)
def test_an_unusable_url_degrades_instead_of_raising(
    url: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        safe = CheckedSafeStore.open(url, timeout=1)
    assert safe.store is None and safe.apply("u", [MarkScreened()], TODAY) is False
    assert "cannot open the database" in caplog.text


@pytest.mark.postgres
def test_a_database_that_does_not_exist_degrades(
    postgres_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    missing = server_part(postgres_url).rsplit("/", 1)[0] + "/no_such_database_here"
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        safe = CheckedSafeStore.open(missing, timeout=1)
    assert safe.store is None and "cannot open the database" in caplog.text


def test_a_sqlite_file_that_cannot_be_created_degrades(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the database directory should be")
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        safe = CheckedSafeStore.open(str(blocker / "progress.sqlite3"))
    assert safe.store is None and "cannot open the database" in caplog.text


# -- a database lost while in use ----------------------------------------------------------------


def test_a_sqlite_database_lost_mid_life_degrades_then_recovers(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    home = tmp_path / "data"
    safe = CheckedSafeStore.open(str(home / "progress.sqlite3"), timeout=1)
    assert safe.store is not None and safe.healthy
    assert safe.apply("u", [RecordSession(record()), MarkScreened()], TODAY) is True
    away = tmp_path / "moved"
    home.rename(away)  # the volume went away ...
    safe.store.engine.dispose()  # ... and the pooled connections with it
    try:
        with caplog.at_level(logging.WARNING, logger=LOGGER):
            assert safe.load("u") is None
            assert not safe.healthy and safe.state == "unavailable"
            assert safe.apply("u", [RecordSession(record())], TODAY) is False
            assert safe.revision("u") is None and not safe.healthy
        errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
        assert errors == [
            f"the database file {home / 'progress.sqlite3'} was deleted while in use: reopening it"
        ]
        assert any("cannot open the database" in m for m in _warnings(caplog))
        assert not home.exists()  # no new, empty database where the volume was
    finally:
        away.rename(home)  # it comes back: the first call after the pause works again
    wait_out_the_pause(safe)
    profile = safe.load("u")
    assert safe.healthy and profile is not None and len(profile.sessions) == 1
    assert safe.apply("u", [SavePreferences(30, 5)], TODAY) is True and safe.healthy
    safe.close()


@pytest.mark.postgres
def test_a_postgres_server_lost_mid_life_degrades_then_recovers(
    postgres_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    safe = CheckedSafeStore.open(postgres_url, timeout=1)
    store = safe.store
    assert store is not None and safe.apply("u", [MarkScreened()], TODAY) is True
    good_engine = store.engine
    store.engine = postgres_engine(resolve(CLOSED_PORT_URL), 1)  # the server is gone
    try:
        started = time.monotonic()
        with caplog.at_level(logging.WARNING, logger=LOGGER):
            assert safe.apply("u", [RecordSession(record())], TODAY) is False
            assert not safe.healthy
            assert safe.load("u") is None and not safe.healthy
            assert safe.revision("u") is None and not safe.healthy
        print(f"three calls to a lost server failed in {time.monotonic() - started:.2f} s")
        assert "progress not saved: database error" in caplog.text
        assert "progress not loaded" not in caplog.text  # tried once, then left alone a while
    finally:
        store.engine.dispose()
        store.engine = good_engine  # and back
    wait_out_the_pause(safe)
    assert safe.apply("u", [RecordSession(record())], TODAY) is True and safe.healthy
    assert safe.revision("u") is not None and safe.healthy
    assert store.count_sessions("u") == 1  # the failed write left nothing behind
    safe.close()


@pytest.mark.postgres
def test_a_restarted_postgres_server_costs_no_failed_call(postgres_url: str) -> None:
    """Pooled connections killed by the server are noticed (pre-ping) and replaced."""
    import psycopg

    safe = CheckedSafeStore.open(postgres_url, timeout=1)
    store = safe.store
    assert store is not None and safe.apply("u", [MarkScreened()], TODAY) is True
    with store.engine.connect() as connection:
        backend = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
    with psycopg.connect(server_part(postgres_url), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (backend,))
    assert safe.apply("u", [RecordSession(record())], TODAY) is True and safe.healthy
    profile = safe.load("u")
    assert profile is not None and len(profile.sessions) == 1
    safe.close()


# -- a database that is slow ---------------------------------------------------------------------


@pytest.mark.postgres
def test_a_locked_postgres_table_times_out_instead_of_hanging(
    postgres_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    import psycopg

    safe = CheckedSafeStore.open(postgres_url, timeout=1)
    assert safe.apply("u", [MarkScreened()], TODAY) is True
    locker = psycopg.connect(server_part(postgres_url))  # a transaction: BEGIN is implicit
    try:
        locker.execute(f"SET search_path TO {schema_of(postgres_url)}")
        locker.execute("LOCK TABLE users IN ACCESS EXCLUSIVE MODE")
        with caplog.at_level(logging.WARNING, logger=LOGGER):
            started = time.monotonic()
            assert safe.apply("u", [SavePreferences(30, 5)], TODAY) is False
            assert not safe.healthy
            assert safe.load("u") is None
            print(f"write and read on a locked table gave up in {time.monotonic() - started:.2f} s")
        assert "statement timeout" in caplog.text
    finally:
        locker.rollback()
        locker.close()
    wait_out_the_pause(safe)
    assert safe.apply("u", [SavePreferences(30, 5)], TODAY) is True and safe.healthy
    profile = safe.load("u")
    assert profile is not None and (profile.hold_seconds, profile.reps) == (30, 5)
    safe.close()


def test_a_locked_sqlite_file_times_out_instead_of_hanging(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "progress.sqlite3"
    safe = CheckedSafeStore.open(str(path), timeout=1)
    assert safe.apply("u", [MarkScreened()], TODAY) is True
    writer = sqlite3.connect(path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        with caplog.at_level(logging.WARNING, logger=LOGGER):
            started = time.monotonic()
            assert safe.apply("u", [SavePreferences(30, 5)], TODAY) is False
            print(f"locked SQLite write gave up in {time.monotonic() - started:.2f} s")
        assert not safe.healthy and "database is locked" in caplog.text
        wait_out_the_pause(safe)  # a lock not taken in time: the store pauses, then tries
        profile = safe.load("u")  # WAL: readers are not blocked by the writer
        assert profile is not None and safe.healthy
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert safe.apply("u", [SavePreferences(30, 5)], TODAY) is True and safe.healthy
    safe.close()


@pytest.mark.postgres
def test_a_slow_database_does_not_hold_up_other_threads_beyond_the_timeout(
    postgres_url: str,
) -> None:
    """Several requests at once against a locked table: all give up within the timeout."""
    import psycopg

    safe = CheckedSafeStore.open(postgres_url, timeout=1)
    results: list[bool] = []
    locker = psycopg.connect(server_part(postgres_url))
    try:
        locker.execute(f"SET search_path TO {schema_of(postgres_url)}")
        locker.execute("LOCK TABLE users IN ACCESS EXCLUSIVE MODE")
        started = time.monotonic()
        threads = [
            threading.Thread(
                target=lambda n=n: results.append(safe.apply(f"u{n}", [MarkScreened()], TODAY))
            )
            for n in range(4)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        print(f"4 writers on a locked table all gave up in {time.monotonic() - started:.2f} s")
    finally:
        locker.rollback()
        locker.close()
        safe.close()
    assert results == [False] * 4


# -- a store that works ---------------------------------------------------------------------------


def test_a_working_store_passes_everything_through(database_url: str) -> None:
    safe = CheckedSafeStore.open(database_url)
    try:
        assert safe.healthy and isinstance(safe.store, ProfileStore)
        assert safe.load("u") is None and safe.revision("u") is None and safe.healthy
        saved, revision = safe.apply_tracked("u", [RecordSession(record()), MarkScreened()], TODAY)
        assert saved and revision is not None and safe.revision("u") == revision
        assert safe.apply("u", [], TODAY) is True  # nothing to do is not a failure
        profile = safe.load("u")
        assert profile is not None and profile.screened_on == TODAY
        assert safe.delete("u") is True and safe.load("u") is None
        assert safe.apply("u", [DeleteProfile()], TODAY) is True  # deleting nobody is fine
    finally:
        safe.close()


def test_a_store_that_never_opened_is_not_healthy() -> None:
    safe = CheckedSafeStore(None)
    assert not safe.healthy
    assert safe.apply("u", [MarkScreened()], TODAY) is False and not safe.healthy


def test_brief_keeps_the_first_line_of_an_error() -> None:
    assert brief(RuntimeError("first line\nsecond line\nthird")) == "first line"
    assert brief(RuntimeError("x" * 500)) == "x" * 200
    assert brief(TimeoutError()) == "TimeoutError"
