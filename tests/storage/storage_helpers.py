"""Helpers for the storage tests: PostgreSQL schemas of their own, records, threads, raw rows."""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any
from urllib.parse import unquote

import pytest
from sqlalchemy import Engine, MetaData, select

from shared.profile import SessionRecord
from shared.reply import Effect
from shared.storage import SafeStore

TODAY = date(2026, 1, 15)
CLOSED_PORT_URL = "postgresql://postgres@127.0.0.1:1/test"  # nothing listens on port 1


def record(
    days_ago: int = 0,
    area: str = "neck",
    pains: int = 0,
    *,
    stretches: tuple[str, ...] = ("neck_flexion", "lateral_flexion"),
    completed: bool = True,
) -> SessionRecord:
    """A session `days_ago` days before TODAY."""
    return SessionRecord(TODAY - timedelta(days=days_ago), area, stretches, pains, completed)


def postgres_server_url() -> str:
    """TEST_DATABASE_URL; skipped without it, but failed on CI (CI must never skip PostgreSQL)."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(
            "TEST_DATABASE_URL is not set but CI=true: CI must run the PostgreSQL tests, "
            "not skip them"
        )
    pytest.skip(
        "PostgreSQL tests need TEST_DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:5432/test)"
    )


def libpq_url(url: str) -> str:
    """A URL psycopg understands (SQLAlchemy's +psycopg driver suffix removed)."""
    scheme, rest = url.split("://", 1)
    return scheme.split("+", 1)[0] + "://" + rest


@contextmanager
def fresh_postgres_schema(server_url: str) -> Iterator[str]:
    """A schema of its own on the server; yields a store URL whose connections use it."""
    import psycopg

    schema = f"t_{uuid.uuid4().hex}"
    admin_url = libpq_url(server_url)
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in server_url else "?"
    try:
        yield f"{server_url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as connection:
            connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def schema_of(store_url: str) -> str:
    """The schema a fresh_postgres_schema URL points at."""
    return unquote(store_url).rsplit("search_path=", 1)[1].split("&", 1)[0]


def server_part(store_url: str) -> str:
    """The store URL without the search_path option (for plain psycopg connections)."""
    base, _, query = store_url.partition("?")
    kept = [part for part in query.split("&") if part and not part.startswith("options=")]
    return libpq_url(base + ("?" + "&".join(kept) if kept else ""))


def run_threads(count: int, target: Callable[[int], None], timeout: float = 60.0) -> None:
    """Run target(0..count-1) in threads started together; re-raise the first failure here."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def body(number: int) -> None:
        try:
            barrier.wait()
            target(number)
        except BaseException as error:  # reported in the test's own thread below
            errors.append(error)

    threads = [threading.Thread(target=body, args=(n,), daemon=True) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a worker thread hung"
    if errors:
        raise errors[0]


def all_rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table in the store's database (schema), by table name."""
    reflected = MetaData()
    reflected.reflect(bind=engine)
    with engine.connect() as connection:
        return {
            name: [tuple(row) for row in connection.execute(select(table))]
            for name, table in reflected.tables.items()
        }


def wait_out_the_pause(safe: SafeStore) -> None:
    """Sleep until a store that failed tries its database again (shared/storage/healing.py)."""
    time.sleep(safe.retry_in())


class CheckedSafeStore(SafeStore):
    """SafeStore with the calls only tests make: the skill and the tutor never need them, so
    they live here rather than in production code."""

    def revision(self, user_id: str) -> str | None:
        """The user's revision token; None for no user or a failure (then `healthy` is False)."""
        return self._run("checked", lambda store: store.revision(user_id))[1]

    def apply_tracked(
        self, user_id: str, effects: Iterable[Effect], today: date
    ) -> tuple[bool, str | None]:
        """apply(), also returning the user's new revision (see ProfileStore.apply)."""
        change = self.change(user_id, effects, today)
        return (True, change.after) if change is not None else (False, None)

    def delete(self, user_id: str) -> bool:
        """Forget the user; False (logged) when the database failed."""
        return self._run("deleted", lambda store: store.delete(user_id))[0]
