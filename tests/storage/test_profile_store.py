"""ProfileStore on both dialects: round trips, migrations, concurrency, degradation."""

from __future__ import annotations

import json
import logging
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from shared.profile import SessionRecord
from shared.reply import DeleteProfile, MarkScreened, RecordSession, SavePreferences
from shared.storage import ProfileStore, SafeStore, SchemaError
from shared.storage.codec import effects_from_json, effects_to_json
from shared.storage.schema import LATEST_VERSION, migrate

TODAY = date(2026, 1, 15)


def _record(days_ago: int = 0, area: str = "neck", pains: int = 0) -> SessionRecord:
    return SessionRecord(
        TODAY - timedelta(days=days_ago), area, ("neck_flexion", "lateral_flexion"), pains, True
    )


@pytest.fixture
def store(database_url: str):  # type: ignore[no-untyped-def]
    opened = ProfileStore.open(database_url)
    yield opened
    opened.close()


def test_effects_round_trip(store: ProfileStore) -> None:
    assert store.load("u1") is None
    store.apply("u1", [RecordSession(_record(1)), SavePreferences(25, 6), MarkScreened()], TODAY)
    store.apply("u1", [RecordSession(_record(0, "lower_back", pains=1))], TODAY)
    profile = store.load("u1")
    assert profile is not None
    assert [s.day for s in profile.sessions] == [TODAY - timedelta(days=1), TODAY]
    assert profile.sessions[1] == _record(0, "lower_back", pains=1)
    assert (profile.hold_seconds, profile.reps, profile.screened_on) == (25, 6, TODAY)
    assert store.load("someone else") is None


def test_delete_removes_the_user_and_every_session(store: ProfileStore) -> None:
    store.apply("u1", [RecordSession(_record()), MarkScreened()], TODAY)
    store.apply("u2", [RecordSession(_record())], TODAY)
    store.apply("u1", [DeleteProfile()], TODAY)
    assert store.load("u1") is None and store.count_sessions("u1") == 0
    assert store.load("u2") is not None
    store.delete("u2")
    assert store.load("u2") is None


def test_only_the_latest_sessions_are_loaded(store: ProfileStore) -> None:
    store.apply("u1", [RecordSession(_record(days)) for days in range(405)], TODAY)
    profile = store.load("u1")
    assert profile is not None and len(profile.sessions) == 400
    assert (
        profile.sessions[0].day == TODAY - timedelta(days=399) and profile.sessions[-1].day == TODAY
    )
    assert store.count_sessions("u1") == 405


def test_an_old_schema_is_migrated(database_url: str) -> None:
    first = ProfileStore.open(database_url)
    first.close()
    engine = ProfileStore.open(database_url).engine
    with engine.begin() as connection:  # take it back to version 1
        connection.execute(text("DROP INDEX sessions_user_day"))
        connection.execute(text("UPDATE schema_version SET version = 1"))
    engine.dispose()
    reopened = ProfileStore.open(database_url)
    indexes = {i["name"] for i in inspect(reopened.engine).get_indexes("sessions")}
    with reopened.engine.connect() as connection:
        version = connection.execute(text("SELECT version FROM schema_version")).scalar()
    reopened.close()
    assert "sessions_user_day" in indexes and version == LATEST_VERSION


def test_a_newer_schema_is_refused(database_url: str, caplog: pytest.LogCaptureFixture) -> None:
    store = ProfileStore.open(database_url)
    with store.engine.begin() as connection:
        connection.execute(text(f"UPDATE schema_version SET version = {LATEST_VERSION + 1}"))
    store.close()
    with pytest.raises(SchemaError, match="newer than this program knows"):
        ProfileStore.open(database_url)
    with caplog.at_level(logging.WARNING):
        safe = SafeStore.open(database_url)
    assert safe.store is None and "cannot open the database" in caplog.text


def test_migrate_is_idempotent(store: ProfileStore) -> None:
    with store.engine.begin() as connection:
        assert migrate(connection) == LATEST_VERSION
        assert migrate(connection) == LATEST_VERSION


@pytest.mark.parametrize("shared_store", [True, False], ids=["one-store", "store-per-worker"])
def test_many_workers_hammering_one_user_lose_nothing(
    database_url: str, shared_store: bool
) -> None:
    threads_count, per_thread = 16, 25
    common = ProfileStore.open(database_url)
    errors: list[BaseException] = []

    def worker(number: int) -> None:
        store = common if shared_store else ProfileStore.open(database_url)
        try:
            for i in range(per_thread):
                effects = [RecordSession(_record(i % 7)), SavePreferences(10 + number, 1 + i % 10)]
                store.apply("busy", effects, TODAY)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            if store is not common:
                store.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        assert common.count_sessions("busy") == threads_count * per_thread
        profile = common.load("busy")
        assert profile is not None and 10 <= (profile.hold_seconds or 0) < 10 + threads_count
    finally:
        common.close()


def test_a_database_that_is_down_degrades(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        safe = SafeStore.open("postgresql://postgres@127.0.0.1:1/test", timeout=1)
    assert safe.store is None and not safe.healthy
    assert safe.load("u") is None and safe.apply("u", [MarkScreened()], TODAY) is False
    assert "progress not saved for now: cannot open the database" in caplog.text


def test_a_database_lost_mid_session_degrades_then_recovers(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "p.sqlite3"
    safe = SafeStore.open(str(path))
    assert safe.apply("u", [MarkScreened()], TODAY) and safe.healthy
    with safe.store.engine.begin() as connection:  # type: ignore[union-attr]
        connection.execute(text("DROP TABLE sessions"))
    with caplog.at_level(logging.WARNING):
        assert safe.apply("u", [RecordSession(_record())], TODAY) is False
        assert safe.load("u") is None
    assert not safe.healthy and "database error" in caplog.text
    assert safe.apply("u", [SavePreferences(30, 5)], TODAY) is True and safe.healthy
    safe.close()


@pytest.mark.postgres
def test_a_slow_database_times_out_instead_of_hanging(postgres_url: str) -> None:
    import psycopg

    database_url = postgres_url
    safe = SafeStore.open(database_url, timeout=1)
    safe.apply("u", [MarkScreened()], TODAY)
    schema = database_url.rsplit("%3D", 1)[1]
    with psycopg.connect(database_url.split("?")[0]) as locker:
        locker.execute(f"LOCK TABLE {schema}.users IN ACCESS EXCLUSIVE MODE")
        assert safe.apply("u", [SavePreferences(30, 5)], TODAY) is False
        assert not safe.healthy
        locker.rollback()
    safe.close()


def test_effects_codec_round_trip_and_errors() -> None:
    effects = [RecordSession(_record()), SavePreferences(30, 4), MarkScreened(), DeleteProfile()]
    encoded = effects_to_json(effects)
    assert effects_from_json(json.loads(json.dumps(encoded))) == effects
    with pytest.raises(ValueError, match="unknown effect 'explode'"):
        effects_from_json([{"type": "explode"}])
    with pytest.raises(ValueError, match="malformed effect"):
        effects_from_json([{"type": "save_preferences"}])
