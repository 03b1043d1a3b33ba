"""The SQL profile gateway (skill/persistence.py): keyed by a hash of the Alexa user id, an outage
never failing a turn, a bug of ours raising."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope
from sqlalchemy import text

from shared.events import CueLevel
from shared.profile import STOPPED_FOR_PAIN, SessionRecord
from shared.reply import (
    ClearScreening,
    DeleteProfile,
    MarkScreened,
    RecordSession,
    SaveCueLevel,
    SavePreferences,
)
from shared.storage import SafeStore
from skill.app import AlexaEndpoint
from skill.config import SkillConfig
from skill.dialogs.requests import USER_ID, RequestFactory, Session
from skill.persistence import SqlProfiles, user_key


def _envelope() -> RequestEnvelope:
    raw = RequestFactory().launch(Session())
    return DefaultSerializer().deserialize(json.dumps(raw), RequestEnvelope)


def test_profiles_are_saved_and_read_under_a_hashed_id(tmp_path: Path) -> None:
    store = SafeStore.open(str(tmp_path / "p.sqlite3"))
    profiles = SqlProfiles(store)
    envelope = _envelope()
    assert profiles.load(envelope) is None
    profiles.apply(envelope, [SavePreferences(30, 4), MarkScreened()])
    profile = profiles.load(envelope)
    assert profile is not None
    assert (profile.hold_seconds, profile.reps) == (30, 4) and profile.screened_on
    fresh = SqlProfiles(store).load(envelope)  # from the database
    assert fresh == profile
    with store.store.engine.connect() as connection:  # type: ignore[union-attr]
        ids = [row[0] for row in connection.execute(text("SELECT user_id FROM users"))]
    assert ids == [user_key(USER_ID)] and USER_ID not in ids[0]
    profiles.apply(envelope, [DeleteProfile()])
    assert profiles.load(envelope) is None
    store.close()


def test_a_pain_stop_keeps_the_workers_copy_exact(database_url: str) -> None:
    """The worker's own ClearScreening and session update its copy in memory (no read), and the
    copy equals what another worker loads from the database."""
    store = SafeStore.open(database_url)
    profiles, envelope = SqlProfiles(store), _envelope()
    profiles.apply(envelope, [SavePreferences(30, 4), MarkScreened()])
    assert profiles.load(envelope) is not None  # the copy is cached
    stopped = SessionRecord(
        envelope.request.timestamp.date(),
        "lower_back",
        ("knee_to_chest",),
        2,
        False,
        "knee_to_chest",
        (("knee_to_chest", "painful"),),
        STOPPED_FOR_PAIN,
    )
    profiles.apply(envelope, [RecordSession(stopped), ClearScreening()])
    kept = profiles.cache.get(user_key(USER_ID))
    assert kept is not None and kept.profile is not None
    assert kept.profile.screened_on is None and kept.profile.sessions == (stopped,)
    assert kept.profile == SqlProfiles(store).load(envelope)  # another worker, from the database
    assert profiles.load(envelope) == kept.profile
    store.close()


def test_a_cue_level_is_remembered_across_workers_and_sessions(database_url: str) -> None:
    """The worker's own SaveCueLevel updates its copy in memory; another worker (or the next
    session) loads the same level from the database; saving the pacing keeps it."""
    store = SafeStore.open(database_url)
    profiles, envelope = SqlProfiles(store), _envelope()
    profiles.apply(envelope, [SavePreferences(30, 4), MarkScreened()])
    assert profiles.load(envelope) is not None  # the copy is cached
    profiles.apply(envelope, [SaveCueLevel(CueLevel.FEWER)])
    kept = profiles.cache.get(user_key(USER_ID))
    assert kept is not None and kept.profile is not None
    assert kept.profile.cue_level is CueLevel.FEWER
    other = SqlProfiles(store)  # another worker, from the database
    assert other.load(envelope) == kept.profile
    other.apply(envelope, [SavePreferences(25, 6)])
    profile = profiles.load(envelope)  # this worker sees the other's write
    assert profile is not None and profile.cue_level is CueLevel.FEWER
    assert (profile.hold_seconds, profile.reps) == (25, 6)
    store.close()


def test_a_down_database_never_raises(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        profiles = SqlProfiles(SafeStore.open("postgresql://postgres@127.0.0.1:1/x", timeout=1))
        envelope = _envelope()
        assert profiles.load(envelope) is None
        profiles.apply(envelope, [MarkScreened()])
    assert "progress not saved for now: cannot open the database" in caplog.text


def test_a_bug_of_ours_raises_through_the_gateway(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SafeStore.open(str(tmp_path / "p.sqlite3"))
    profiles = SqlProfiles(store)
    assert store.store is not None

    def broken(*_args: object) -> None:
        raise TypeError("a bug, not an outage")

    monkeypatch.setattr(store.store, "snapshot", broken)
    monkeypatch.setattr(store.store, "change", broken)
    with pytest.raises(TypeError):
        profiles.load(_envelope())
    with pytest.raises(TypeError):
        profiles.apply(_envelope(), [MarkScreened()])
    store.close()


def test_only_the_turns_that_use_the_profile_read_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    endpoint = AlexaEndpoint(SkillConfig(verify=False, database_url=str(tmp_path / "p.sqlite3")))
    adapter = endpoint.profiles
    assert isinstance(adapter, SqlProfiles)
    reads: list[int] = []
    read = adapter.store.snapshot
    monkeypatch.setattr(adapter.store, "snapshot", lambda *a: reads.append(1) or read(*a))
    factory, session = RequestFactory(), Session()
    reads_per_turn, ended = [], False
    for words in ["@launch", "no", "no", "neck", "no", "no", *["ready"] * 10]:
        launch = words == "@launch"
        request = factory.launch(session) if launch else factory.utterance(session, words)
        before = len(reads)
        status, answer = endpoint.answer({}, json.dumps(request).encode())
        assert status == 200
        reads_per_turn.append((words, len(reads) - before))
        ended = bool(answer["response"].get("shouldEndSession"))
        if ended:
            break
        session.after(answer, ended)
    assert ended, reads_per_turn  # the routine finished...
    assert adapter.store.store is not None
    assert adapter.store.store.count_sessions(user_key(USER_ID)) == 1  # ...and was recorded
    assert reads_per_turn[:5] == [
        ("@launch", 1),  # welcome, and the saved pacing
        ("no", 0),  # no emergency signs: the urgent question
        ("no", 1),  # no urgent signs: a usual area is offered, if there is one
        ("neck", 1),  # stretches done before (one-line intros), and the duration announced
        ("no", 1),  # no neck signs: tips are offered to new users only
    ]
    assert len(reads_per_turn) > 7 and all(n == 0 for _words, n in reads_per_turn[5:])


def test_a_turn_still_answers_while_the_database_is_down(caplog: pytest.LogCaptureFixture) -> None:
    url = "postgresql://postgres@127.0.0.1:1/x"  # nothing listens on port 1
    with caplog.at_level(logging.WARNING):
        endpoint = AlexaEndpoint(SkillConfig(verify=False, database_url=url))
        request = RequestFactory().launch(Session())
        status, answer = endpoint.answer({}, json.dumps(request).encode())
    assert status == 200
    assert "Welcome to Back Stretch Coach" in answer["response"]["outputSpeech"]["ssml"]
    assert "progress not saved for now: cannot open the database" in caplog.text
