"""Writes that can be retried (#17 point 3): a change written again with its id counts once, and
the version 7 migration brings the id to a database of the previous release, its data kept."""

from __future__ import annotations

from sqlalchemy import create_engine, inspect, text
from storage_helpers import TODAY, record, run_threads

from shared.reply import MarkScreened, RecordSession, SavePreferences
from shared.storage import ProfileStore, SafeStore
from shared.storage.schema import LATEST_VERSION, migrate
from shared.storage.store import database_url as resolve
from shared.storage.writes import session_change_id


def test_a_change_written_twice_with_its_id_counts_once(store: ProfileStore) -> None:
    effects = [RecordSession(record()), MarkScreened()]
    first = store.change("u", effects, TODAY, change_id="c1")
    again = store.change("u", effects, TODAY, change_id="c1")  # its first answer was lost
    assert first.session_ids and not first.repeated
    assert again.session_ids == () and again.repeated
    assert store.count_sessions("u") == 1
    store.change("u", [RecordSession(record())], TODAY, change_id="c2")
    assert store.count_sessions("u") == 2  # another change is another session


def test_changes_without_ids_are_never_merged(store: ProfileStore) -> None:
    """Sessions of earlier releases, and callers that give no id, are all kept (NULLs differ)."""
    for _ in range(3):
        store.change("u", [RecordSession(record())], TODAY)
    assert store.count_sessions("u") == 3


def test_ids_are_per_user(store: ProfileStore) -> None:
    store.change("u1", [RecordSession(record())], TODAY, change_id="same")
    store.change("u2", [RecordSession(record())], TODAY, change_id="same")
    assert store.count_sessions("u1") == store.count_sessions("u2") == 1


def test_several_sessions_of_one_change_each_count_once(store: ProfileStore) -> None:
    effects = [RecordSession(record(1)), RecordSession(record(0))]
    for _ in range(2):
        store.change("u", effects, TODAY, change_id="c")
    assert store.count_sessions("u") == 2
    assert session_change_id("c", 0) == "c" and session_change_id("c", 1) == "c.1"


def test_the_same_change_from_many_workers_at_once_counts_once(database_url: str) -> None:
    """Two workers replaying one journal, or a retry racing its own late first attempt."""
    safe = SafeStore.open(database_url, timeout=10)
    try:
        run_threads(8, lambda _n: safe.change("u", [RecordSession(record())], TODAY, "c"))
        assert safe.store is not None and safe.store.count_sessions("u") == 1
    finally:
        safe.close()


def test_a_version_6_database_gains_change_ids_and_keeps_its_sessions(database_url: str) -> None:
    engine = create_engine(resolve(database_url))
    with engine.begin() as connection:
        migrate(connection, target=6)
        connection.execute(text("INSERT INTO users (user_id, revision) VALUES ('u', 'r')"))
        for _ in range(2):  # the previous release wrote sessions without ids
            connection.execute(
                text(
                    "INSERT INTO sessions (user_id, day, area, stretches, pain_reports, completed)"
                    " VALUES ('u', :day, 'neck', '[]', 0, :done)"
                ),
                {"day": TODAY, "done": True},
            )
    engine.dispose()
    store = ProfileStore.open(database_url)
    try:
        with store.engine.connect() as connection:
            version = connection.execute(text("SELECT version FROM schema_version")).scalar_one()
            columns = {c["name"] for c in inspect(connection).get_columns("sessions")}
            indexes = {i["name"] for i in inspect(connection).get_indexes("sessions")}
        assert version == LATEST_VERSION >= 7
        assert "change_id" in columns and "sessions_user_change" in indexes
        assert store.count_sessions("u") == 2
        for _ in range(2):
            store.change(
                "u", [RecordSession(record()), SavePreferences(30, 5)], TODAY, change_id="new"
            )
        assert store.count_sessions("u") == 3
    finally:
        store.close()


def test_version_7_can_run_again(store: ProfileStore) -> None:
    """A schema_version rolled back by hand: adding the column and index again is harmless."""
    from shared.storage import schema

    with store.engine.begin() as connection:
        schema.MIGRATIONS[6](connection)
    store.change("u", [RecordSession(record())], TODAY, change_id="c")
    store.change("u", [RecordSession(record())], TODAY, change_id="c")
    assert store.count_sessions("u") == 1


def test_a_retried_change_does_not_corrupt_a_copy_in_memory(store: ProfileStore) -> None:
    """The worker's copy cannot know the id of a session it did not insert: it is not kept."""
    known = store.snapshot("u")
    store.change("u", [MarkScreened()], TODAY)
    known = store.snapshot("u", known)
    effects = [RecordSession(record())]
    first = store.change("u", effects, TODAY, change_id="c")
    kept = known.after_own_change(first, effects, TODAY)
    assert kept is not None and kept.profile is not None and len(kept.profile.sessions) == 1
    again = store.change("u", effects, TODAY, change_id="c")
    assert again.before == kept.revision  # nobody else wrote in between ...
    assert again.repeated and kept.after_own_change(again, effects, TODAY) is None  # ... yet
