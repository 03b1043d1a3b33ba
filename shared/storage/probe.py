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
from typing import Any

from sqlalchemy import Engine, bindparam, select

from shared.storage.compiled import PerDialect, compile_for
from shared.storage.schema import users

REVISION = select(users.c.revision).where(users.c.user_id == bindparam("user_id"))
_revision = PerDialect(lambda dialect: compile_for(REVISION, dialect))


def revision(engine: Engine, user_id: str) -> str | None:
    """One user's revision token (None: no such user), read with a single statement."""
    statement = _revision(engine.dialect)
    connection = engine.raw_connection()
    try:
        with _without_transaction(connection, engine.dialect.name == "postgresql"):
            cursor = connection.cursor()
            try:
                row = statement.run(cursor, {"user_id": user_id}).fetchone()
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
