"""Storage fixtures: every database test runs on a fresh SQLite file and on a real PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from storage_helpers import fresh_postgres_schema, postgres_server_url

from shared.storage import ProfileStore


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh SQLite file, or a PostgreSQL schema of this test's own (dropped afterwards)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'progress.sqlite3'}"
        return
    with fresh_postgres_schema(postgres_server_url()) as url:
        yield url


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """PostgreSQL only (for what SQLite cannot show, such as a statement timeout)."""
    with fresh_postgres_schema(postgres_server_url()) as url:
        yield url


@pytest.fixture
def store(database_url: str) -> Iterator[ProfileStore]:
    opened = ProfileStore.open(database_url)
    try:
        yield opened
    finally:
        opened.close()
