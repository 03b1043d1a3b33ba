"""Versioned schema: old databases are brought up to date with their data, newer ones refused,
a failing migration leaves nothing behind, and workers starting together all succeed."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import pytest
from sqlalchemy import Connection, create_engine, inspect, text
from storage_helpers import TODAY, record

from shared.events import CueLevel
from shared.profile import SessionRecord
from shared.reply import ClearScreening, MarkScreened, RecordSession, SaveCueLevel, SavePreferences
from shared.storage import ProfileStore, SafeStore, SchemaError, schema
from shared.storage.schema import LATEST_VERSION, current_version, migrate
from shared.storage.store import database_url as resolve


def _at_version(url: str, version: int) -> None:
    """A database as an older release left it: migrations up to `version` only."""
    engine = create_engine(resolve(url))
    with engine.begin() as connection:
        migrate(connection, target=version)
    engine.dispose()


def _version(store: ProfileStore) -> int:
    with store.engine.connect() as connection:
        return connection.execute(text("SELECT version FROM schema_version")).scalar_one()


def test_a_new_database_gets_the_latest_schema(store: ProfileStore) -> None:
    assert _version(store) == LATEST_VERSION == len(schema.MIGRATIONS)
    with store.engine.connect() as connection:
        rows = connection.execute(text("SELECT COUNT(*) FROM schema_version")).scalar()
    assert rows == 1


def test_a_version_1_database_is_upgraded_keeping_its_data(database_url: str) -> None:
    _at_version(database_url, 1)
    engine = create_engine(resolve(database_url))
    with engine.begin() as connection:  # what version 1 code wrote
        connection.execute(
            text("INSERT INTO users (user_id, hold_seconds, reps) VALUES ('u', 25, 6)")
        )
        connection.execute(
            text(
                "INSERT INTO sessions (user_id, day, area, stretches, pain_reports, completed)"
                " VALUES ('u', '2026-01-14', 'neck', '[\"neck_flexion\"]', 1, :done)"
            ),
            {"done": True},
        )
        assert "revision" not in {c["name"] for c in inspect(connection).get_columns("users")}
    engine.dispose()
    store = ProfileStore.open(database_url)
    try:
        assert _version(store) == LATEST_VERSION
        indexes = {index["name"] for index in inspect(store.engine).get_indexes("sessions")}
        assert "sessions_user_day" in indexes
        profile = store.load("u")
        assert profile is not None and (profile.hold_seconds, profile.reps) == (25, 6)
        assert [(s.area, s.stretches, s.pain_reports) for s in profile.sessions] == [
            ("neck", ("neck_flexion",), 1)
        ]
        assert store.revision("u") is not None  # a user from before revisions still has one
        store.apply("u", [RecordSession(record())], TODAY)
        assert store.count_sessions("u") == 2
    finally:
        store.close()


def test_a_version_2_database_gains_revisions(database_url: str) -> None:
    _at_version(database_url, 2)
    store = ProfileStore.open(database_url)
    try:
        columns = {column["name"] for column in inspect(store.engine).get_columns("users")}
        assert "revision" in columns and _version(store) == LATEST_VERSION
    finally:
        store.close()


def _sessions_columns(connection: Connection) -> set[str]:
    return {column["name"] for column in inspect(connection).get_columns("sessions")}


def test_a_version_3_database_keeps_its_sessions_with_the_new_fields_empty(
    database_url: str,
) -> None:
    """Sessions saved before version 4 read back with no pain stretch, no feelings and no
    reason to stop; new ones keep all three, beside the old ones."""
    _at_version(database_url, 3)
    engine = create_engine(resolve(database_url))
    with engine.begin() as connection:  # what version 3 code wrote
        connection.execute(
            text("INSERT INTO users (user_id, screened_on, revision) VALUES ('u', :day, 'r3')"),
            {"day": TODAY},
        )
        connection.execute(
            text(
                "INSERT INTO sessions (user_id, day, area, stretches, pain_reports, completed)"
                " VALUES ('u', :day, 'lower_back', '[\"knee_to_chest\"]', 2, :done)"
            ),
            {"day": TODAY, "done": False},
        )
        assert "feelings" not in _sessions_columns(connection)
    engine.dispose()
    store = ProfileStore.open(database_url)
    try:
        assert _version(store) == LATEST_VERSION
        old = SessionRecord(TODAY, "lower_back", ("knee_to_chest",), 2, False)
        profile = store.load("u")
        assert profile is not None and profile.sessions == (old,)
        assert (old.pain_stretch, old.feelings, old.stopped_for) == (None, (), None)
        new = SessionRecord(
            TODAY, "neck", (), 0, False, "neck_flexion", (("neck_flexion", "dizzy"),), "symptom"
        )
        store.apply("u", [RecordSession(new), ClearScreening()], TODAY)
        profile = store.load("u")
        assert profile is not None and profile.sessions == (old, new)
        assert profile.screened_on is None
    finally:
        store.close()


def test_a_previous_release_can_still_insert_sessions_after_version_4(database_url: str) -> None:
    """During a rolling upgrade, servers of the previous release insert sessions without the
    new columns: the feelings column's default keeps those inserts valid."""
    store = ProfileStore.open(database_url)
    try:
        store.apply("u", [MarkScreened()], TODAY)
        with store.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO sessions (user_id, day, area, stretches, pain_reports, completed)"
                    " VALUES ('u', :day, 'neck', '[]', 0, :done)"
                ),
                {"day": TODAY, "done": True},
            )
        profile = store.load("u")
        assert profile is not None
        assert profile.sessions == (SessionRecord(TODAY, "neck", (), 0, True),)
    finally:
        store.close()


def test_version_4_can_run_again_on_a_table_that_has_its_columns(store: ProfileStore) -> None:
    """A schema_version rolled back by hand: the migration adds only what is missing."""
    with store.engine.begin() as connection:
        schema.MIGRATIONS[3](connection)
        assert {"pain_stretch", "feelings", "stopped_for"} <= _sessions_columns(connection)


def _users_columns(connection: Connection) -> set[str]:
    return {column["name"] for column in inspect(connection).get_columns("users")}


def test_a_version_4_database_keeps_its_data_and_remembers_cue_levels(database_url: str) -> None:
    """Users saved before version 5 read back exactly as they were, with no cue level chosen
    (and their revision unchanged, so servers' copies stay good); a level saved afterwards comes
    back, beside the pacing it does not touch."""
    _at_version(database_url, 4)
    engine = create_engine(resolve(database_url))
    with engine.begin() as connection:  # what version 4 code wrote
        connection.execute(
            text(
                "INSERT INTO users (user_id, hold_seconds, reps, screened_on, revision)"
                " VALUES ('u', 25, 6, :day, 'r4')"
            ),
            {"day": TODAY},
        )
        connection.execute(
            text(
                "INSERT INTO sessions (user_id, day, area, stretches, pain_reports, completed,"
                " pain_stretch, feelings, stopped_for) VALUES ('u', :day, 'neck',"
                " '[\"neck_flexion\"]', 1, :done, 'neck_flexion',"
                ' \'[["neck_flexion", "tight"]]\', NULL)'
            ),
            {"day": TODAY, "done": True},
        )
        assert "cue_level" not in _users_columns(connection)
    engine.dispose()
    store = ProfileStore.open(database_url)
    try:
        assert _version(store) == LATEST_VERSION >= 5
        with store.engine.connect() as connection:
            assert "cue_level" in _users_columns(connection)
        session = SessionRecord(
            TODAY, "neck", ("neck_flexion",), 1, True, "neck_flexion", (("neck_flexion", "tight"),)
        )
        profile = store.load("u")
        assert profile is not None and profile.sessions == (session,)
        assert (profile.hold_seconds, profile.reps, profile.screened_on) == (25, 6, TODAY)
        assert profile.cue_level is None and store.revision("u") == "r4"
        store.apply("u", [SaveCueLevel(CueLevel.FEWER)], TODAY)
        store.apply("u", [SavePreferences(30, 4)], TODAY)
        profile = store.load("u")
        assert profile is not None and profile.cue_level is CueLevel.FEWER
        assert (profile.hold_seconds, profile.reps, profile.sessions) == (30, 4, (session,))
    finally:
        store.close()


def test_a_previous_releases_upsert_keeps_the_cue_level(database_url: str) -> None:
    """During a rolling upgrade a version 4 server saves pacing with its own upsert, which names
    only its columns: the cue level saved through a new server stays."""
    store = ProfileStore.open(database_url)
    try:
        store.apply("u", [SaveCueLevel(CueLevel.MORE)], TODAY)
        with store.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (user_id, hold_seconds, reps, revision)"
                    " VALUES ('u', 20, 3, 'old') ON CONFLICT (user_id) DO UPDATE SET"
                    " hold_seconds = excluded.hold_seconds, reps = excluded.reps,"
                    " revision = excluded.revision"
                )
            )
        profile = store.load("u")
        assert profile is not None and profile.cue_level is CueLevel.MORE
        assert (profile.hold_seconds, profile.reps) == (20, 3)
    finally:
        store.close()


def test_version_5_can_run_again_on_a_table_that_has_its_column(store: ProfileStore) -> None:
    """A schema_version rolled back by hand: the column is there once, its values kept."""
    store.apply("u", [SaveCueLevel(CueLevel.FEWER)], TODAY)
    with store.engine.begin() as connection:
        schema.MIGRATIONS[4](connection)
        assert "cue_level" in _users_columns(connection)
    profile = store.load("u")
    assert profile is not None and profile.cue_level is CueLevel.FEWER


def test_a_newer_schema_is_refused_with_a_clear_error(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    store = ProfileStore.open(database_url)
    store.apply("u", [MarkScreened()], TODAY)
    with store.engine.begin() as connection:
        connection.execute(text(f"UPDATE schema_version SET version = {LATEST_VERSION + 1}"))
    store.close()
    expected = f"version {LATEST_VERSION + 1}, newer than this program knows .{LATEST_VERSION}."
    with pytest.raises(SchemaError, match=expected):
        ProfileStore.open(database_url)
    with caplog.at_level(logging.WARNING):
        safe = SafeStore.open(database_url)
    assert safe.store is None and not safe.healthy and safe.load("u") is None
    assert "cannot open the database" in caplog.text and "upgrade Back Stretch Coach" in caplog.text


def test_migrating_twice_changes_nothing(store: ProfileStore) -> None:
    with store.engine.begin() as connection:
        assert migrate(connection) == LATEST_VERSION
        assert migrate(connection) == LATEST_VERSION
    assert _version(store) == LATEST_VERSION


def _failing_after(step: Callable[[Connection], None]) -> Callable[[Connection], None]:
    def migration(connection: Connection) -> None:
        step(connection)
        raise RuntimeError("migration failed half-way")

    return migration


def test_a_failing_migration_leaves_nothing_behind(
    store: ProfileStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DDL and the version row commit together or not at all, on SQLite as on PostgreSQL."""

    def create_and_alter(connection: Connection) -> None:
        connection.execute(text("CREATE TABLE half_done (x INTEGER)"))
        connection.execute(text("ALTER TABLE users ADD COLUMN half_done INTEGER"))

    broken = (*schema.MIGRATIONS, _failing_after(create_and_alter))
    monkeypatch.setattr(schema, "MIGRATIONS", broken)
    with pytest.raises(RuntimeError, match="half-way"), store.engine.begin() as connection:
        migrate(connection, target=LATEST_VERSION + 1)
    with store.engine.connect() as connection:
        assert current_version(connection) == LATEST_VERSION
        names = inspect(connection).get_table_names()
        columns = {column["name"] for column in inspect(connection).get_columns("users")}
    assert "half_done" not in names and "half_done" not in columns


def test_workers_opening_a_new_database_together_all_succeed(database_url: str) -> None:
    """Several gunicorn workers start at once and race to create the schema."""
    stores: list[ProfileStore] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def open_store() -> None:
        barrier.wait()
        try:
            stores.append(ProfileStore.open(database_url))
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=open_store) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == [] and len(stores) == 8
        assert _version(stores[0]) == LATEST_VERSION  # one row, the latest version
    finally:
        for opened in stores:
            opened.close()
