"""Profiles through a dict-storing ask-sdk adapter, as on Lambda with DynamoDB (dict_profiles.py);
the outage-versus-bug rule; and the Lambda handler answering a request."""

from __future__ import annotations

import importlib
import json
import logging
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope
from storage_helpers import record

from shared import messages
from shared.events import CueLevel
from shared.profile import STOPPED_FOR_SYMPTOM, SessionRecord
from shared.reply import (
    ClearScreening,
    DeleteProfile,
    MarkScreened,
    RecordSession,
    SaveCueLevel,
    SavePreferences,
)
from shared.storage.pending import Journal, PendingChange
from skill.builder import skill_builder
from skill.dialogs.requests import RequestFactory, Session
from skill.dict_profiles import REMEMBERED_CHANGES, DictProfiles


class MemoryAdapter(AbstractPersistenceAdapter):
    """What DynamoDbAdapter does, in a dict keyed by user id."""

    def __init__(self) -> None:
        self.items: dict[str, dict[str, Any]] = {}

    def _key(self, envelope: RequestEnvelope) -> str:
        return envelope.context.system.user.user_id

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        return json.loads(json.dumps(self.items.get(self._key(request_envelope), {})))

    def save_attributes(
        self, request_envelope: RequestEnvelope, attributes: dict[str, Any]
    ) -> None:
        self.items[self._key(request_envelope)] = json.loads(json.dumps(attributes))

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        self.items.pop(self._key(request_envelope), None)


class BrokenAdapter(MemoryAdapter):
    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        raise ConnectionError("DynamoDB is unreachable")


class ThrottledAdapter(MemoryAdapter):
    """What ask-sdk's DynamoDbAdapter raises when the service refuses: its own exception."""

    def save_attributes(
        self, request_envelope: RequestEnvelope, attributes: dict[str, Any]
    ) -> None:
        raise PersistenceException("ProvisionedThroughputExceededException")


class BuggyAdapter(MemoryAdapter):
    """An adapter with a bug of ours in it: not an outage, so it must not be swallowed."""

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        return {"profile": {"sessions": [{"area": "neck"}]}}  # a session without its day


def _deserialize(raw: dict[str, Any]) -> RequestEnvelope:
    envelope: RequestEnvelope = DefaultSerializer().deserialize(json.dumps(raw), RequestEnvelope)
    return envelope


def _envelope() -> RequestEnvelope:
    return _deserialize(RequestFactory().launch(Session()))


def test_effects_are_applied_to_the_stored_profile() -> None:
    inner = MemoryAdapter()
    profiles = DictProfiles(inner)
    envelope = _envelope()
    assert profiles.load(envelope) is None
    profiles.apply(envelope, [SavePreferences(25, 7)])
    profiles.apply(envelope, [MarkScreened()])
    profile = profiles.load(envelope)
    assert profile is not None
    assert (profile.hold_seconds, profile.reps, profile.screened_on) == (
        25,
        7,
        envelope.request.timestamp.date(),
    )
    profiles.apply(envelope, [DeleteProfile()])
    assert inner.items == {}


def test_a_symptom_stop_is_kept_and_clears_the_screen() -> None:
    """Through the adapter's JSON, the session keeps how it went (feelings as a tuple of pairs
    again) and the next visit is screened again."""
    profiles = DictProfiles(MemoryAdapter())
    envelope = _envelope()
    day = envelope.request.timestamp.date()
    stopped = SessionRecord(
        day, "neck", (), 0, False, None, (("neck_flexion", "tingling"),), STOPPED_FOR_SYMPTOM
    )
    profiles.apply(envelope, [SavePreferences(25, 7), MarkScreened()])
    profiles.apply(envelope, [RecordSession(stopped), ClearScreening()])
    profile = profiles.load(envelope)
    assert profile is not None and profile.sessions == (stopped,)
    assert profile.screened_on is None and (profile.hold_seconds, profile.reps) == (25, 7)


def test_the_cue_level_is_kept_apart_from_the_pacing() -> None:
    """Stored in the profile's JSON as its value; saving the hold keeps the cue level and saving
    the cue level keeps the hold."""
    inner = MemoryAdapter()
    profiles = DictProfiles(inner)
    envelope = _envelope()
    profiles.apply(envelope, [SaveCueLevel(CueLevel.FEWER)])
    profiles.apply(envelope, [SavePreferences(25, 7)])
    profile = profiles.load(envelope)
    assert profile is not None and profile.cue_level is CueLevel.FEWER
    assert (profile.hold_seconds, profile.reps) == (25, 7)
    profiles.apply(envelope, [SaveCueLevel(CueLevel.MORE), RecordSession(record())])
    profile = profiles.load(envelope)
    assert profile is not None and profile.cue_level is CueLevel.MORE
    assert (profile.hold_seconds, profile.reps, len(profile.sessions)) == (25, 7, 1)
    (stored,) = inner.items.values()
    assert stored["profile"]["cue_level"] == "more"


def test_a_profile_without_a_cue_level_or_with_an_unknown_one_has_none() -> None:
    """Profiles saved before cue levels, or with a level a newer release saved, still load."""
    inner = MemoryAdapter()
    profiles = DictProfiles(inner)
    envelope = _envelope()
    before_cue_levels = {"sessions": [], "hold_seconds": 25, "reps": 7}
    inner.save_attributes(envelope, {"profile": before_cue_levels})
    profile = profiles.load(envelope)
    assert profile is not None and profile.cue_level is None and profile.hold_seconds == 25
    inner.save_attributes(envelope, {"profile": {**before_cue_levels, "cue_level": "whisper"}})
    profile = profiles.load(envelope)
    assert profile is not None and profile.cue_level is None and profile.reps == 7
    profiles.apply(envelope, [SaveCueLevel(CueLevel.NORMAL)])
    profile = profiles.load(envelope)
    assert profile is not None and profile.cue_level is CueLevel.NORMAL


def test_an_unreachable_store_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    profiles = DictProfiles(BrokenAdapter())
    with caplog.at_level(logging.WARNING):
        assert profiles.load(_envelope()) is None
        profiles.apply(_envelope(), [MarkScreened()])
    assert "DynamoDB is unreachable" in caplog.text


def test_nothing_to_apply_touches_nothing() -> None:
    inner = BrokenAdapter()  # any call would fail
    DictProfiles(inner).apply(_envelope(), [])
    assert inner.items == {}


def test_the_adapters_own_exception_is_an_outage(caplog: pytest.LogCaptureFixture) -> None:
    profiles = DictProfiles(ThrottledAdapter())
    with caplog.at_level(logging.WARNING, logger="skill.dict_profiles"):
        profiles.apply(_envelope(), [MarkScreened()])
    assert "progress not saved: ProvisionedThroughputExceededException" in caplog.text


def test_a_bug_of_ours_raises_instead_of_being_logged_away() -> None:
    profiles = DictProfiles(BuggyAdapter())
    with pytest.raises(KeyError):
        profiles.load(_envelope())
    with pytest.raises(KeyError):
        profiles.apply(_envelope(), [MarkScreened()])


def test_an_outage_costs_the_progress_not_the_answer(caplog: pytest.LogCaptureFixture) -> None:
    skill = skill_builder(DictProfiles(BrokenAdapter())).create()
    raw = RequestFactory().launch(Session())
    with caplog.at_level(logging.WARNING, logger="skill.dict_profiles"):
        response = skill.invoke(request_envelope=_deserialize(raw), context=None)
    assert "Welcome to Back Stretch Coach" in response.response.output_speech.ssml
    assert "progress not loaded: DynamoDB is unreachable" in caplog.text


def test_a_bug_in_the_store_is_the_apology_with_its_traceback_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    skill = skill_builder(DictProfiles(BuggyAdapter())).create()
    with caplog.at_level(logging.ERROR, logger="skill.handlers"):
        response = skill.invoke(request_envelope=_envelope(), context=None)
    assert messages.text("skill.apology") in response.response.output_speech.ssml
    (failure,) = [r for r in caplog.records if r.exc_info]
    assert failure.exc_info is not None and failure.exc_info[0] is KeyError


def test_lambda_handler_answers_a_launch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DYNAMODB_TABLE", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    module = importlib.import_module("skill.lambda_function")
    answer = module.handler(RequestFactory().launch(Session()), None)
    assert "Welcome to Back Stretch Coach" in answer["response"]["outputSpeech"]["ssml"]


def test_changes_the_service_did_not_take_are_returned_in_order_with_their_day() -> None:
    envelope = _envelope()
    throttled = DictProfiles(ThrottledAdapter())
    first = PendingChange.new([MarkScreened()], date(2026, 1, 14))
    second = PendingChange.new([SavePreferences(25, 7)], date(2026, 1, 15))
    assert throttled.save(envelope, [first, second]) == [first, second]
    working = DictProfiles(MemoryAdapter())
    assert working.save(envelope, [first, second]) == []
    profile = working.load(envelope)
    assert profile is not None and profile.screened_on == date(2026, 1, 14)  # its own day
    assert (profile.hold_seconds, profile.reps) == (25, 7)


class LostAnswerAdapter(MemoryAdapter):
    """DynamoDB took the write, and its answer was lost on the way back (a timeout): the caller
    sees a failure for a change that is stored."""

    def __init__(self, lose: int = 1) -> None:
        super().__init__()
        self.lose = lose

    def save_attributes(
        self, request_envelope: RequestEnvelope, attributes: dict[str, Any]
    ) -> None:
        super().save_attributes(request_envelope, attributes)
        if self.lose:
            self.lose -= 1
            raise PersistenceException("Read timeout on endpoint URL")


def test_a_change_offered_again_after_its_answer_was_lost_is_counted_once() -> None:
    adapter = LostAnswerAdapter()
    profiles = DictProfiles(adapter)
    envelope = _envelope()
    change = PendingChange.new([RecordSession(record())], date(2026, 1, 14))
    assert profiles.save(envelope, [change]) == [change]  # looked failed: carried, offered again
    assert profiles.save(envelope, [change]) == []
    profile = profiles.load(envelope)
    assert profile is not None and len(profile.sessions) == 1
    again = PendingChange.new([RecordSession(record())], date(2026, 1, 14))
    assert profiles.save(envelope, [again]) == []  # another change of the same content counts
    profile = profiles.load(envelope)
    assert profile is not None and len(profile.sessions) == 2


def test_the_ids_kept_are_the_latest_few() -> None:
    adapter = MemoryAdapter()
    profiles = DictProfiles(adapter)
    envelope = _envelope()
    changes = [PendingChange.new([MarkScreened()], date(2026, 1, 14)) for _ in range(70)]
    assert profiles.save(envelope, changes) == []
    (item,) = adapter.items.values()
    assert item["changes"] == [c.change_id for c in changes][-REMEMBERED_CHANGES:]


def test_an_item_saved_before_change_ids_were_kept_still_takes_changes() -> None:
    adapter = MemoryAdapter()
    envelope = _envelope()
    adapter.save_attributes(envelope, {"profile": {"sessions": [], "hold_seconds": 25}})
    profiles = DictProfiles(adapter)
    change = PendingChange.new([RecordSession(record())], date(2026, 1, 14))
    assert profiles.save(envelope, [change, change]) == []
    profile = profiles.load(envelope)
    assert profile is not None and len(profile.sessions) == 1 and profile.hold_seconds == 25


def test_a_session_whose_save_looked_lost_is_kept_once_through_the_skill() -> None:
    """By voice: the last turn's save times out after DynamoDB took it; the session carries the
    change and offers it again on the next turn, which finds its id and adds nothing."""
    adapter = LostAnswerAdapter(lose=0)
    skill = skill_builder(DictProfiles(adapter)).create()
    factory, session = RequestFactory(), Session()

    def say(raw: dict[str, Any]) -> None:
        answer = skill.invoke(_deserialize(raw), None)
        session.new, session.attributes = False, answer.session_attributes or {}

    say(factory.launch(session))
    adapter.lose = 1
    say(factory.intent(session, "SetHoldIntent", {"seconds": "25"}))
    (carried,) = session.attributes["unsaved"]  # looked lost: it travels with the session
    say(factory.intent(session, "AMAZON.HelpIntent", {}))
    assert "unsaved" not in session.attributes  # offered again, and taken
    (item,) = adapter.items.values()
    assert item["changes"] == [carried["id"]] and item["profile"]["hold_seconds"] == 25


class SwitchableAdapter(MemoryAdapter):
    """DynamoDB that can be down, then back."""

    def __init__(self) -> None:
        super().__init__()
        self.down = False

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        if self.down:
            raise PersistenceException("Could not connect to the endpoint URL")
        return super().get_attributes(request_envelope)

    def save_attributes(
        self, request_envelope: RequestEnvelope, attributes: dict[str, Any]
    ) -> None:
        if self.down:
            raise PersistenceException("Could not connect to the endpoint URL")
        super().save_attributes(request_envelope, attributes)


def test_a_session_ended_while_dynamodb_was_down_is_saved_on_the_users_next_request(
    tmp_path: Path,
) -> None:
    """Alexa ends the session while DynamoDB is away: the change goes to the instance's journal,
    and the same user's next request, once DynamoDB answers, writes it back, once; another
    user's request leaves it waiting (an adapter writes for the request's user only)."""
    adapter = SwitchableAdapter()
    journal = Journal(tmp_path / "unsaved.jsonl")
    profiles = DictProfiles(adapter, journal=journal)
    envelope = _envelope()
    change = PendingChange.new([RecordSession(record())], date(2026, 1, 14))
    adapter.down = True
    profiles.park(envelope, profiles.save(envelope, [change]))
    assert journal.count() == 1
    kept = (tmp_path / "unsaved.jsonl").read_text()
    assert change.change_id in kept and "amzn1.ask.account" not in kept  # users by a hash
    adapter.down = False
    someone_else = _deserialize(RequestFactory(user_id="amzn1.ask.account.OTHER").launch(Session()))
    assert profiles.load(someone_else) is None and journal.count() == 1
    profile = profiles.load(envelope)
    assert profile is not None and len(profile.sessions) == 1 and journal.count() == 0
    profiles.load(envelope)
    again = profiles.load(envelope)
    assert again is not None and len(again.sessions) == 1


def test_without_a_journal_what_could_not_be_kept_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    profiles = DictProfiles(ThrottledAdapter())
    change = PendingChange.new([MarkScreened()], date(2026, 1, 14))
    with caplog.at_level(logging.WARNING, logger="skill.dict_profiles"):
        profiles.park(_envelope(), [change])
    assert f"could not be kept: {change.change_id}" in caplog.text


def test_the_lambda_journal_is_in_the_temporary_folder_unless_configured(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from skill.config import SkillConfig
    from skill.lambda_function import lambda_journal_path

    monkeypatch.delenv("BACKSTRETCH_JOURNAL", raising=False)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    tempfile.tempdir = None  # read TMPDIR again
    try:
        assert lambda_journal_path(SkillConfig.from_env()) == tmp_path / "backstretch-unsaved.jsonl"
    finally:
        tempfile.tempdir = None
    monkeypatch.setenv("BACKSTRETCH_JOURNAL", str(tmp_path / "mine.jsonl"))
    assert lambda_journal_path(SkillConfig.from_env()) == tmp_path / "mine.jsonl"
