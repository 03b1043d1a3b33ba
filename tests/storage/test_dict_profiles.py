"""Profiles through a dict-storing ask-sdk adapter, as on Lambda with DynamoDB; and the Lambda
handler answering a request."""

from __future__ import annotations

import importlib
import json
import logging
from typing import Any

import pytest
from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from shared.reply import DeleteProfile, MarkScreened, SavePreferences
from shared.storage.codec import effects_to_json
from skill.dialogs.requests import RequestFactory, Session
from skill.dict_adapter import DictProfileAdapter


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


def _envelope() -> RequestEnvelope:
    return DefaultSerializer().deserialize(
        json.dumps(RequestFactory().launch(Session())), RequestEnvelope
    )


def test_effects_are_applied_to_the_stored_profile() -> None:
    inner = MemoryAdapter()
    adapter = DictProfileAdapter(inner)
    envelope = _envelope()
    assert adapter.get_attributes(envelope) == {}
    adapter.save_attributes(
        envelope, {"pending_effects": effects_to_json([SavePreferences(25, 7)])}
    )
    adapter.save_attributes(envelope, {"pending_effects": effects_to_json([MarkScreened()])})
    profile = adapter.get_attributes(envelope)["profile"]
    assert (profile.hold_seconds, profile.reps, profile.screened_on) == (
        25,
        7,
        envelope.request.timestamp.date(),
    )
    adapter.save_attributes(envelope, {"pending_effects": effects_to_json([DeleteProfile()])})
    assert inner.items == {}


def test_an_unreachable_store_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    adapter = DictProfileAdapter(BrokenAdapter())
    with caplog.at_level(logging.WARNING):
        assert adapter.get_attributes(_envelope()) == {}
        adapter.save_attributes(_envelope(), {"pending_effects": effects_to_json([MarkScreened()])})
    assert "DynamoDB is unreachable" in caplog.text


def test_lambda_handler_answers_a_launch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DYNAMODB_TABLE", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    module = importlib.import_module("skill.lambda_function")
    answer = module.handler(RequestFactory().launch(Session()), None)
    assert "Welcome to Back Stretch Coach" in answer["response"]["outputSpeech"]["ssml"]
