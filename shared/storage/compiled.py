"""SQLAlchemy statements compiled once per dialect and run straight on a DBAPI cursor.

The statements asked on every turn (the revision probe) and on every write are few and fixed, and
SQLAlchemy's per-statement machinery (execution context, parameter processing, result objects)
costs several times what SQLite takes to run them. Compiling each once keeps SQLAlchemy's SQL, its
dialect's upsert syntax and its type encodings (SQLite keeps dates as ISO strings and booleans as
integers): only the per-call machinery is skipped. Errors are the driver's own, which SafeStore
recognises.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Dialect
from sqlalchemy.sql import ClauseElement


@dataclass(frozen=True, slots=True)
class Compiled:
    """One statement for one dialect: its SQL, how it takes parameters, how values are encoded."""

    sql: str
    positions: tuple[str, ...] | None  # SQLite's "?" takes a tuple in this order; psycopg a dict
    encoders: tuple[tuple[str, Callable[[Any], Any]], ...]  # the dialect's bind processors

    def parameters(self, values: Mapping[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
        encoded = dict(values)
        for name, encode in self.encoders:
            if name in encoded:
                encoded[name] = encode(encoded[name])
        if self.positions is None:
            return encoded
        return tuple(encoded[name] for name in self.positions)

    def run(self, cursor: Any, values: Mapping[str, Any]) -> Any:
        cursor.execute(self.sql, self.parameters(values))
        return cursor


def compile_for(statement: ClauseElement, dialect: Dialect) -> Compiled:
    compiled = statement.compile(dialect=dialect)
    encoders = []
    for name, bind in compiled.binds.items():
        encode = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if encode is not None:
            encoders.append((name, encode))
    positions = tuple(compiled.positiontup) if compiled.positiontup is not None else None
    return Compiled(compiled.string, positions, tuple(encoders))


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
