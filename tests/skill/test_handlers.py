"""The ask-sdk request handlers, driven through the built skill with realistic envelopes:
name-free CanFulfillIntent answers, system requests, intents outside the model, and the match
between the handlers and every locale's interaction model."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from alexa_requests import check_response, ended, reprompt_of, speech_of
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope, Slot
from ask_sdk_model.slu.entityresolution import (
    Resolution,
    Resolutions,
    Status,
    StatusCode,
    Value,
    ValueWrapper,
)

from shared.intents import CUSTOM_INTENT_SLOTS, INTENT_EVENTS
from shared.model import LOCALES, load_model
from skill.builder import build_skill
from skill.dialogs.requests import RequestFactory, Session
from skill.handlers import REQUEST_HANDLERS, handled_intents, resolved_slot_value
from skill.testing import NOW

SERIALIZER = DefaultSerializer()


class Skill:
    """The skill without a web server or a store: envelopes in, response JSON out."""

    def __init__(self) -> None:
        self.skill = build_skill(None)
        self.factory = RequestFactory(clock=lambda: NOW)

    def invoke(self, request: dict[str, Any]) -> dict[str, Any]:
        envelope = SERIALIZER.deserialize(json.dumps(request), RequestEnvelope)
        response = self.skill.invoke(request_envelope=envelope, context=None)
        body: dict[str, Any] = SERIALIZER.serialize(response)
        check_response(body)
        return body


@pytest.fixture(scope="module")
def skill() -> Skill:
    return Skill()


# -- CanFulfillIntentRequest ----------------------------------------------------------------------


def can_fulfill(skill: Skill, request: dict[str, Any]) -> dict[str, Any]:
    request["request"]["type"] = "CanFulfillIntentRequest"
    request["request"].pop("dialogState", None)
    body = skill.invoke(request)
    response = body["response"]
    assert "outputSpeech" not in response and "reprompt" not in response
    answer: dict[str, Any] = response["canFulfillIntent"]
    return answer


def ask_can_fulfill(skill: Skill, intent: str, **slots: str) -> dict[str, Any]:
    return can_fulfill(skill, skill.factory.intent(Session(), intent, slots))


@pytest.mark.parametrize(("spoken", "area_id"), [("lower back", "lower_back"), ("neck", "neck")])
def test_can_fulfill_start_with_a_resolved_area(skill: Skill, spoken: str, area_id: str) -> None:
    request = skill.factory.intent(Session(), "StartRoutineIntent", {"area": spoken})
    slot = request["request"]["intent"]["slots"]["area"]
    (authority,) = slot["resolutions"]["resolutionsPerAuthority"]
    assert authority["status"]["code"] == "ER_SUCCESS_MATCH"
    assert authority["values"][0]["value"]["id"] == area_id
    answer = can_fulfill(skill, request)
    assert answer == {
        "canFulfill": "YES",
        "slots": {"area": {"canUnderstand": "YES", "canFulfill": "YES"}},
    }


def test_can_fulfill_start_with_no_slot_value(skill: Skill) -> None:
    request = skill.factory.intent(Session(), "StartRoutineIntent", {})
    request["request"]["intent"]["slots"] = {"area": {"name": "area", "confirmationStatus": "NONE"}}
    answer = can_fulfill(skill, request)
    assert answer["canFulfill"] == "YES"
    assert answer["slots"]["area"] == {"canUnderstand": "YES", "canFulfill": "YES"}


def test_can_fulfill_says_no_to_an_area_it_does_not_know(skill: Skill) -> None:
    request = skill.factory.intent(Session(), "StartRoutineIntent", {"area": "elbow"})
    slot = request["request"]["intent"]["slots"]["area"]
    assert slot["resolutions"]["resolutionsPerAuthority"][0]["status"]["code"] == (
        "ER_SUCCESS_NO_MATCH"
    )
    answer = can_fulfill(skill, request)
    assert answer == {
        "canFulfill": "NO",
        "slots": {"area": {"canUnderstand": "NO", "canFulfill": "NO"}},
    }


@pytest.mark.parametrize(
    "intent", ["WeatherIntent", "AMAZON.SearchAction<object@WeatherForecast>", "PlayMusicIntent"]
)
def test_can_fulfill_says_no_to_an_unknown_intent(skill: Skill, intent: str) -> None:
    assert ask_can_fulfill(skill, intent)["canFulfill"] == "NO"


def test_can_fulfill_says_no_to_a_slot_the_intent_does_not_declare(skill: Skill) -> None:
    request = skill.factory.intent(Session(), "StartRoutineIntent", {"area": "neck"})
    request["request"]["intent"]["slots"]["colour"] = {
        "name": "colour",
        "value": "blue",
        "confirmationStatus": "NONE",
    }
    answer = can_fulfill(skill, request)
    assert answer["canFulfill"] == "NO"
    assert answer["slots"]["colour"] == {"canUnderstand": "NO", "canFulfill": "NO"}
    assert answer["slots"]["area"] == {"canUnderstand": "YES", "canFulfill": "YES"}


@pytest.mark.parametrize("intent", sorted(CUSTOM_INTENT_SLOTS))
def test_can_fulfill_says_yes_to_every_custom_intent(skill: Skill, intent: str) -> None:
    assert ask_can_fulfill(skill, intent)["canFulfill"] == "YES"


@pytest.mark.parametrize(
    ("intent", "slot", "spoken", "verdict"),
    [
        ("PainIntent", "area", "lower back", "YES"),
        ("PainIntent", "area", "elbow", "NO"),
        ("CheckInIntent", "feeling", "pins and needles", "YES"),
        ("CheckInIntent", "feeling", "no pain", "YES"),
        ("CheckInIntent", "feeling", "purple", "NO"),
    ],
)
def test_can_fulfill_pain_with_an_area_and_a_check_in_feeling(
    skill: Skill, intent: str, slot: str, spoken: str, verdict: str
) -> None:
    """#13: pain carries an optional area and the check-in a feeling; both are understood only
    when the value resolves, as for the start intent's area."""
    answer = ask_can_fulfill(skill, intent, **{slot: spoken})
    assert answer == {
        "canFulfill": verdict,
        "slots": {slot: {"canUnderstand": verdict, "canFulfill": verdict}},
    }


def test_can_fulfill_understands_a_number_slot(skill: Skill) -> None:
    answer = ask_can_fulfill(skill, "SetHoldIntent", seconds="30")
    assert answer["canFulfill"] == "YES"
    assert answer["slots"]["seconds"] == {"canUnderstand": "YES", "canFulfill": "YES"}


@pytest.mark.parametrize("intent", ["AMAZON.HelpIntent", "AMAZON.StopIntent"])
def test_can_fulfill_leaves_built_in_intents_to_alexa(skill: Skill, intent: str) -> None:
    assert ask_can_fulfill(skill, intent)["canFulfill"] == "NO"


# -- system requests ------------------------------------------------------------------------------


def test_exception_encountered_answers_nothing_and_is_logged(
    skill: Skill, caplog: pytest.LogCaptureFixture
) -> None:
    request = skill.factory.envelope(
        Session(),
        {
            "type": "System.ExceptionEncountered",
            "error": {"type": "INVALID_RESPONSE", "message": "SSML is not well formed"},
            "cause": {"requestId": "amzn1.echo-api.request.PREVIOUS"},
        },
    )
    del request["session"]  # system events arrive outside any session
    with caplog.at_level(logging.ERROR, logger="skill.handlers"):
        body = skill.invoke(request)
    assert body["response"] == {}
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "SSML is not well formed" in errors[0].getMessage()


def test_another_request_type_is_acknowledged_silently(
    skill: Skill, caplog: pytest.LogCaptureFixture
) -> None:
    request = skill.factory.envelope(
        Session(),
        {"type": "AudioPlayer.PlaybackStarted", "token": "t", "offsetInMilliseconds": 0},
    )
    with caplog.at_level(logging.INFO, logger="skill.handlers"):
        body = skill.invoke(request)
    assert body["response"] == {}
    assert "ignoring request type AudioPlayer.PlaybackStarted" in caplog.text


@pytest.mark.parametrize("reason", ["USER_INITIATED", "EXCEEDED_MAX_REPROMPTS", "ERROR"])
def test_session_ended_answers_nothing(
    skill: Skill, reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    error = {"type": "ENDPOINT_TIMEOUT", "message": "too slow"} if reason == "ERROR" else None
    request = skill.factory.session_ended(Session(), reason, error)
    with caplog.at_level(logging.INFO, logger="skill.handlers"):
        body = skill.invoke(request)
    assert body["response"] == {}
    assert f"session ended: reason={reason}" in caplog.text
    assert ("ENDPOINT_TIMEOUT: too slow" in caplog.text) == (reason == "ERROR")


# -- intents ------------------------------------------------------------------------------------


def _at_area_question(skill: Skill) -> Session:
    """A session that has launched and answered the screen: the skill asks for an area."""
    session = Session()
    for make in (
        skill.factory.launch,
        lambda s: skill.factory.utterance(s, "no"),
    ):
        body = skill.invoke(make(session))
        session.after(body, ended(body))
    return session


@pytest.mark.parametrize(
    "intent", ["AMAZON.SelectIntent", "AMAZON.ScrollDownIntent", "MadeUpIntent"]
)
def test_an_intent_outside_the_model_is_treated_as_not_understood(
    skill: Skill, intent: str
) -> None:
    session = _at_area_question(skill)
    state = dict(session.attributes)
    fallback = skill.invoke(skill.factory.intent(session, "AMAZON.FallbackIntent", {}))
    unknown = skill.invoke(skill.factory.intent(session, intent, {}))
    assert speech_of(unknown).text.startswith("Sorry, I didn't catch that.")
    assert speech_of(unknown).text == speech_of(fallback).text
    assert reprompt_of(unknown) == reprompt_of(fallback)
    assert not ended(unknown)
    assert unknown["sessionAttributes"]["engine"]["phase"] == state["engine"]["phase"]


@pytest.mark.parametrize("intent", sorted(INTENT_EVENTS))
def test_every_modelled_intent_gets_a_real_answer_mid_session(skill: Skill, intent: str) -> None:
    """No intent in the table reaches the apology handler, whatever its slots are."""
    session = _at_area_question(skill)
    body = skill.invoke(skill.factory.intent(session, intent, {}))
    assert "something went wrong" not in speech_of(body).text
    assert speech_of(body).text


@pytest.mark.parametrize("locale", LOCALES)
def test_handled_intents_are_exactly_the_models_intents(locale: str) -> None:
    modelled = set(load_model(locale).intents)
    handled = handled_intents()
    assert handled - modelled == set(), "handlers for intents the model lacks"
    assert modelled - handled == set(), "model intents without a handler"


def test_custom_intents_declare_the_slots_the_model_has() -> None:
    for locale in LOCALES:
        model = load_model(locale)
        for name, slots in CUSTOM_INTENT_SLOTS.items():
            assert model.intents[name].slots == slots, (locale, name)


def test_handlers_are_ordered_most_specific_first() -> None:
    names = [handler.__name__ for handler in REQUEST_HANDLERS]
    assert names.index("EngineIntentHandler") < names.index("UnknownIntentHandler")
    assert names[-1] == "OtherRequestHandler"


# -- slot values ----------------------------------------------------------------------------------


def _resolution(code: StatusCode, value_id: str | None = None) -> Resolution:
    values = [ValueWrapper(value=Value(name=value_id, id=value_id))] if value_id else None
    return Resolution(authority="a", status=Status(code=code), values=values)


@pytest.mark.parametrize(
    ("slot", "expected"),
    [
        (None, None),
        (Slot(name="area"), None),
        (Slot(name="seconds", value="30"), "30"),
        (Slot(name="area", value="x", resolutions=Resolutions([])), "x"),
        (
            Slot(
                name="area",
                value="upper back",
                resolutions=Resolutions([_resolution(StatusCode.ER_SUCCESS_MATCH, "neck")]),
            ),
            "neck",
        ),
        (
            Slot(
                name="area",
                value="elbow",
                resolutions=Resolutions([_resolution(StatusCode.ER_SUCCESS_NO_MATCH)]),
            ),
            None,
        ),
        (
            Slot(
                name="area",
                value="low back",
                resolutions=Resolutions(
                    [
                        _resolution(StatusCode.ER_SUCCESS_NO_MATCH),
                        _resolution(StatusCode.ER_SUCCESS_MATCH, "lower_back"),
                    ]
                ),
            ),
            "lower_back",
        ),
        (
            Slot(
                name="area",
                value="neck",
                resolutions=Resolutions([_resolution(StatusCode.ER_ERROR_TIMEOUT)]),
            ),
            None,
        ),
    ],
    ids=[
        "none",
        "no-value",
        "number",
        "empty-authorities",
        "match",
        "no-match",
        "second-authority",
        "timeout",
    ],
)
def test_resolved_slot_value(slot: Slot | None, expected: str | None) -> None:
    assert resolved_slot_value(slot) == expected
