"""Snapshots: a copy of a profile brought up to date by reading only what changed, on SQLite and
PostgreSQL, always equal to what a fresh load returns."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event
from storage_helpers import TODAY, record

import shared.storage.store as store_module
from shared.events import CueLevel, Feeling
from shared.profile import STOPPED_FOR_PAIN, STOPPED_FOR_SYMPTOM, SessionRecord
from shared.reply import (
    ClearScreening,
    DeleteProfile,
    Effect,
    MarkScreened,
    RecordSession,
    SaveCueLevel,
    SavePreferences,
)
from shared.storage import ProfileStore, Snapshot
from shared.storage.compiled import cursor_for
from shared.storage.snapshot import MAX_SESSIONS_LOADED, NOBODY


def _same(copy: Snapshot, fresh: Snapshot) -> None:
    """Equal as far as anyone can tell: the profile, the revision and the row's birth."""
    assert copy.profile == fresh.profile
    assert (copy.revision, copy.born) == (fresh.revision, fresh.born)


@pytest.fixture
def two_servers(database_url: str) -> Iterator[tuple[ProfileStore, ProfileStore]]:
    """Two stores on one database, as two servers behind a load balancer would have."""
    here, there = ProfileStore.open(database_url), ProfileStore.open(database_url)
    try:
        yield here, there
    finally:
        here.close()
        there.close()


@pytest.fixture
def records_built(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the session records the store builds from rows (the cost of a load)."""
    built: list[int] = []
    real = store_module._record

    def counting(row: Any) -> Any:
        built.append(row[0])  # the session's id
        return real(row)

    monkeypatch.setattr(store_module, "_record", counting)
    return built


stretch_ids = st.sampled_from(["neck_flexion", "lateral_flexion", "knee_to_chest"])
feelings = st.lists(st.tuples(stretch_ids, st.sampled_from([str(f) for f in Feeling])), max_size=3)


def _with_outcome(
    days: int, area: str, pain_stretch: str | None, felt: list[tuple[str, str]], why: str | None
) -> RecordSession:
    """A session with how it went (issue 13): the copy must keep these exactly as a load does."""
    base = record(days, area)
    outcome = SessionRecord(
        base.day, area, base.stretches, 2, False, pain_stretch, tuple(felt), why
    )
    return RecordSession(outcome)


effects = st.lists(
    st.one_of(
        st.builds(
            lambda days, area: RecordSession(record(days, area)),
            st.integers(0, 12),
            st.sampled_from(["neck", "lower_back", "both"]),
        ),
        st.builds(
            _with_outcome,
            st.integers(0, 12),
            st.sampled_from(["neck", "lower_back"]),
            st.none() | stretch_ids,
            feelings,
            st.sampled_from([None, STOPPED_FOR_PAIN, STOPPED_FOR_SYMPTOM]),
        ),
        st.builds(SavePreferences, st.integers(20, 30), st.integers(5, 10)),
        st.builds(SaveCueLevel, st.sampled_from(list(CueLevel))),
        st.just(MarkScreened()),
        st.just(ClearScreening()),
        st.just(DeleteProfile()),
    ),
    min_size=1,
    max_size=3,
)
steps = st.lists(
    st.one_of(
        st.tuples(st.sampled_from(["mine", "theirs"]), effects),
        st.tuples(st.just("refresh"), st.just([])),
    ),
    max_size=12,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=steps)
def test_a_kept_copy_always_equals_a_fresh_load(
    two_servers: tuple[ProfileStore, ProfileStore], steps: list[tuple[str, list[Effect]]]
) -> None:
    """Any mix of this server's own writes (kept in memory), another server's writes and
    deletions (read back as what changed), and refreshes: the copy is never stale or wrong."""
    mine, theirs = two_servers
    user = f"u-{uuid.uuid4().hex}"  # every example starts with nobody
    copy = mine.snapshot(user)
    assert copy == NOBODY
    for who, step_effects in steps:
        if who == "theirs":
            theirs.change(user, step_effects, TODAY)
        elif who == "mine":
            change = mine.change(user, step_effects, TODAY)
            kept = copy.after_own_change(change, step_effects, TODAY)
            if kept is not None:
                _same(kept, mine.snapshot(user))
            copy = kept or NOBODY  # a copy that cannot be kept is read afresh
        copy = mine.snapshot(user, copy)
        _same(copy, mine.snapshot(user))


def test_an_unchanged_user_costs_one_lookup_and_no_records(
    store: ProfileStore, records_built: list[int]
) -> None:
    store.apply("u", [RecordSession(record(days)) for days in range(30)], TODAY)
    copy = store.snapshot("u")
    assert len(records_built) == 30
    assert store.snapshot("u", copy) is copy
    assert len(records_built) == 30


def test_another_servers_session_is_the_only_record_read(
    two_servers: tuple[ProfileStore, ProfileStore], records_built: list[int]
) -> None:
    mine, theirs = two_servers
    mine.apply("u", [RecordSession(record(days)) for days in range(30)], TODAY)
    copy = mine.snapshot("u")
    change = theirs.change("u", [RecordSession(record(0, "both")), SavePreferences(25, 6)], TODAY)
    records_built.clear()
    updated = mine.snapshot("u", copy)
    assert records_built == list(change.session_ids)
    assert updated.profile is not None and len(updated.profile.sessions) == 31
    assert updated.profile.sessions[-1].area == "both" and updated.profile.hold_seconds == 25
    _same(updated, mine.snapshot("u"))


def test_another_servers_cue_level_is_seen_without_reading_sessions(
    two_servers: tuple[ProfileStore, ProfileStore], records_built: list[int]
) -> None:
    """A user says "fewer cues" through another server: the next turn here picks the level up
    from the user's row alone; this server's own change of level is kept in memory, equal to a
    fresh load."""
    mine, theirs = two_servers
    mine.apply("u", [RecordSession(record(days)) for days in range(10)], TODAY)
    mine.apply("u", [SavePreferences(25, 6)], TODAY)
    copy = mine.snapshot("u")
    assert copy.profile is not None and copy.profile.cue_level is None
    theirs.apply("u", [SaveCueLevel(CueLevel.FEWER)], TODAY)
    records_built.clear()
    updated = mine.snapshot("u", copy)
    assert records_built == []
    assert updated.profile is not None and updated.profile.cue_level is CueLevel.FEWER
    assert updated.profile.hold_seconds == 25 and len(updated.profile.sessions) == 10
    _same(updated, mine.snapshot("u"))
    own = [SaveCueLevel(CueLevel.MORE)]
    kept = updated.after_own_change(mine.change("u", own, TODAY), own, TODAY)
    assert kept is not None and kept.profile is not None
    assert kept.profile.cue_level is CueLevel.MORE
    _same(kept, mine.snapshot("u"))


def test_a_user_deleted_and_created_again_is_read_afresh(
    two_servers: tuple[ProfileStore, ProfileStore],
) -> None:
    mine, theirs = two_servers
    mine.apply("u", [RecordSession(record(days)) for days in range(5)], TODAY)
    copy = mine.snapshot("u")
    theirs.apply("u", [DeleteProfile()], TODAY)
    theirs.apply("u", [RecordSession(record(0, "both"))], TODAY)
    updated = mine.snapshot("u", copy)
    assert updated.profile is not None
    assert [s.area for s in updated.profile.sessions] == ["both"]  # nothing deleted comes back
    assert updated.born != copy.born
    _same(updated, mine.snapshot("u"))


def test_a_deleted_user_is_nobody(two_servers: tuple[ProfileStore, ProfileStore]) -> None:
    mine, theirs = two_servers
    mine.apply("u", [RecordSession(record())], TODAY)
    copy = mine.snapshot("u")
    theirs.apply("u", [DeleteProfile()], TODAY)
    assert mine.snapshot("u", copy) == NOBODY


def test_a_full_copy_keeps_only_the_latest_sessions_as_a_load_does(
    two_servers: tuple[ProfileStore, ProfileStore],
) -> None:
    mine, theirs = two_servers
    mine.apply("u", [RecordSession(record(days)) for days in range(MAX_SESSIONS_LOADED)], TODAY)
    copy = mine.snapshot("u")
    assert copy.profile is not None and len(copy.profile.sessions) == MAX_SESSIONS_LOADED
    newest, oldest = record(0, "both"), record(MAX_SESSIONS_LOADED + 5, "lower_back")
    theirs.apply("u", [RecordSession(newest), RecordSession(oldest)], TODAY)
    updated = mine.snapshot("u", copy)
    assert updated.profile is not None
    assert len(updated.profile.sessions) == MAX_SESSIONS_LOADED
    assert updated.profile.sessions[-1] == newest and oldest not in updated.profile.sessions
    assert updated.profile.sessions[0].day == TODAY - timedelta(days=MAX_SESSIONS_LOADED - 2)
    _same(updated, mine.snapshot("u"))


def test_an_own_change_is_kept_only_when_nobody_wrote_in_between(
    two_servers: tuple[ProfileStore, ProfileStore],
) -> None:
    mine, theirs = two_servers
    mine.apply("u", [MarkScreened()], TODAY)
    copy = mine.snapshot("u")
    own = [RecordSession(record())]
    kept = copy.after_own_change(mine.change("u", own, TODAY), own, TODAY)
    assert kept is not None and kept.profile is not None and len(kept.profile.sessions) == 1
    _same(kept, mine.snapshot("u"))
    theirs.apply("u", [SavePreferences(25, 6)], TODAY)
    assert kept.after_own_change(mine.change("u", own, TODAY), own, TODAY) is None
    # a change that creates or deletes the row leaves the copy to be read again
    assert NOBODY.after_own_change(mine.change("v", own, TODAY), own, TODAY) is None
    gone = [DeleteProfile()]
    assert mine.snapshot("u").after_own_change(mine.change("u", gone, TODAY), gone, TODAY) is None


def test_an_unchanged_user_costs_sqlite_one_statement_and_no_transaction(tmp_path: Path) -> None:
    store = ProfileStore.open(f"sqlite:///{tmp_path / 'p.sqlite3'}")
    try:
        store.apply("u", [MarkScreened()], TODAY)
        copy = store.snapshot("u")
        statements: list[str] = []
        event.listen(
            store.engine,
            "checkout",
            lambda connection, *_: connection.set_trace_callback(statements.append),
        )
        assert store.snapshot("u", copy) is copy
        assert [" ".join(s.split()) for s in statements] == [
            "SELECT users.revision, users.created_at, users.hold_seconds, users.reps, "
            "users.screened_on, users.cue_level, users.weekly_goal FROM users "
            "WHERE users.user_id = 'u'"
        ]
    finally:
        store.close()


def _assert_the_pool_is_transactional(store: ProfileStore) -> None:
    """A pooled connection is out of autocommit, and a write on it is still one transaction."""
    pooled = store.engine.raw_connection()
    try:
        assert pooled.driver_connection.autocommit is False
    finally:
        pooled.close()
    assert store.change("u", [MarkScreened()], TODAY).after == store.revision("u")


@pytest.mark.postgres
def test_the_revision_lookup_leaves_pooled_connections_in_transactions(postgres_url: str) -> None:
    """It runs in autocommit (one round trip); the connection goes back to the pool as it was."""
    store = ProfileStore.open(postgres_url)
    try:
        assert store.revision("u") is None
        _assert_the_pool_is_transactional(store)
    finally:
        store.close()


@pytest.mark.postgres
def test_a_read_that_loses_its_connection_leaves_the_pool_transactional(postgres_url: str) -> None:
    """The server ends the connection in the middle of an autocommit read: the error reaches the
    caller, and the pool is as it was."""
    import psycopg

    store = ProfileStore.open(postgres_url)
    try:
        with pytest.raises(psycopg.OperationalError), cursor_for(store.engine) as cursor:
            cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        _assert_the_pool_is_transactional(store)
    finally:
        store.close()
