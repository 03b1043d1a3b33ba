"""ProfileStore on SQLite and PostgreSQL: what each effect leaves behind, loading, deleting."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from storage_helpers import TODAY, record

from shared.events import CueLevel
from shared.profile import STOPPED_FOR_PAIN, STOPPED_FOR_SYMPTOM, SessionRecord
from shared.reply import (
    ClearScreening,
    DeleteProfile,
    MarkScreened,
    RecordSession,
    SaveCueLevel,
    SavePreferences,
)
from shared.storage import ProfileStore, SafeStore, default_sqlite_path
from shared.storage.store import MAX_SESSIONS_LOADED, database_url
from tutor.store import MemoryStore, SessionStore, local_user_key


def test_a_profile_round_trips(store: ProfileStore) -> None:
    assert store.load("u1") is None
    store.apply("u1", [RecordSession(record(1)), SavePreferences(25, 6), MarkScreened()], TODAY)
    store.apply("u1", [RecordSession(record(0, "lower_back", pains=2))], TODAY)
    profile = store.load("u1")
    assert profile is not None
    assert profile.sessions == (record(1), record(0, "lower_back", pains=2))
    assert (profile.hold_seconds, profile.reps, profile.screened_on) == (25, 6, TODAY)
    assert profile.streak(TODAY) == 2 and profile.last_session == record(0, "lower_back", 2)
    assert store.load("someone else") is None


def test_record_session_keeps_every_field(store: ProfileStore) -> None:
    unfinished = SessionRecord(TODAY, "both", (), pain_reports=3, completed=False)
    store.apply("u1", [RecordSession(unfinished)], TODAY)
    profile = store.load("u1")
    assert profile is not None and profile.sessions == (unfinished,)
    assert (profile.hold_seconds, profile.reps, profile.screened_on) == (None, None, None)


def test_record_session_keeps_how_the_session_went(store: ProfileStore) -> None:
    """The stretch that hurt, each check-in's answer in order and why the session stopped come
    back as they were given, beside a session that has none of them."""
    hurt = SessionRecord(
        TODAY,
        "lower_back",
        ("knee_to_chest",),
        pain_reports=2,
        pain_stretch="knee_to_chest",
        feelings=(("cat_cow", "good"), ("knee_to_chest", "painful"), ("knee_to_chest", "tight")),
        stopped_for=STOPPED_FOR_PAIN,
    )
    numb = SessionRecord(
        TODAY, "neck", (), feelings=(("neck_flexion", "numb"),), stopped_for=STOPPED_FOR_SYMPTOM
    )
    store.apply("u1", [RecordSession(hurt), RecordSession(record()), RecordSession(numb)], TODAY)
    profile = store.load("u1")
    assert profile is not None and profile.sessions == (hurt, record(), numb)
    assert profile.sessions[0].feelings[1] == ("knee_to_chest", "painful")


def test_clear_screening_asks_the_screen_again(store: ProfileStore) -> None:
    """Cleared in the same call as a session (a pain stop), with a new revision so that other
    servers' copies are read again."""
    store.apply("u1", [MarkScreened(), SavePreferences(25, 6)], TODAY)
    screened = store.revision("u1")
    stopped = SessionRecord(TODAY, "neck", (), 2, stopped_for=STOPPED_FOR_PAIN)
    store.apply("u1", [RecordSession(stopped), ClearScreening()], TODAY)
    profile = store.load("u1")
    assert profile is not None and profile.screened_on is None
    assert profile.needs_screening(TODAY) and profile.sessions == (stopped,)
    assert (profile.hold_seconds, profile.reps) == (25, 6)
    assert store.revision("u1") not in (None, screened)
    store.apply("u1", [MarkScreened()], TODAY)
    again = store.load("u1")
    assert again is not None and again.screened_on == TODAY


def test_save_preferences_overwrites_the_last_choice(store: ProfileStore) -> None:
    store.apply("u1", [SavePreferences(20, 5)], TODAY)
    store.apply("u1", [SavePreferences(30, 10)], TODAY)
    profile = store.load("u1")
    assert profile is not None and (profile.hold_seconds, profile.reps) == (30, 10)
    assert profile.sessions == () and profile.screened_on is None


@pytest.mark.parametrize("level", list(CueLevel))
def test_the_cue_level_round_trips(store: ProfileStore, level: CueLevel) -> None:
    store.apply("u1", [SaveCueLevel(level)], TODAY)
    profile = store.load("u1")
    assert profile is not None and profile.cue_level is level
    assert (profile.hold_seconds, profile.reps, profile.screened_on) == (None, None, None)


def test_a_user_who_never_chose_a_cue_level_has_none(store: ProfileStore) -> None:
    store.apply("u1", [SavePreferences(25, 6), MarkScreened(), RecordSession(record())], TODAY)
    profile = store.load("u1")
    assert profile is not None and profile.cue_level is None


def test_the_last_cue_level_chosen_is_kept(store: ProfileStore) -> None:
    store.apply("u1", [SaveCueLevel(CueLevel.FEWER), SaveCueLevel(CueLevel.MORE)], TODAY)
    store.apply("u1", [SaveCueLevel(CueLevel.NORMAL)], TODAY)
    profile = store.load("u1")
    assert profile is not None and profile.cue_level is CueLevel.NORMAL


def test_cue_level_and_pacing_are_saved_independently(store: ProfileStore) -> None:
    """Saving the hold keeps the cue level and saving the cue level keeps the hold, in separate
    calls and in one; screening and sessions touch neither."""
    store.apply("u1", [SaveCueLevel(CueLevel.FEWER)], TODAY)
    store.apply("u1", [SavePreferences(25, 6)], TODAY)
    profile = store.load("u1")
    assert profile is not None and profile.cue_level is CueLevel.FEWER
    assert (profile.hold_seconds, profile.reps) == (25, 6)
    store.apply("u1", [SaveCueLevel(CueLevel.MORE)], TODAY)
    profile = store.load("u1")
    assert profile is not None and profile.cue_level is CueLevel.MORE
    assert (profile.hold_seconds, profile.reps) == (25, 6)
    store.apply("u1", [SavePreferences(30, 4), SaveCueLevel(CueLevel.NORMAL)], TODAY)
    store.apply("u1", [RecordSession(record()), MarkScreened(), ClearScreening()], TODAY)
    profile = store.load("u1")
    assert profile is not None and profile.cue_level is CueLevel.NORMAL
    assert (profile.hold_seconds, profile.reps) == (30, 4) and profile.sessions == (record(),)


def test_an_unknown_stored_cue_level_loads_as_none(store: ProfileStore) -> None:
    """A level a newer release saved reads as never chosen, and the rest of the profile loads."""
    store.apply("u1", [SavePreferences(25, 6), SaveCueLevel(CueLevel.MORE)], TODAY)
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE users SET cue_level = 'whisper', revision = 'new'"))
    profile = store.load("u1")
    assert profile is not None and profile.cue_level is None
    assert (profile.hold_seconds, profile.reps) == (25, 6)
    store.apply("u1", [SaveCueLevel(CueLevel.FEWER)], TODAY)
    again = store.load("u1")
    assert again is not None and again.cue_level is CueLevel.FEWER


def test_a_deleted_profile_forgets_its_cue_level(store: ProfileStore) -> None:
    store.apply("u1", [SaveCueLevel(CueLevel.MORE)], TODAY)
    store.apply("u1", [DeleteProfile(), RecordSession(record())], TODAY)
    profile = store.load("u1")
    assert profile is not None and profile.cue_level is None


@pytest.mark.parametrize("kind", ["database", "memory"])
def test_the_tutors_stores_remember_the_cue_level(database_url: str, kind: str) -> None:
    """The terminal's SafeStore and the MemoryStore of dialog replays: the level chosen in one
    session is the next session's, and the pacing saved later leaves it alone."""
    safe = SafeStore.open(database_url) if kind == "database" else None
    tutor_store: SessionStore = safe if safe is not None else MemoryStore()
    user = local_user_key("anna")
    try:
        assert tutor_store.apply(user, [SaveCueLevel(CueLevel.MORE)], TODAY)
        assert tutor_store.apply(user, [SavePreferences(40, 3)], TODAY)
        profile = tutor_store.load(user)
        assert profile is not None and profile.cue_level is CueLevel.MORE
        assert (profile.hold_seconds, profile.reps) == (40, 3)
    finally:
        if safe is not None:
            safe.close()


def test_mark_screened_records_the_day_it_was_answered(store: ProfileStore) -> None:
    store.apply("u1", [MarkScreened()], TODAY - timedelta(days=40))
    profile = store.load("u1")
    assert profile is not None and profile.needs_screening(TODAY)
    store.apply("u1", [MarkScreened()], TODAY)
    profile = store.load("u1")
    assert profile is not None and profile.screened_on == TODAY
    assert not profile.needs_screening(TODAY)


def test_one_call_is_one_transaction(store: ProfileStore) -> None:
    """A failing effect at the end leaves nothing of the call behind."""
    unsaveable = RecordSession(SessionRecord(TODAY, "neck", (object(),), 0, True))  # type: ignore[arg-type]
    store.apply("u1", [SavePreferences(20, 5)], TODAY)
    with pytest.raises(TypeError, match="JSON serializable"):
        store.apply("u1", [SavePreferences(30, 9), RecordSession(record()), unsaveable], TODAY)
    profile = store.load("u1")
    assert profile is not None and (profile.hold_seconds, profile.reps) == (20, 5)
    assert profile.sessions == ()


def test_delete_removes_the_user_and_every_session(store: ProfileStore) -> None:
    store.apply("u1", [RecordSession(record()), MarkScreened(), SavePreferences(20, 5)], TODAY)
    store.apply("u2", [RecordSession(record())], TODAY)
    store.apply("u1", [DeleteProfile()], TODAY)
    assert store.load("u1") is None and store.count_sessions("u1") == 0
    assert store.load("u2") is not None
    store.delete("u2")
    assert store.load("u2") is None and store.count_sessions("u2") == 0
    with store.engine.connect() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM users")).scalar() == 0


def test_a_profile_can_start_again_after_deletion(store: ProfileStore) -> None:
    store.apply("u1", [RecordSession(record(3)), DeleteProfile(), RecordSession(record())], TODAY)
    profile = store.load("u1")
    assert profile is not None and profile.sessions == (record(),)


def test_sessions_come_back_by_day_then_insertion_order(store: ProfileStore) -> None:
    late_first = [record(0, "neck"), record(2, "both"), record(0, "lower_back"), record(1)]
    store.apply("u1", [RecordSession(r) for r in late_first], TODAY)
    profile = store.load("u1")
    assert profile is not None
    assert [(s.day, s.area) for s in profile.sessions] == [
        (TODAY - timedelta(days=2), "both"),
        (TODAY - timedelta(days=1), "neck"),
        (TODAY, "neck"),
        (TODAY, "lower_back"),
    ]


def test_only_the_latest_sessions_are_loaded_but_all_are_kept(store: ProfileStore) -> None:
    store.apply("u1", [RecordSession(record(days)) for days in range(405)], TODAY)
    profile = store.load("u1")
    assert profile is not None and len(profile.sessions) == MAX_SESSIONS_LOADED == 400
    assert profile.sessions[0].day == TODAY - timedelta(days=399)
    assert profile.sessions[-1].day == TODAY
    assert store.count_sessions("u1") == 405


def test_every_write_changes_the_revision(store: ProfileStore) -> None:
    assert store.revision("u1") is None
    seen = {store.apply("u1", [MarkScreened()], TODAY)}
    assert store.revision("u1") in seen
    seen.add(store.apply("u1", [RecordSession(record())], TODAY))
    seen.add(store.apply("u1", [SavePreferences(20, 5)], TODAY))
    seen.add(store.apply("u1", [SaveCueLevel(CueLevel.FEWER)], TODAY))
    assert len(seen) == 4 and None not in seen and store.revision("u1") in seen
    assert store.apply("u1", [DeleteProfile()], TODAY) is None and store.revision("u1") is None
    assert store.apply("u1", [], TODAY) is None


def test_user_ids_are_stored_verbatim_and_kept_apart(store: ProfileStore) -> None:
    ids = ["alexa:" + "f" * 64, "local:default", "o'brien; DROP TABLE users; --", "ü-ñ"]
    for number, user in enumerate(ids):
        store.apply(user, [SavePreferences(20 + number, 5)], TODAY)
    for number, user in enumerate(ids):
        profile = store.load(user)
        assert profile is not None and profile.hold_seconds == 20 + number


# -- opening -------------------------------------------------------------------------------------


def test_urls_and_paths_are_understood(tmp_path: Path) -> None:
    assert database_url("postgresql://u@h:5432/d") == "postgresql+psycopg://u@h:5432/d"
    assert database_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"
    assert database_url(str(tmp_path / "p.db")) == f"sqlite:///{tmp_path / 'p.db'}"


def test_a_plain_path_opens_a_sqlite_file_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "new" / "dir" / "progress.sqlite3"
    store = ProfileStore.open(str(path))
    try:
        store.apply("u1", [MarkScreened()], TODAY)
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 2000
    finally:
        store.close()
    assert path.exists()


def test_without_a_url_database_url_then_the_user_data_dir_decide(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'from-env.sqlite3'}")
    ProfileStore.open().close()
    assert (tmp_path / "from-env.sqlite3").exists()
    monkeypatch.delenv("DATABASE_URL")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_sqlite_path().is_relative_to(tmp_path / "data")
    assert database_url(None) == f"sqlite:///{default_sqlite_path()}"
    ProfileStore.open().close()
    assert default_sqlite_path().exists()


@pytest.mark.postgres
def test_postgresql_sessions_carry_the_statement_timeout(postgres_url: str) -> None:
    store = ProfileStore.open(postgres_url, timeout=1.5)
    try:
        with store.engine.connect() as connection:
            # a little under the client's own deadline (engines.STATEMENT_SHARE)
            assert connection.exec_driver_sql("SHOW statement_timeout").scalar() == "1200ms"
            assert store.engine.dialect.driver == "psycopg"
    finally:
        store.close()
