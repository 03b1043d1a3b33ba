"""The endpoint remembers by default: with no database configured, a SQLite file in the user's
data directory (as the tutor keeps its progress); on Lambda, /tmp, with a loud warning."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from alexa_requests import Conversation, speech_of

from skill.app import create_app
from skill.builder import shown_url
from skill.config import SkillConfig, default_skill_database


def test_with_no_database_setting_progress_is_kept_in_the_user_data_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    config = SkillConfig.from_env({"BACKSTRETCH_VERIFY": "0"})
    assert config.database_url == f"sqlite:///{tmp_path / 'backstretch' / 'skill.sqlite3'}"
    with caplog.at_level(logging.INFO, logger="skill.builder"):
        talk = Conversation(create_app(config).test_client())
    assert f"keeping progress in sqlite:///{default_skill_database()}" in caplog.text
    talk.launch()
    talk.pass_screen()
    talk.say("neck")
    talk.say("no")
    talk.say("no")
    talk.say("ready")
    talk.say("that felt good")
    talk.say("stop")
    again = Conversation(
        create_app(SkillConfig.from_env({"BACKSTRETCH_VERIFY": "0"})).test_client()
    )
    greeting = speech_of(again.launch()).text
    assert greeting.startswith("Welcome back")  # a new process, the same file: remembered
    assert (tmp_path / "backstretch" / "skill.sqlite3").exists()


def test_on_lambda_without_a_store_progress_is_in_tmp_and_it_says_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="skill.config"):
        config = SkillConfig.from_env({"AWS_LAMBDA_FUNCTION_NAME": "coach"})
    assert config.database_url == "sqlite:////tmp/backstretch-skill.sqlite3"
    assert "lasts only as long as this instance" in caplog.text
    assert "DYNAMODB_TABLE" in caplog.text and "DATABASE_URL" in caplog.text


def test_a_configured_database_wins_and_its_password_is_not_shown() -> None:
    config = SkillConfig.from_env({"DATABASE_URL": "postgresql://coach:secret@db:5432/coach"})
    assert config.database_url == "postgresql://coach:secret@db:5432/coach"
    assert "secret" not in shown_url(config.database_url)
