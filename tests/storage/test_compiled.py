"""Statements compiled once and run on the DBAPI cursor store and read exactly what SQLAlchemy
would."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import bindparam, create_engine, insert, select, text
from sqlalchemy.dialects import postgresql, sqlite
from storage_helpers import TODAY, record

from shared.reply import MarkScreened, RecordSession
from shared.storage import ProfileStore
from shared.storage.compiled import (
    PerDialect,
    _restore_transactions,
    compile_for,
    cursor_for,
    transaction_for,
)
from shared.storage.schema import sessions, users

ROW = {
    "user_id": "u",
    "now": datetime(2026, 11, 24, 13, 5, 7, 123456),
    "screened_on": date(2026, 11, 20),
}
SESSION = {
    "user_id": "u",
    "day": date(2026, 11, 24),
    "area": "neck",
    "stretches": "[]",
    "pain_reports": 1,
    "completed": True,
}
USER_INSERT = insert(users).values(
    user_id=bindparam("user_id"),
    created_at=bindparam("now"),
    updated_at=bindparam("now"),
    screened_on=bindparam("screened_on"),
)
SESSION_INSERT = sessions.insert().values(**{name: bindparam(name) for name in SESSION})


def _stored(url: str, by_cursor: bool) -> list[tuple[Any, ...]]:
    """The raw values SQLite holds after inserting ROW and SESSION one way or the other."""
    engine = create_engine(url)
    users.metadata.create_all(engine)
    with engine.begin() as connection:
        if by_cursor:
            cursor = connection.connection.cursor()
            compile_for(USER_INSERT, engine.dialect).run(cursor, ROW)
            compile_for(SESSION_INSERT, engine.dialect).run(cursor, SESSION)
            cursor.close()
        else:
            connection.execute(USER_INSERT, ROW)
            connection.execute(SESSION_INSERT, SESSION)
        found = connection.execute(
            text("SELECT created_at, updated_at, screened_on FROM users")
        ).all()
        found += connection.execute(text("SELECT day, pain_reports, completed FROM sessions")).all()
    engine.dispose()
    return [tuple(row) for row in found]


def test_sqlite_values_are_encoded_as_sqlalchemy_encodes_them(tmp_path: Any) -> None:
    ours = _stored(f"sqlite:///{tmp_path / 'cursor.sqlite3'}", by_cursor=True)
    theirs = _stored(f"sqlite:///{tmp_path / 'sqlalchemy.sqlite3'}", by_cursor=False)
    assert ours == theirs
    assert ours[0] == ("2026-11-24 13:05:07.123456", "2026-11-24 13:05:07.123456", "2026-11-20")
    assert ours[1] == ("2026-11-24", 1, 1)


def test_parameters_follow_the_dialects_style() -> None:
    lookup = select(users.c.revision).where(users.c.user_id == bindparam("user_id"))
    on_sqlite = compile_for(lookup, sqlite.dialect())
    on_postgres = compile_for(lookup, postgresql.dialect())
    assert on_sqlite.parameters({"user_id": "u"}) == ("u",) and "?" in on_sqlite.sql
    assert on_postgres.parameters({"user_id": "u"}) == {"user_id": "u"}
    assert "%(user_id)s" in on_postgres.sql
    now = ROW["now"].isoformat(" ")  # one value, bound twice, in the table's column order
    assert compile_for(USER_INSERT, sqlite.dialect()).parameters(ROW) == (
        "u",
        "2026-11-20",
        now,
        now,
    )


def test_each_dialect_is_compiled_once() -> None:
    built: list[str] = []
    per_dialect = PerDialect(lambda dialect: built.append(dialect.name) or len(built))
    first = per_dialect(sqlite.dialect())
    assert per_dialect(sqlite.dialect()) == first  # another dialect object, the same kind
    per_dialect(postgresql.dialect())
    assert built == ["sqlite", "postgresql"]


def test_rows_are_decoded_as_sqlalchemy_decodes_them(store: ProfileStore) -> None:
    store.apply("u", [MarkScreened(), RecordSession(record(2)), RecordSession(record(0))], TODAY)
    for statement in (
        select(users).where(users.c.user_id == bindparam("user_id")),
        select(sessions)
        .where(sessions.c.user_id == bindparam("user_id"))
        .order_by(sessions.c.id)
        .limit(5),
    ):
        with store.engine.connect() as connection:
            theirs = [tuple(row) for row in connection.execute(statement, {"user_id": "u"})]
        with cursor_for(store.engine) as cursor:
            ours = compile_for(statement, store.engine.dialect).all(cursor, {"user_id": "u"})
        assert ours == theirs and len(ours) in (1, 2)
        assert [type(value) for value in ours[0]] == [type(value) for value in theirs[0]]


class Boom(Exception):
    pass


def test_a_transaction_commits_at_the_end_and_rolls_back_on_an_error(store: ProfileStore) -> None:
    add = compile_for(USER_INSERT, store.engine.dialect)
    with pytest.raises(Boom), transaction_for(store.engine, 1.0) as cursor:
        add.run(cursor, ROW | {"user_id": "lost"})
        raise Boom
    with transaction_for(store.engine, 1.0) as cursor:
        add.run(cursor, ROW | {"user_id": "kept"})
    with store.engine.connect() as connection:
        found = connection.execute(select(users.c.user_id)).scalars().all()
    assert found == ["kept"]


def test_a_sqlite_transaction_holds_the_write_lock_from_its_start(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'p.sqlite3'}"
    store = ProfileStore.open(url)
    other = sqlite3.connect(tmp_path / "p.sqlite3", timeout=0, isolation_level=None)
    try:
        with (
            transaction_for(store.engine, 1.0),  # nothing written yet
            pytest.raises(sqlite3.OperationalError, match="locked"),
        ):
            other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # released at the end
        other.execute("ROLLBACK")
    finally:
        other.close()
        store.close()


class _Driver:
    """A psycopg connection that can no longer leave autocommit (its server went away)."""

    @property
    def autocommit(self) -> bool:
        return True

    @autocommit.setter
    def autocommit(self, value: bool) -> None:
        raise OSError("the connection is lost")


class _Pooled:
    def __init__(self) -> None:
        self.driver_connection = _Driver()
        self.invalidated = False

    def invalidate(self) -> None:
        self.invalidated = True


def test_a_connection_stuck_in_autocommit_is_discarded_not_pooled() -> None:
    pooled = _Pooled()
    _restore_transactions(pooled)
    assert pooled.invalidated
