"""Nothing lost while the database is away (#17 point 3), through the real endpoint on SQLite: a
change a turn could not save travels in the session's attributes and is saved on a later turn;
what a session cannot carry any more (it ended, or Alexa ended it) waits in the worker's journal
until the database is back; each counted once; a returning user is still greeted as one."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from alexa_requests import Conversation, speech_of
from flask import Flask

from shared.storage import ProfileStore, SafeStore
from skill.app import AlexaEndpoint, create_app
from skill.config import SkillConfig
from skill.dialogs.requests import USER_ID, RequestFactory
from skill.persistence import user_key
from skill.testing import NOW
from skill.unsaved import UNSAVED_KEY


class Volume:
    """The database's folder, which can go away (the file cannot be opened) and come back."""

    def __init__(self, root: Path) -> None:
        self.home, self.away = root / "data", root / "away"
        self.path = self.home / "progress.sqlite3"
        self.journal = root / "unsaved.jsonl"

    def lose(self, app: Flask) -> None:
        self.home.rename(self.away)
        _store(app).store.engine.dispose()  # type: ignore[union-attr]

    def restore(self, app: Flask) -> None:
        self.away.rename(self.home)
        time.sleep(_store(app).retry_in())  # the store tries again after its pause

    def sessions(self, user: str = USER_ID) -> int:
        store = ProfileStore.open(str(self.path))
        try:
            return store.count_sessions(user_key(user))
        finally:
            store.close()


def _store(app: Flask) -> SafeStore:
    endpoint = app.extensions["backstretch.endpoint"]
    assert isinstance(endpoint, AlexaEndpoint) and endpoint.store is not None
    return endpoint.store


@pytest.fixture
def volume(tmp_path: Path) -> Volume:
    return Volume(tmp_path)


@pytest.fixture
def app(volume: Volume) -> Iterator[Flask]:
    config = SkillConfig(verify=False, database_url=str(volume.path), journal=volume.journal)
    made = create_app(config)
    yield made
    _store(made).close()


def _wait_for(condition: object, seconds: float = 10.0) -> None:
    assert callable(condition)
    give_up = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < give_up, "not saved in time"
        time.sleep(0.02)


def _conversation(app: Flask, user: str = USER_ID) -> Conversation:
    return Conversation(app.test_client(), RequestFactory(user_id=user, clock=lambda: NOW))


def test_a_session_finished_while_the_database_is_away_is_saved_when_it_is_back(
    app: Flask, volume: Volume
) -> None:
    user = _conversation(app)
    user.play_first_neck_set()
    volume.lose(app)
    user.finish_routine()  # the session's record: not saved, parked in the journal
    assert volume.journal.stat().st_size > 0
    volume.restore(app)
    _conversation(app, "amzn1.ask.account.SOMEONE-ELSE").launch()  # any turn that answers
    _wait_for(lambda: volume.sessions() == 1)
    _wait_for(lambda: volume.journal.stat().st_size == 0)
    assert volume.sessions() == 1  # once


def test_a_change_carried_in_the_session_is_saved_on_a_later_turn(
    app: Flask, volume: Volume
) -> None:
    user = _conversation(app)
    user.launch()
    volume.lose(app)
    answer = user.pass_screen()  # "screened today": not saved
    carried = answer["sessionAttributes"][UNSAVED_KEY]
    assert [effect["type"] for effect in carried[0]["effects"]] == ["mark_screened"]
    volume.restore(app)
    answer = user.say("neck")  # offered again first, saved now
    assert UNSAVED_KEY not in answer["sessionAttributes"]
    store = ProfileStore.open(str(volume.path))
    try:
        profile = store.load(user_key(USER_ID))
        assert profile is not None and profile.screened_on == NOW.date()
    finally:
        store.close()


def test_a_session_alexa_ended_while_the_database_was_away_is_saved_when_it_is_back(
    app: Flask, volume: Volume
) -> None:
    user = _conversation(app)
    user.play_first_neck_set()
    user.say("fine")
    volume.lose(app)
    user.end_session("USER_INITIATED")  # Alexa ends it: no attributes to carry anything in
    assert volume.journal.stat().st_size > 0
    volume.restore(app)
    _conversation(app, "amzn1.ask.account.SOMEONE-ELSE").launch()
    _wait_for(lambda: volume.sessions() == 1)


def test_a_returning_user_is_greeted_as_one_while_the_database_is_away(
    app: Flask, volume: Volume
) -> None:
    first = _conversation(app)
    first.play_first_neck_set()
    first.finish_routine()
    assert volume.sessions() == 1
    volume.lose(app)
    second = _conversation(app)
    second.launch()  # read from this worker's copy
    second.say("fewer cues")  # a save that fails: the copy is kept, with the change in it
    second.end_session("USER_INITIATED")
    third = _conversation(app)
    greeting = speech_of(third.launch()).text
    assert "Welcome back" in greeting and "Welcome to Back Stretch Coach" not in greeting
    volume.restore(app)
    third.say("fewer cues")
    store = ProfileStore.open(str(volume.path))
    try:
        profile = store.load(user_key(USER_ID))
        assert profile is not None and profile.cue_level is not None
    finally:
        store.close()
