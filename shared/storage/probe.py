"""The per-turn question "has this user changed?", asked straight on the pooled DBAPI connection.

It is asked on every turn that uses the profile, and SQLAlchemy's connection, transaction and
result machinery costs several times the lookup itself (on SQLite 0.065 ms against 0.011 ms). The
answer is one plain string, so skipping result processing loses nothing. The pool still hands out
the connection (and pre-pings it on PostgreSQL), the statement is SQLAlchemy's own, compiled once
for the dialect, and errors are the driver's, which SafeStore recognises. On PostgreSQL the lookup
runs in autocommit: one round trip instead of BEGIN, SELECT and ROLLBACK.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Dialect, Engine, bindparam, select

from shared.storage.schema import users

REVISION = select(users.c.revision).where(users.c.user_id == bindparam("user_id"))


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    positional: bool  # SQLite's "?" takes a tuple, psycopg's "%(name)s" a mapping
    autocommit: bool


_COMPILED: dict[tuple[str, str], _Compiled] = {}


def _compiled(dialect: Dialect) -> _Compiled:
    """The statement for a dialect, compiled once (keyed by name and parameter style, so the
    cache holds no engine alive)."""
    key = (dialect.name, dialect.paramstyle)
    found = _COMPILED.get(key)
    if found is None:
        compiled = REVISION.compile(dialect=dialect)
        positional = compiled.positiontup is not None
        found = _COMPILED[key] = _Compiled(
            compiled.string, positional, dialect.name == "postgresql"
        )
    return found


def revision(engine: Engine, user_id: str) -> str | None:
    """One user's revision token (None: no such user), read with a single statement."""
    statement = _compiled(engine.dialect)
    parameters: Any = (user_id,) if statement.positional else {"user_id": user_id}
    connection = engine.raw_connection()
    try:
        with _without_transaction(connection, statement.autocommit):
            cursor = connection.cursor()
            try:
                cursor.execute(statement.sql, parameters)
                row = cursor.fetchone()
            finally:
                cursor.close()
    finally:
        connection.close()  # back to the pool
    return None if row is None else row[0]


@contextmanager
def _without_transaction(connection: Any, autocommit: bool) -> Iterator[None]:
    """psycopg opens a transaction before a statement unless told not to; SQLite's connections
    are already in autocommit (see engines.py), their transactions explicit."""
    if not autocommit:
        yield
        return
    driver = connection.driver_connection
    driver.autocommit = True
    try:
        yield
    finally:
        driver.autocommit = False
