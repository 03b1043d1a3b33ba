"""PostgreSQL isolation for the soak and the tests: a schema of one's own, dropped afterwards."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def fresh_schema(database_url: str) -> Iterator[str]:
    """A fresh schema on `database_url`; yields a URL whose connections use it."""
    import psycopg

    schema = f"t_{uuid.uuid4().hex}"
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in database_url else "?"
    try:
        yield f"{database_url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(database_url, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA {schema} CASCADE")
