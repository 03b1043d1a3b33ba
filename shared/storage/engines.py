"""Engines for the two dialects, and which database a URL, a path or nothing at all means.

Each engine is set up so that no call can hang past the store's timeout and every transaction is
real (SQLite included), which is what lets the store promise atomic changes and quick failures.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Connection, Engine, PoolProxiedConnection, create_engine, event
from sqlalchemy.engine import make_url

from shared.storage.guarded import DeadlinePool, guard_postgres, guard_sqlite

SQLITE_BEGIN = "backstretch_sqlite_begin"  # execution option: how a SQLite transaction begins
IMMEDIATE = {SQLITE_BEGIN: "BEGIN IMMEDIATE"}
WAL_ATTEMPTS = 10  # take SQLite's write lock at once (busy_timeout)
LOCK_PAUSE_FIRST = 0.0001  # seconds between tries for another writer's lock: 0.1 ms, doubling,
LOCK_PAUSE_MAX = 0.002  # up to 2 ms
STATEMENT_SHARE = 0.8  # of the timeout: PostgreSQL's statement_timeout
KEEPALIVE_IDLE = 10  # seconds without traffic before TCP checks that the server is still there,
KEEPALIVE_INTERVAL = 2  # then every 2 s,
KEEPALIVE_COUNT = 3  # giving up after 3 unanswered probes


def default_sqlite_path() -> Path:
    """Where the tutor keeps progress unless told otherwise (the user's data directory)."""
    return Path(platformdirs.user_data_dir("backstretch")) / "progress.sqlite3"


def database_url(url: str | None) -> str:
    """Explicit url, else DATABASE_URL, else the SQLite file; plain paths become sqlite URLs and
    postgresql:// uses psycopg 3."""
    chosen = url or os.environ.get("DATABASE_URL") or str(default_sqlite_path())
    if chosen.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + chosen.split("://", 1)[1]
    if "://" not in chosen:
        return f"sqlite:///{Path(chosen).expanduser().resolve()}"
    return chosen


def sqlite_engine(url: str, timeout: float, *, make_folder: bool = True) -> Engine:
    """WAL (readers never wait for the writer), busy_timeout, foreign keys, real transactions.
    The file's folder is made unless told not to (a store reopening a file whose folder went
    away, an unmounted volume, must not make a new one where the volume was)."""
    path = make_url(url).database
    if make_folder and path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": timeout, "check_same_thread": False})
    guard_sqlite(engine, path if path and path != ":memory:" else None)

    @event.listens_for(engine, "connect")
    def _pragmas(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
        _enable_wal(cursor)
        cursor.execute("PRAGMA synchronous=NORMAL")  # durable in WAL mode but for a power cut
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
        # pysqlite opens transactions only before INSERT/UPDATE/DELETE, so a migration's
        # CREATE/ALTER would commit on its own; SQLAlchemy's begin event emits BEGIN instead.
        connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        statement = connection.get_execution_options().get(SQLITE_BEGIN, "BEGIN")
        if statement == IMMEDIATE[SQLITE_BEGIN]:
            begin_immediate(sqlite_driver(connection.connection), timeout)
        else:
            connection.exec_driver_sql(statement)

    return engine


def sqlite_driver(connection: PoolProxiedConnection) -> sqlite3.Connection:
    """The sqlite3 connection under a pooled one (SQLAlchemy types it as any driver's)."""
    driver = connection.driver_connection
    if not isinstance(driver, sqlite3.Connection):
        raise TypeError(f"not a SQLite connection: {driver!r}")
    return driver


def begin_immediate(
    driver: sqlite3.Connection,
    timeout: float,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """BEGIN IMMEDIATE, waiting for another writer's lock up to `timeout` in short steps.

    SQLite's own busy handler waits 1 ms, then 2, 5, 10 ms and more between tries, while a write
    here holds the lock for a fraction of a millisecond: two workers writing at once cost the
    second one a millisecond or more of idling, and the slowest requests many. Retrying here after
    0.1 ms, doubling to at most LOCK_PAUSE_MAX, keeps the wait close to the time the lock is held.
    """
    deadline = clock() + timeout
    pause = LOCK_PAUSE_FIRST
    driver.execute("PRAGMA busy_timeout=0")  # answer SQLITE_BUSY at once: we do the waiting
    try:
        while True:
            try:
                driver.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if not _is_busy(error) or clock() + pause > deadline:
                    raise
            sleep(pause)
            pause = min(pause * 2, LOCK_PAUSE_MAX)
    finally:
        driver.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")


def _is_busy(error: sqlite3.OperationalError) -> bool:
    """SQLITE_BUSY or one of its extended codes (SQLITE_BUSY_RECOVERY while another connection
    recovers a new file's WAL, SQLITE_BUSY_SNAPSHOT...): all mean "try again shortly"."""
    return error.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY


def _enable_wal(cursor: Any) -> None:
    """Switch a new file to WAL (it stays so). Workers opening a new file together race for the
    switch, and SQLite reports the loser busy at once, without waiting: so try a few times."""
    for attempt in range(WAL_ATTEMPTS):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError:
            if attempt == WAL_ATTEMPTS - 1:
                raise
            time.sleep(0.02 * (attempt + 1))


def postgres_engine(url: str, timeout: float) -> Engine:
    """Every limit follows `timeout`: connecting, each statement, waiting for a free connection,
    a server that stops acknowledging what is sent (tcp_user_timeout) and one that silently
    went away (keepalives). A server that accepts and never answers is the watchdog's
    (deadline.py, through guarded.py): the ping and every statement end at the call's deadline."""
    parsed = make_url(url)
    given = parsed.query.get("options") or ()
    # The server's own limit comes a little before the client's deadline, so a statement that is
    # merely slow ends with the server's answer and its connection stays usable.
    limit = f"-c statement_timeout={int(timeout * 1000 * STATEMENT_SHARE)}"
    options = " ".join(o for o in (*((given,) if isinstance(given, str) else given), limit) if o)
    parsed = parsed.difference_update_query(["options"])
    connect_args = {
        "connect_timeout": max(2, round(timeout)),  # psycopg's least; guarded.py bounds it finer
        "options": options,
        "tcp_user_timeout": int(timeout * 1000),
        "keepalives": 1,
        "keepalives_idle": KEEPALIVE_IDLE,
        "keepalives_interval": KEEPALIVE_INTERVAL,
        "keepalives_count": KEEPALIVE_COUNT,
    }
    engine = create_engine(
        parsed,
        connect_args=connect_args,
        pool_pre_ping=False,  # guarded.py pings, within the deadline
        poolclass=DeadlinePool,  # waiting for a free connection ends at the call's deadline
        pool_size=5,
        pool_timeout=timeout,  # all connections busy: give up like a slow statement would
    )
    guard_postgres(engine)
    return engine
