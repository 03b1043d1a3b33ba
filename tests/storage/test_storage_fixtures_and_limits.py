"""The database_url fixture itself, which sessions a long history keeps, and reopening."""

from __future__ import annotations

import textwrap
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from storage_helpers import TODAY, record

from shared.profile import SessionRecord
from shared.reply import MarkScreened, RecordSession, SavePreferences
from shared.storage import ProfileStore, SafeStore
from shared.storage.schema import LATEST_VERSION

HERE = Path(__file__).resolve().parent


def test_the_latest_400_by_day_are_loaded_not_the_last_inserted(store: ProfileStore) -> None:
    """Old sessions written last (an import, a late sync) do not push out recent ones."""
    recent = [record(days, stretches=(f"recent{days}",)) for days in range(400)]
    old = [record(500 + days, stretches=(f"old{days}",)) for days in range(10)]
    store.apply("u1", [RecordSession(r) for r in recent], TODAY)
    store.apply("u1", [RecordSession(r) for r in old], TODAY)
    profile = store.load("u1")
    assert profile is not None and store.count_sessions("u1") == 410
    assert profile.sessions == tuple(reversed(recent))  # oldest first, the old ten left out
    assert profile.streak(TODAY) == 400


def test_ties_on_the_last_kept_day_keep_the_latest_inserted(store: ProfileStore) -> None:
    same_day = [record(0, stretches=(f"n{i}",)) for i in range(402)]
    store.apply("u1", [RecordSession(r) for r in same_day], TODAY)
    profile = store.load("u1")
    assert profile is not None and profile.sessions == tuple(same_day[2:])


def test_opening_twice_keeps_the_data_and_one_version_row(database_url: str) -> None:
    first = ProfileStore.open(database_url)
    first.apply("u1", [RecordSession(record()), SavePreferences(20, 4)], TODAY)
    first.close()
    for _ in range(2):
        again = ProfileStore.open(database_url)
        try:
            with again.engine.connect() as connection:
                versions = connection.execute(text("SELECT version FROM schema_version")).all()
            assert [tuple(v) for v in versions] == [(LATEST_VERSION,)]
            profile = again.load("u1")
            assert profile is not None and profile.hold_seconds == 20
            assert len(profile.sessions) == 1
        finally:
            again.close()


def test_a_refused_write_through_safe_store_saves_none_of_the_call(database_url: str) -> None:
    """A constraint the database enforces fails the whole call, logged, nothing half-saved."""
    safe = SafeStore.open(database_url)
    try:
        broken = SessionRecord(None, "neck", (), 0, False)  # type: ignore[arg-type]
        effects = [SavePreferences(30, 5), MarkScreened(), RecordSession(broken)]
        assert safe.apply("u1", effects, TODAY) is False and not safe.healthy
        assert safe.load("u1") is None and safe.healthy
        assert safe.apply("u1", [RecordSession(record(1))], TODAY - timedelta(days=1)) is True
    finally:
        safe.close()


def _run_fixture_in_a_fresh_pytest(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, ci: str | None
) -> pytest.RunResult:
    monkeypatch.delenv("TEST_DATABASE_URL", raising=False)
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    monkeypatch.setenv("PYTHONPATH", str(HERE.parent.parent))
    pytester.makeconftest((HERE / "conftest.py").read_text())
    pytester.makepyfile(storage_helpers=(HERE / "storage_helpers.py").read_text())
    pytester.makeini(
        textwrap.dedent(
            """
            [pytest]
            markers =
                postgres: needs PostgreSQL
            """
        )
    )
    pytester.makepyfile(
        test_uses_it="def test_it(database_url: str) -> None:\n    assert database_url\n"
    )
    return pytester.runpytest_subprocess("-rs", "-p", "no:cacheprovider")


def test_without_postgres_the_variant_is_skipped_with_a_reason(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _run_fixture_in_a_fresh_pytest(pytester, monkeypatch, ci=None)
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(["*PostgreSQL tests need TEST_DATABASE_URL*"])


def test_on_ci_a_missing_postgres_fails_instead_of_skipping(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _run_fixture_in_a_fresh_pytest(pytester, monkeypatch, ci="true")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*CI must run the PostgreSQL tests*"])
