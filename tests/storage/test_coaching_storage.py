"""Coaching across weeks in every store (#18): the levels each session was done at and the weekly
goal, through the version 6 migration (SQLite and PostgreSQL), the dict store and the codec."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine, inspect, text
from storage_helpers import TODAY

from shared.effects import apply_effects
from shared.engine.progression import Level, progress_for
from shared.profile import Profile, SessionRecord
from shared.reply import RecordSession, SavePreferences, SaveWeeklyGoal
from shared.storage import ProfileStore
from shared.storage.codec import effect_from_json, effect_to_json
from shared.storage.schema import migrate
from shared.storage.store import database_url as resolve

KNEE = "knee_to_chest"
LEVELLED = SessionRecord(
    TODAY,
    "lower_back",
    (KNEE,),
    0,
    True,
    feelings=((KNEE, "easy"),),
    levels=((KNEE, 25, 6),),
)


def test_a_version_5_database_is_upgraded_and_its_sessions_progress(database_url: str) -> None:
    """Today's released schema (version 5) with a user who did knee to chest twice and found it
    easy: after the upgrade the sessions read back with no levels, progression takes them as
    done at the start level (so the stretch moves up), and new sessions keep their levels."""
    engine = create_engine(resolve(database_url))
    with engine.begin() as connection:
        migrate(connection, target=5)
        connection.execute(text("INSERT INTO users (user_id, revision) VALUES ('u', 'r5')"))
        for day in ("2026-01-13", "2026-01-14"):
            connection.execute(
                text(
                    "INSERT INTO sessions (user_id, day, area, stretches, pain_reports, completed,"
                    " feelings) VALUES ('u', :day, 'lower_back', :stretches, 0, :done, :felt)"
                ),
                {
                    "day": day,
                    "stretches": json.dumps([KNEE]),
                    "done": True,
                    "felt": json.dumps([[KNEE, "easy"]]),
                },
            )
        assert "levels" not in {c["name"] for c in inspect(connection).get_columns("sessions")}
    engine.dispose()
    store = ProfileStore.open(database_url)
    try:
        profile = store.load("u")
        assert profile is not None and profile.weekly_goal is None
        assert [s.levels for s in profile.sessions] == [(), ()]
        assert progress_for(profile, [KNEE])[KNEE].level == Level(25, 5)
        assert store.revision("u") == "r5"  # the upgrade changed no user
        store.apply("u", [RecordSession(LEVELLED)], TODAY)
        profile = store.load("u")
        assert profile is not None and profile.sessions[-1] == LEVELLED
    finally:
        store.close()


def test_version_6_can_run_again_on_tables_that_have_its_columns(store: ProfileStore) -> None:
    store.apply("u", [RecordSession(LEVELLED)], TODAY)
    with store.engine.begin() as connection:
        from shared.storage import schema

        schema.MIGRATIONS[5](connection)
    profile = store.load("u")
    assert profile is not None and profile.sessions == (LEVELLED,)


def test_a_copy_brought_up_to_date_reads_the_new_sessions_levels(store: ProfileStore) -> None:
    first = store.snapshot("u")
    store.apply("u", [RecordSession(LEVELLED)], TODAY)
    later = store.snapshot("u", first)
    assert later.profile is not None and later.profile.sessions == (LEVELLED,)


def test_the_dict_form_and_the_codec_keep_levels() -> None:
    profile = apply_effects(None, [RecordSession(LEVELLED)], TODAY)
    assert profile is not None
    assert Profile.from_dict(json.loads(json.dumps(profile.to_dict()))) == profile
    effect = RecordSession(LEVELLED)
    assert effect_from_json(json.loads(json.dumps(effect_to_json(effect)))) == effect


@pytest.mark.parametrize(
    "levels", [[["knee_to_chest", 25]], [["knee_to_chest", "25", 5]], [["", 25, 5]], "x"]
)
def test_the_codec_refuses_malformed_levels(levels: object) -> None:
    data = effect_to_json(RecordSession(LEVELLED))
    data["record"]["levels"] = levels
    with pytest.raises(ValueError, match="levels"):
        effect_from_json(data)


def test_a_profile_saved_before_levels_loads() -> None:
    old = {"sessions": [{"day": "2026-01-14", "area": "neck", "stretches": ["neck_flexion"]}]}
    profile = Profile.from_dict(old)
    assert profile.sessions[0].levels == () and profile.weekly_goal is None


def test_the_weekly_goal_is_kept_apart_from_the_pacing(store: ProfileStore) -> None:
    store.apply("u", [SavePreferences(25, 6)], TODAY)
    store.apply("u", [SaveWeeklyGoal(3)], TODAY)
    profile = store.load("u")
    assert profile is not None and profile.weekly_goal == 3
    assert (profile.hold_seconds, profile.reps) == (25, 6)
    store.apply("u", [SavePreferences(30, 5)], TODAY)
    profile = store.load("u")
    assert profile is not None and profile.weekly_goal == 3


def test_the_weekly_goal_in_the_dict_form_and_the_codec() -> None:
    profile = apply_effects(Profile(), [SaveWeeklyGoal(5)], TODAY)
    assert profile is not None and Profile.from_dict(profile.to_dict()).weekly_goal == 5
    assert effect_from_json(effect_to_json(SaveWeeklyGoal(5))) == SaveWeeklyGoal(5)
    for bad in (0, 8, "3", True):
        with pytest.raises(ValueError):
            effect_from_json({"type": "save_weekly_goal", "weekly_goal": bad})
