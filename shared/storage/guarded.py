"""Pool events that keep every connection within the current call's deadline (deadline.py).

- On checkout a connection is attached to the call under way, with the way to end its waits:
  PostgreSQL's socket is shut (the blocked driver call fails at once, the connection is dropped),
  SQLite's connection is interrupted. On checkin it is detached.
- PostgreSQL's ping runs here, after the connection is attached, instead of SQLAlchemy's
  pool_pre_ping (which runs before any event could bound it, and waited for ever on a server
  that accepts connections and never answers). A connection just made is not pinged.
- A new PostgreSQL connection is made within the call's time left: psycopg's connect_timeout
  counts whole seconds and at least 2, too coarse for a turn's budget.
- Waiting for a free connection (all of them in use) ends at the call's deadline too
  (DeadlinePool): the pool's own timeout counts from the start of the wait, not from the turn's.
- A SQLite connection that opened its file read-only (the file or folder was not writable then)
  is not kept: it is replaced at checkout once the file is writable again, or it would fail every
  write for the rest of the worker's life.
"""

from __future__ import annotations

import os
import socket
from contextlib import suppress
from typing import Any

from sqlalchemy import Engine, QueuePool, event
from sqlalchemy.exc import DisconnectionError

from shared.storage import deadline

FRESH = "backstretch_fresh"
READ_ONLY = "backstretch_read_only"


class DeadlinePool(QueuePool):
    """A QueuePool whose wait for a free connection lasts at most what is left of the current
    call: with every connection busy on a stalled server, a turn that came late would otherwise
    wait the whole pool timeout after its own deadline. QueuePool reads `_timeout` at each wait
    (tests/storage/test_deadlines.py fails if a SQLAlchemy release stops doing so)."""

    # Log as QueuePool does, under "sqlalchemy" (quiet below WARNING unless asked), not as a
    # logger of ours that an INFO-level configuration would let through.
    _sqla_logger_namespace = "sqlalchemy.pool.impl.QueuePool"

    @property
    def _timeout(self) -> float:
        left, configured = deadline.time_left(), self._configured_timeout
        return configured if left is None else max(0.0, min(configured, left))

    @_timeout.setter
    def _timeout(self, seconds: float) -> None:
        self._configured_timeout = seconds

    def timeout(self) -> float:
        return self._configured_timeout

    def recreate(self) -> QueuePool:
        """A new pool (Engine.dispose) keeps the configured timeout, not the call's time left."""
        fresh = super().recreate()
        fresh._timeout = self._configured_timeout
        return fresh


def guard_postgres(engine: Engine) -> None:
    """Bounded connects, a bounded ping, and a watchdog's way to end a stalled call."""

    @event.listens_for(engine, "do_connect")
    def _connect(_dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        left = deadline.time_left()
        if left is None:
            return None  # outside a call: the driver's own connect_timeout applies
        dbapi = engine.dialect.loaded_dbapi
        return deadline.bounded(lambda: dbapi.connect(*cargs, **cparams), left, _close)

    @event.listens_for(engine, "connect")
    def _fresh(_dbapi_connection: Any, record: Any) -> None:
        record.info[FRESH] = True

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        _attach(record, lambda: _shut_socket(dbapi_connection))
        if record.info.pop(FRESH, False):
            return
        try:
            _ping(dbapi_connection)
        except Exception as error:  # the pool replaces the connection (a new connect, bounded)
            _detach(record)
            raise DisconnectionError(f"the ping failed: {error}") from error

    @event.listens_for(engine, "checkin")
    def _checkin(_dbapi_connection: Any, record: Any) -> None:
        _detach(record)


def guard_sqlite(engine: Engine, path: str | None) -> None:
    """Interrupt a statement past the deadline; do not keep read-only connections."""

    @event.listens_for(engine, "connect")
    def _mode(_dbapi_connection: Any, record: Any) -> None:
        record.info[READ_ONLY] = path is not None and not _writable(path)

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if record.info.get(READ_ONLY) and path is not None and _writable(path):
            raise DisconnectionError("opened read-only; the file is writable again")
        _attach(record, dbapi_connection.interrupt)

    @event.listens_for(engine, "checkin")
    def _checkin(_dbapi_connection: Any, record: Any) -> None:
        _detach(record)


def _attach(record: Any, kill: deadline.Kill) -> None:
    found = deadline.current()
    if found is not None:
        found.attach(id(record), kill)


def _detach(record: Any) -> None:
    found = deadline.current()
    if found is not None:
        found.detach(id(record))


def _ping(dbapi_connection: Any) -> None:
    """SELECT 1 outside any transaction (psycopg refuses to change autocommit inside one)."""
    autocommit = dbapi_connection.autocommit
    if not autocommit:
        dbapi_connection.autocommit = True
    try:
        dbapi_connection.execute("SELECT 1")
    finally:
        if not autocommit and not dbapi_connection.closed:
            dbapi_connection.autocommit = False


def _shut_socket(dbapi_connection: Any) -> None:
    """End every wait on the connection's socket: the driver sees the server gone."""
    descriptor = dbapi_connection.pgconn.socket
    with socket.socket(fileno=os.dup(descriptor)) as duplicate:
        duplicate.shutdown(socket.SHUT_RDWR)


def _close(dbapi_connection: Any) -> None:
    """A connection that arrived after its call gave up on it."""
    with suppress(Exception):  # nothing to tell anyone: it was never used
        dbapi_connection.close()


def _writable(path: str) -> bool:
    """Whether SQLite could open the file read-write (a missing file: its folder decides)."""
    if os.path.exists(path):
        return os.access(path, os.W_OK)
    return os.access(os.path.dirname(path) or ".", os.W_OK)
