"""Shared fixtures: a database URL for SQLite and for a real PostgreSQL (a fresh schema each)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.pg import fresh_schema


def pytest_configure(config: pytest.Config) -> None:
    """The skill and the tutor keep progress in the user's data directory by default: every test,
    and every server or tutor a test starts, gets a data directory of its own instead."""
    os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="backstretch-test-data-")


def _postgres_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("TEST_DATABASE_URL is not set: CI must run the PostgreSQL tests, not skip them")
    pytest.skip("TEST_DATABASE_URL is not set (e.g. postgresql://postgres@127.0.0.1:5432/test)")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'progress.sqlite3'}"
        return
    yield from _fresh_schema()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    yield from _fresh_schema()


def _fresh_schema() -> Iterator[str]:
    with fresh_schema(_postgres_url()) as url:
        yield url
