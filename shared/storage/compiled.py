"""SQLAlchemy statements compiled once per dialect and run straight on a DBAPI cursor.

The statements of a turn that uses a profile (the user's row, and the sessions another server
added) and of every write are few and fixed, and SQLAlchemy's per-statement machinery (execution
context, parameter processing, result objects) costs several times what SQLite takes to run them:
on SQLite a primary-key lookup took 0.065 ms through a SQLAlchemy connection and 0.013 ms here.
Compiling each statement once keeps SQLAlchemy's SQL, its dialect's upsert syntax and its type
encodings both ways (SQLite keeps dates as ISO strings and booleans as integers): only the
per-call machinery is skipped. Errors are the driver's own, which SafeStore recognises.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Dialect, Engine, PoolProxiedConnection, Select
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

from shared.storage import deadline
from shared.storage.engines import begin_immediate, sqlite_driver

Decoder = Callable[[Any], Any] | None


@dataclass(frozen=True, slots=True)
class Compiled:
    """One statement for one dialect: its SQL, how it takes parameters, how values are encoded."""

    sql: str
    positions: tuple[str, ...] | None  # SQLite's "?" takes a tuple in this order; psycopg a dict
    encoders: tuple[tuple[str, Callable[[Any], Any]], ...]  # the dialect's bind processors
    decoders: tuple[Decoder, ...] = ()  # a SELECT's result processors, one a column
    fixed: tuple[tuple[str, Any], ...] = ()  # values the statement carries (a LIMIT's)

    def parameters(self, values: Mapping[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
        encoded = {**dict(self.fixed), **values}
        for name, encode in self.encoders:
            if name in encoded:
                encoded[name] = encode(encoded[name])
        if self.positions is None:
            return encoded
        return tuple(encoded[name] for name in self.positions)

    def run(self, cursor: Any, values: Mapping[str, Any]) -> Any:
        cursor.execute(self.sql, self.parameters(values))
        return cursor

    def decoded(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        """A row as SQLAlchemy would give it (SQLite's date strings as dates, and so on)."""
        if not any(self.decoders):
            return tuple(row)
        return tuple(
            value if decode is None or value is None else decode(value)
            for decode, value in zip(self.decoders, row, strict=True)
        )

    def first(self, cursor: Any, values: Mapping[str, Any]) -> tuple[Any, ...] | None:
        row = self.run(cursor, values).fetchone()
        return None if row is None else self.decoded(row)

    def all(self, cursor: Any, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        return [self.decoded(row) for row in self.run(cursor, values).fetchall()]


def compile_for(statement: ClauseElement, dialect: Dialect) -> Compiled:
    """`statement` as `dialect` runs it, with the encoders and decoders of its columns' types."""
    compiled = statement.compile(dialect=dialect)
    if not isinstance(compiled, SQLCompiler):  # DDL compiles otherwise; only DML is run here
        raise TypeError(f"not a SQL statement: {statement!r}")
    encoders = []
    for name, bind in compiled.binds.items():
        encode = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if encode is not None:
            encoders.append((name, encode))
    positions = tuple(compiled.positiontup) if compiled.positiontup is not None else None
    fixed = tuple(
        (name, bind.effective_value) for name, bind in compiled.binds.items() if not bind.required
    )
    decoders: tuple[Decoder, ...] = ()
    if isinstance(statement, Select):
        decoders = tuple(
            column.type.dialect_impl(dialect).result_processor(dialect, None)
            for column in statement.selected_columns
        )
    return Compiled(compiled.string, positions, tuple(encoders), decoders, fixed)


@contextmanager
def cursor_for(engine: Engine) -> Iterator[Any]:
    """A cursor on a pooled connection, each statement its own transaction: psycopg is put in
    autocommit (one round trip instead of BEGIN, the statement and ROLLBACK); SQLite connections
    already are (see engines.py), their transactions explicit. The pool still hands out the
    connection, and pre-pings it on PostgreSQL."""
    connection = engine.raw_connection()
    autocommit = engine.dialect.name == "postgresql"
    try:
        if autocommit:
            _driver(connection).autocommit = True
        cursor = connection.cursor()
        try:
            yield cursor
        finally:
            cursor.close()
    except BaseException:
        connection.invalidate()  # not pooled: see the note on failed connections
        raise
    finally:
        if autocommit and connection.is_valid:
            _restore_transactions(connection)
        connection.close()  # back to the pool, unless invalidated


def _driver(connection: PoolProxiedConnection) -> Any:
    """The DBAPI connection under a pooled one: SQLAlchemy types it optional, but a connection
    the pool hands out always has one."""
    driver = connection.driver_connection
    if driver is None:
        raise RuntimeError("a pooled connection without its DBAPI connection")
    return driver


def _restore_transactions(connection: Any) -> None:
    """psycopg back in transactions before the connection returns to the pool. One that cannot be
    (its server went away) is discarded: pooled in autocommit, it would make the next write's
    statements commit one by one."""
    try:
        connection.driver_connection.autocommit = False
    except Exception:
        connection.invalidate()


# Failed connections: a connection whose call failed is not put back in the pool. Its failure
# may be the server gone, a socket the watchdog shut (deadline.py), a SQLite file opened
# read-only or replaced: pooled, it would fail the next call too. A new one costs a few ms once.

T = TypeVar("T")


class PerDialect(Generic[T]):
    """What `build` makes of a dialect (compiled statements), made on first use for each dialect,
    keyed by its name and parameter style (not the dialect object: the cache keeps no engine)."""

    def __init__(self, build: Callable[[Dialect], T]) -> None:
        self._build = build
        self._built: dict[tuple[str, str], T] = {}

    def __call__(self, dialect: Dialect) -> T:
        key = (dialect.name, dialect.paramstyle)
        found = self._built.get(key)
        if found is None:
            found = self._built[key] = self._build(dialect)
        return found


@contextmanager
def transaction_for(engine: Engine, lock_timeout: float) -> Iterator[Any]:
    """A cursor in one transaction on a pooled connection, committed when the block ends and
    rolled back if it raises. On SQLite the transaction is begun IMMEDIATE, waiting up to
    `lock_timeout` for another writer (engines.begin_immediate); psycopg begins one itself."""
    connection = engine.raw_connection()
    try:
        if engine.dialect.name == "sqlite":
            left = deadline.time_left()
            wait = lock_timeout if left is None else max(0.0, min(lock_timeout, left))
            begin_immediate(sqlite_driver(connection), wait)
        cursor = connection.cursor()
        try:
            yield cursor
            connection.commit()
        except BaseException:
            with suppress(Exception):  # a lost connection cannot roll back: its error is news
                connection.rollback()
            raise
        finally:
            cursor.close()
    except BaseException:
        connection.invalidate()  # not pooled: see the note on failed connections
        raise
    finally:
        connection.close()  # back to the pool, unless invalidated
