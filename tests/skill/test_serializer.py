"""FastSerializer gives exactly the SDK's results: the same objects (types, attributes and their
order) from the same JSON, the same exception for the same bad JSON, the same JSON (keys in the
same order) from the same objects. Real envelopes and responses first, then Hypothesis mutating
them, then the session attributes' cheap deep copy."""

from __future__ import annotations

import copy
import decimal
import enum
import json
import math
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from functools import cache
from typing import Any

import ask_sdk_model
import pytest
from ask_sdk_core.attributes_manager import AttributesManager
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import (
    Directive,
    IntentRequest,
    Request,
    RequestEnvelope,
    Response,
    ResponseEnvelope,
    Session,
)
from ask_sdk_model.canfulfill import (
    CanFulfillIntent,
    CanFulfillIntentValues,
    CanFulfillSlot,
    CanFulfillSlotValues,
    CanUnderstandSlotValues,
)
from ask_sdk_model.dialog import ElicitSlotDirective
from ask_sdk_model.ui import (
    PlainTextOutputSpeech,
    PlayBehavior,
    Reprompt,
    SimpleCard,
    SsmlOutputSpeech,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.conversation import conversation_requests
from skill.app import AlexaEndpoint
from skill.config import SkillConfig
from skill.dialogs.requests import RequestFactory
from skill.dialogs.requests import Session as DialogSession
from skill.serializer import _ALEXA_TIMESTAMP, FastSerializer, SessionAttributes
from skill.testing import NOW

SDK = DefaultSerializer()
FAST = FastSerializer()  # one instance throughout, as in the endpoint: its caches fill as it goes
PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- comparing results exactly --------------------------------------------------------------------


def shape(value: Any) -> Any:
    """Everything equality may gloss over, made explicit: the exact type of every value, the
    order of dict keys and of attributes, and datetimes by their text (offset included; the
    SDK's dateutil and fromisoformat name UTC with different tzinfo classes)."""
    if isinstance(value, SessionAttributes):
        value = dict(value)  # where it may appear is checked by `session_attributes_where`
    kind = type(value)
    if kind is dict:
        return ("dict", [(shape(k), shape(v)) for k, v in value.items()])
    if kind in (list, tuple):
        return (kind.__name__, [shape(v) for v in value])
    if kind in (datetime, date):
        return (kind.__name__, value.isoformat())
    if hasattr(kind, "deserialized_types"):
        return (kind.__qualname__, shape(vars(value)))
    return (kind.__qualname__, repr(value))


def outcome(function: Callable[[], Any]) -> tuple[str, Any]:
    """A result's shape, or an exception's type and message."""
    try:
        return ("returned", shape(function()))
    except Exception as error:
        return ("raised", (type(error).__qualname__, str(error)))


def session_attributes_holders(value: Any, holder: str = "top") -> Iterator[str]:
    """What holds each SessionAttributes inside a result: "Session.attributes" for a model's
    attribute, "dict" or "list" for an item, "top" for the result itself."""
    if isinstance(value, SessionAttributes):
        yield holder
    if isinstance(value, dict):
        for item in value.values():
            yield from session_attributes_holders(item, "dict")
    elif isinstance(value, list):
        for item in value:
            yield from session_attributes_holders(item, "list")
    elif hasattr(type(value), "deserialized_types"):
        for key, item in vars(value).items():
            yield from session_attributes_holders(item, f"{type(value).__qualname__}.{key}")


def assert_reads_alike(data: Any, obj_type: Any) -> None:
    """FastSerializer reads `data` as the SDK does (result or exception), and the attributes of
    a session, and nothing else, are a SessionAttributes."""
    expected = outcome(lambda: SDK._DefaultSerializer__deserialize(copy.deepcopy(data), obj_type))  # type: ignore[attr-defined]
    assert outcome(lambda: FAST.deserialize_data(copy.deepcopy(data), obj_type)) == expected
    fresh = FastSerializer()
    assert outcome(lambda: fresh.deserialize_data(copy.deepcopy(data), obj_type)) == expected
    if expected[0] == "returned":
        holders = set(session_attributes_holders(FAST.deserialize_data(data, obj_type)))
        assert holders <= {"Session.attributes"}, holders


def assert_writes_alike(value: Any) -> None:
    """FastSerializer writes `value` as the SDK does: the same JSON, keys in the same order."""
    expected = outcome(lambda: SDK.serialize(value))
    assert outcome(lambda: FAST.serialize(value)) == expected
    assert outcome(lambda: FastSerializer().serialize(value)) == expected
    if expected[0] == "returned":
        text = json.dumps(SDK.serialize(value), default=repr)
        assert json.dumps(FAST.serialize(value), default=repr) == text


# -- real requests --------------------------------------------------------------------------------


@cache
def endpoint() -> AlexaEndpoint:
    return AlexaEndpoint(SkillConfig(verify=False))


@cache
def conversation() -> tuple[dict[str, Any], ...]:
    """Every request of a whole neck routine, as the skill's own answers shaped them."""

    def answer(request: dict[str, Any]) -> dict[str, Any]:
        status, body = endpoint().answer({}, json.dumps(request).encode())
        assert status == 200, body
        return body

    return tuple(conversation_requests(answer, clock=lambda: NOW))


def factory_requests() -> list[dict[str, Any]]:
    """One request of each kind the factory makes, CanFulfillIntent and system ones included."""
    factory = RequestFactory(clock=lambda: NOW)
    session = DialogSession(attributes={"engine": {"phase": "area", "done": [1, 2.5, None]}})
    can_fulfill = factory.intent(DialogSession(), "StartRoutineIntent", {"area": "lower back"})
    can_fulfill["request"]["type"] = "CanFulfillIntentRequest"
    can_fulfill["request"].pop("dialogState")
    exception = factory.envelope(
        DialogSession(),
        {
            "type": "System.ExceptionEncountered",
            "error": {"type": "INVALID_RESPONSE", "message": "SSML is not well formed"},
            "cause": {"requestId": "amzn1.echo-api.request.PREVIOUS"},
        },
    )
    del exception["session"]
    return [
        factory.launch(DialogSession()),
        factory.utterance(session, "neck"),
        factory.intent(session, "AMAZON.FallbackIntent", {}),
        factory.session_ended(session, "USER_INITIATED", None),
        factory.session_ended(session, "ERROR", None),
        can_fulfill,
        exception,
        factory.envelope(
            session,
            {"type": "AudioPlayer.PlaybackStarted", "token": "t", "offsetInMilliseconds": 0},
        ),
    ]


def handwritten_requests() -> list[dict[str, Any]]:
    """Requests as devices send them (the tests' own, and richer ones after Alexa's docs)."""
    recorded = {
        "request": {
            "type": "LaunchRequest",
            "requestId": "old",
            "timestamp": "2020-01-01T00:00:00Z",
        },
        "context": {
            "System": {
                "user": {"userId": "amzn1.ask.account.RECORDED-USER-1"},
                "application": {"applicationId": "amzn1.ask.skill.recorded"},
                "device": {
                    "deviceId": "amzn1.ask.device.RECORDED-DEVICE-1",
                    "supportedInterfaces": {"Display": {}},
                },
            },
            "Viewport": {"pixelWidth": 1024},
        },
    }
    return [
        {"request": {"type": "LaunchRequest", "timestamp": "2026-01-15T09:00:00Z"}},
        {"request": {"type": "LaunchRequest", "timestamp": "yesterday"}},
        {"request": "LaunchRequest"},
        {},
        recorded,
        _echo_show_request(),
        *(_envelope_around(request) for request in _other_request_types()),
    ]


def _echo_show_request() -> dict[str, Any]:
    system = {
        "application": {"applicationId": "amzn1.ask.skill.1"},
        "user": {"userId": "amzn1.ask.account.1", "accessToken": "t", "permissions": {}},
        "person": {"personId": "amzn1.ask.person.1", "accessToken": "p"},
        "unit": {"unitId": "amzn1.ask.unit.1", "persistentUnitId": "u"},
        "device": {
            "deviceId": "amzn1.ask.device.1",
            "persistentEndpointId": "e",
            "supportedInterfaces": {
                "AudioPlayer": {},
                "Display": {"templateVersion": "1.0", "markupVersion": "1.0"},
                "Alexa.Presentation.APL": {"runtime": {"maxVersion": "2023.3"}},
            },
        },
        "apiEndpoint": "https://api.amazonalexa.com",
        "apiAccessToken": "token",
    }
    viewport = {
        "experiences": [{"arcMinuteWidth": 346, "arcMinuteHeight": 216, "canRotate": False}],
        "mode": "HUB",
        "shape": "RECTANGLE",
        "pixelWidth": 1280,
        "pixelHeight": 800,
        "dpi": 160,
        "currentPixelWidth": 1280,
        "currentPixelHeight": 800,
        "touch": ["SINGLE"],
        "keyboard": ["DIRECTION"],
        "video": {"codecs": ["H_264_42", "H_264_41"]},
    }
    slot = {
        "name": "area",
        "value": "neck",
        "confirmationStatus": "NONE",
        "source": "USER",
        "slotValue": {"type": "Simple", "value": "neck"},
        "resolutions": {
            "resolutionsPerAuthority": [
                {
                    "authority": "amzn1.er-authority.echo-sdk.x.AREA",
                    "status": {"code": "ER_SUCCESS_MATCH"},
                    "values": [{"value": {"name": "neck", "id": "NECK"}}],
                }
            ]
        },
    }
    return {
        "version": "1.0",
        "session": {
            "new": True,
            "sessionId": "amzn1.echo-api.session.1",
            "application": {"applicationId": "amzn1.ask.skill.1"},
            "attributes": {"n": 1, "big": 2**70, "f": 0.1, "nested": {"l": [True, None, "x"]}},
            "user": {"userId": "amzn1.ask.account.1"},
        },
        "context": {
            "System": system,
            "Viewport": viewport,
            "Viewports": [{"type": "APL", "id": "main", "shape": "RECTANGLE", "dpi": 213}],
            "AudioPlayer": {"playerActivity": "IDLE", "token": "t", "offsetInMilliseconds": 5},
            "Extensions": {"available": {"aplext:backstack:10": {}}},
            "Advertising": {"advertisingId": "a", "limitAdTracking": False},
        },
        "request": {
            "type": "IntentRequest",
            "requestId": "amzn1.echo-api.request.1",
            "timestamp": "2026-01-15T09:00:00.123Z",
            "locale": "en-US",
            "dialogState": "STARTED",
            "intent": {
                "name": "StartRoutineIntent",
                "confirmationStatus": "NONE",
                "slots": {"area": slot},
            },
        },
    }


def _other_request_types() -> list[dict[str, Any]]:
    return [
        {
            "type": "SessionEndedRequest",
            "reason": "ERROR",
            "error": {"type": "INTERNAL_SERVICE_ERROR", "message": "m"},
        },
        {"type": "AudioPlayer.PlaybackNearlyFinished", "token": "t", "offsetInMilliseconds": 10},
        {
            "type": "AudioPlayer.PlaybackFailed",
            "error": {"type": "MEDIA_ERROR_UNKNOWN", "message": "m"},
            "currentPlaybackState": {
                "token": "t",
                "offsetInMilliseconds": 1,
                "playerActivity": "PLAYING",
            },
        },
        {"type": "PlaybackController.NextCommandIssued"},
        {
            "type": "SessionResumedRequest",
            "cause": {
                "type": "ConnectionCompleted",
                "token": "t",
                "status": {"code": "200", "message": "OK"},
                "result": {"x": 1},
            },
        },
        {
            "type": "Connections.Response",
            "name": "Buy",
            "status": {"code": "200", "message": "OK"},
            "payload": {"purchaseResult": "ACCEPTED"},
            "token": "t",
        },
        {
            "type": "Alexa.Presentation.APL.UserEvent",
            "token": "t",
            "arguments": ["a", 1, {"b": None}],
            "source": {"type": "TouchWrapper"},
            "components": {"c": "v"},
        },
        {"type": "Messaging.MessageReceived", "message": {"k": [1, 2]}},
        {
            "type": "CanFulfillIntentRequest",
            "intent": {"name": "X", "slots": {"s": {"name": "s", "value": "v"}}},
        },
        {
            "type": "Alexa.Authorization.Grant",
            "body": {"grant": {"type": "OAuth2.AuthorizationCode", "code": "c"}},
        },
        {"type": "Made.Up.Request", "x": 1},
    ]


def _envelope_around(request: dict[str, Any]) -> dict[str, Any]:
    request = {"requestId": "r", "timestamp": "2026-01-15T09:00:00Z", "locale": "en-GB", **request}
    return {
        "version": "1.0",
        "context": {"System": {"application": {"applicationId": "a"}}},
        "request": request,
    }


@cache
def real_requests() -> tuple[dict[str, Any], ...]:
    return (*conversation(), *factory_requests(), *handwritten_requests())


def test_real_requests_are_read_as_the_sdk_reads_them() -> None:
    for data in real_requests():
        assert_reads_alike(data, RequestEnvelope)
        assert_reads_alike(data, "ask_sdk_model.RequestEnvelope")
        assert_reads_alike(data, "ask_sdk_model.request_envelope.RequestEnvelope")


def test_a_conversation_gives_intent_requests_with_session_attributes() -> None:
    """The equivalence tests above would prove little on empty envelopes."""
    read = [FAST.deserialize_data(data, RequestEnvelope) for data in conversation()]
    assert all(isinstance(e.request, Request) for e in read)
    assert any(isinstance(e.request, IntentRequest) and e.request.intent.slots for e in read)
    assert any(e.session.attributes for e in read)
    assert all(isinstance(e.request.timestamp, datetime) for e in read)


NESTED_TYPES: list[tuple[str, str]] = [
    ("request", "ask_sdk_model.Request"),
    ("request", "ask_sdk_model.request.Request"),
    ("request", "ask_sdk_model.intent_request.IntentRequest"),  # the SDK still discriminates
    ("request", "ask_sdk_model.launch_request.LaunchRequest"),
    ("request", "object"),
    ("request", "dict(str, object)"),
    ("session", "ask_sdk_model.Session"),
    ("session", "ask_sdk_model.User"),
    ("context", "ask_sdk_model.Context"),
    ("version", "str"),
    ("version", "int"),
    ("version", "float"),
    ("version", "bool"),
    ("version", "datetime"),
    ("version", "date"),
]


def test_real_requests_parts_are_read_as_the_sdk_reads_them() -> None:
    for data in real_requests():
        for key, obj_type in NESTED_TYPES:
            if key in data:
                assert_reads_alike(data[key], obj_type)
        request = data.get("request")
        if isinstance(request, dict):
            assert_reads_alike(request.get("timestamp"), "datetime")
            assert_reads_alike(request.get("timestamp"), "date")
            intent = request.get("intent")
            if isinstance(intent, dict):
                assert_reads_alike(intent, "ask_sdk_model.Intent")
                assert_reads_alike(intent.get("slots"), "dict(str, ask_sdk_model.Slot)")
                assert_reads_alike(
                    list((intent.get("slots") or {}).values()), "list[ask_sdk_model.Slot]"
                )


ODD_TYPES: list[Any] = [
    RequestEnvelope,
    Request,
    IntentRequest,
    ask_sdk_model.DialogState,
    str,
    int,
    float,
    bool,
    bytes,
    object,
    date,
    datetime,
    "long",
    "object",
    "list[str]",
    "list[ask_sdk_model.Slot]",
    "list[str, int]",  # the SDK zips the items with the types
    "list[dict(str, object)]",  # ... so this one, with its comma, too
    "list[",
    "dict(str)",
    "dict(str, list[int])",
    "ask_sdk_model.DialogState",
    "ask_sdk_model.no_such_module.Thing",
    "ask_sdk_model.NoSuchThing",
    "DefaultSerializer",  # a name without a module is looked up in the SDK's serialize module
    "json",
    None,
]

JSON_SAMPLES: list[Any] = [
    None,
    True,
    0,
    5,
    -(2**80),
    1.5,
    math.inf,
    "",
    "5",
    "1.5",
    "true",
    "COMPLETED",
    "2026-01-15T09:00:00Z",
    "2020-W01-1",
    [],
    [1, "a"],
    {},
    {"type": "IntentRequest"},
    {"type": "LaunchRequest", "requestId": 5},
    {"type": None},
    {"type": ["unhashable"]},
    {"name": "s", "value": "v"},
]


@pytest.mark.parametrize("obj_type", ODD_TYPES, ids=repr)
def test_odd_types_and_values_are_read_as_the_sdk_reads_them(obj_type: Any) -> None:
    for data in JSON_SAMPLES:
        assert_reads_alike(data, obj_type)


@given(st.from_regex(_ALEXA_TIMESTAMP, fullmatch=True), st.sampled_from(["datetime", "date"]))
@PROPERTY
def test_timestamps_fromisoformat_reads_are_read_as_dateutil_reads_them(
    text: str, kind: str
) -> None:
    assert_reads_alike(text, kind)


@pytest.mark.parametrize(
    "text",
    ["2020-W01-1", "2020-01-01X10:00", "2020-01-01T10:00:00+05:30:15", "2020-02-30", "1", "today"],
)
def test_timestamps_fromisoformat_would_misread_go_to_dateutil(text: str) -> None:
    assert_reads_alike(text, "datetime")
    assert_reads_alike({"type": "LaunchRequest", "timestamp": text}, Request)


SUBSTITUTES: list[Any] = [
    None,
    True,
    False,
    0,
    1,
    2**64,
    -1.5,
    "",
    "1",
    "NONE",
    [],
    ["x"],
    {},
    {"type": "x"},
    "OAuth2_AuthorizationCode",  # the name of an enum member, not its value
]


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """The path to every value inside a JSON value, containers included."""
    yield path
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, item in items:
        yield from _paths(item, (*path, key))


def _replaced(data: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    data = copy.deepcopy(data)
    spot = data
    for key in path[:-1]:
        spot = spot[key]
    spot[path[-1]] = new
    return data


def substitution_requests() -> list[dict[str, Any]]:
    others = [_envelope_around(request) for request in _other_request_types()]
    return [*conversation()[-2:], _echo_show_request(), *others]


@pytest.mark.parametrize("index", range(14), ids=lambda i: f"request{i}")
def test_every_value_of_a_request_replaced_by_each_odd_value_is_read_as_the_sdk_reads_it(
    index: int,
) -> None:
    """Exhaustive where Hypothesis samples: a bool where an int is declared, a list for a
    model, a number for a string... at every place in a few real requests."""
    requests = substitution_requests()
    assert len(requests) == 14  # the parametrisation above covers each
    data = requests[index]
    for path in _paths(data):
        for new in SUBSTITUTES:
            assert_reads_alike(_replaced(data, path, new), RequestEnvelope)


# -- mutated requests -----------------------------------------------------------------------------


def _model_classes() -> list[type]:
    found = [c for c in vars(ask_sdk_model).values() if isinstance(c, type)]
    return [c for c in found if hasattr(c, "deserialized_types")]


DISCRIMINATORS = sorted(
    {k for c in _model_classes() for k in getattr(c, "discriminator_value_class_map", {})}
)
ENUM_VALUES = sorted(
    {
        m.value
        for c in vars(ask_sdk_model).values()
        if isinstance(c, type) and issubclass(c, enum.Enum)
        for m in c
    }
)
KEYS = sorted(
    {k for c in _model_classes() for k in (*c.attribute_map, *c.attribute_map.values())}
    | {"attribute_map", "deserialized_types", "__class__", "__dict__", "", "to_dict", "Viewport"}
)
STRINGS = [*DISCRIMINATORS, *ENUM_VALUES, "2026-01-15T09:00:00Z", "2020-W01-1", "7", "x"]

json_leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=2**63 - 2, max_value=2**66)
    | st.floats()
    | st.text(max_size=8)
    | st.sampled_from(STRINGS)
)
json_values = st.recursive(
    json_leaves,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)


def _spots(value: Any) -> Iterator[dict[str, Any] | list[Any]]:
    """Every dict and list inside a JSON value, itself included."""
    if isinstance(value, dict | list):
        yield value
        for item in value.values() if isinstance(value, dict) else value:
            yield from _spots(item)


def _mutate(draw: st.DrawFn, spot: dict[str, Any] | list[Any]) -> None:
    """One change at one place: a value replaced, a key or item deleted, an unknown key added,
    or a discriminator swapped for another real one or nonsense."""
    action = draw(st.sampled_from(["replace", "delete", "add", "retype"]))
    if isinstance(spot, list):
        if spot and action != "add":
            index = draw(st.integers(0, len(spot) - 1))
            if action == "delete":
                del spot[index]
            else:
                spot[index] = draw(json_values)
        else:
            spot.append(draw(json_values))
        return
    if action == "retype":
        spot["type"] = draw(st.sampled_from(DISCRIMINATORS) | json_leaves)
    elif action == "add" or not spot:
        spot[draw(st.sampled_from(KEYS) | st.text(max_size=6))] = draw(json_values)
    elif action == "delete":
        del spot[draw(st.sampled_from(sorted(spot)))]
    else:
        spot[draw(st.sampled_from(sorted(spot)))] = draw(json_values)


@st.composite
def mutated_requests(draw: st.DrawFn) -> Any:
    data = copy.deepcopy(draw(st.sampled_from(real_requests())))
    for _ in range(draw(st.integers(1, 4))):
        _mutate(draw, draw(st.sampled_from(list(_spots(data)))))
    return draw(json_values) if draw(st.integers(0, 30)) == 0 else data


@given(mutated_requests(), st.sampled_from([RequestEnvelope, "ask_sdk_model.RequestEnvelope"]))
@PROPERTY
def test_mutated_requests_are_read_as_the_sdk_reads_them(data: Any, obj_type: Any) -> None:
    assert_reads_alike(data, obj_type)


@given(
    mutated_requests(),
    st.sampled_from([k for k, _ in NESTED_TYPES]),
    st.sampled_from(ODD_TYPES + [t for _, t in NESTED_TYPES]),
)
@PROPERTY
def test_mutated_request_parts_are_read_as_the_sdk_reads_them(
    data: Any, key: str, obj_type: Any
) -> None:
    assert_reads_alike(data.get(key) if isinstance(data, dict) else data, obj_type)


@given(mutated_requests())
@PROPERTY
def test_mutated_requests_read_back_are_written_as_the_sdk_writes_them(data: Any) -> None:
    """What the SDK read (unknown keys as extra attributes, even `deserialized_types`) is
    written back alike."""
    try:
        envelope = SDK._DefaultSerializer__deserialize(data, RequestEnvelope)  # type: ignore[attr-defined]
    except Exception:
        return
    assert_writes_alike(envelope)


# -- responses ------------------------------------------------------------------------------------


@cache
def conversation_responses() -> tuple[ResponseEnvelope, ...]:
    """What the skill itself answers to a whole conversation and to the other kinds of request."""
    skill = endpoint().skill
    answers = []
    for data in (*conversation(), *factory_requests()):
        envelope = SDK._DefaultSerializer__deserialize(data, RequestEnvelope)  # type: ignore[attr-defined]
        answers.append(skill.invoke(request_envelope=envelope, context=None))
    return tuple(answers)


def test_the_skills_responses_are_written_as_the_sdk_writes_them() -> None:
    responses = conversation_responses()
    assert any(r.session_attributes for r in responses)
    assert any(r.response.can_fulfill_intent for r in responses)
    for response in responses:
        assert_writes_alike(response)
        assert_writes_alike(response.response)
        assert_writes_alike([response, response.session_attributes])


class Mixed(enum.StrEnum):
    A = "a"


class Number(enum.IntEnum):
    ONE = 1


class Text(str):
    pass


class NotAModel:
    pass


odd_values = st.sampled_from(
    [
        (1, "a"),
        decimal.Decimal("2.5"),
        decimal.Decimal(3),
        datetime(2026, 1, 15, 9, tzinfo=UTC),
        datetime(2026, 1, 15, 9, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        date(2026, 1, 15),
        PlayBehavior.ENQUEUE,
        Mixed.A,
        Number.ONE,
        Text("t"),
        b"bytes",
        {1, 2},
        NotAModel(),
        float("nan"),
        SessionAttributes({"a": [1]}),
    ]
)
any_values = st.recursive(
    json_leaves | odd_values,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)
maybe_text = st.none() | st.text(max_size=20) | any_values
speech = st.builds(
    SsmlOutputSpeech, ssml=maybe_text, play_behavior=st.none() | st.sampled_from(PlayBehavior)
) | st.builds(
    PlainTextOutputSpeech, text=maybe_text, play_behavior=st.none() | st.sampled_from(PlayBehavior)
)
can_fulfill = st.builds(
    CanFulfillIntent,
    can_fulfill=st.none() | st.sampled_from(CanFulfillIntentValues),
    slots=st.none()
    | st.dictionaries(
        st.text(max_size=5),
        st.builds(
            CanFulfillSlot,
            can_understand=st.none() | st.sampled_from(CanUnderstandSlotValues),
            can_fulfill=st.none() | st.sampled_from(CanFulfillSlotValues),
        ),
        max_size=2,
    ),
)
directives = st.lists(st.builds(ElicitSlotDirective, slot_to_elicit=maybe_text), max_size=2)
responses = st.builds(
    Response,
    output_speech=st.none() | speech,
    card=st.none() | st.builds(SimpleCard, title=maybe_text, content=maybe_text),
    reprompt=st.none()
    | st.builds(Reprompt, output_speech=st.none() | speech, directives=st.none() | directives),
    directives=st.none() | directives,
    should_end_session=st.none() | st.booleans() | any_values,
    can_fulfill_intent=st.none() | can_fulfill,
)
envelopes = st.builds(
    ResponseEnvelope,
    version=st.none() | st.just("1.0") | any_values,
    session_attributes=st.none() | st.dictionaries(st.text(max_size=5), any_values, max_size=4),
    user_agent=st.none() | st.text(max_size=10),
    response=st.none() | responses,
)


@st.composite
def odd_envelopes(draw: st.DrawFn) -> ResponseEnvelope:
    """Built envelopes, sometimes with an attribute deleted, an extra one, or one replaced."""
    envelope = draw(envelopes)
    parts = [p for p in (envelope, envelope.response) if p is not None]
    target = draw(st.sampled_from(parts))
    change = draw(st.sampled_from(["none", "delete", "extra", "replace", "shadow"]))
    name = draw(st.sampled_from(sorted(type(target).deserialized_types)))
    if change == "delete":
        delattr(target, name)
    elif change == "extra":
        target.extra = draw(any_values)
    elif change == "replace":
        setattr(target, name, draw(any_values))
    elif change == "shadow":
        setattr(
            target, draw(st.sampled_from(["attribute_map", "deserialized_types"])), {name: "str"}
        )
    return envelope


@given(odd_envelopes())
@PROPERTY
def test_built_responses_are_written_as_the_sdk_writes_them(envelope: ResponseEnvelope) -> None:
    assert_writes_alike(envelope)


@given(any_values)
@PROPERTY
def test_any_values_are_written_as_the_sdk_writes_them(value: Any) -> None:
    assert_writes_alike(value)


def test_a_directive_subclass_and_plain_objects_are_written_as_the_sdk_writes_them() -> None:
    for value in [
        Directive(),
        ElicitSlotDirective(slot_to_elicit="area"),
        NotAModel(),
        {"k": NotAModel()},
    ]:
        assert_writes_alike(value)


# -- session attributes ---------------------------------------------------------------------------


def read_attributes(attributes: Any) -> Any:
    data = {"sessionId": "s", "new": False, "attributes": attributes}
    session = FAST.deserialize_data(data, Session)
    return session.attributes


def test_only_a_sessions_attributes_copy_cheaply_and_equal_the_sdks() -> None:
    data = _echo_show_request()
    envelope = FAST.deserialize_data(data, RequestEnvelope)
    assert type(envelope.session.attributes) is SessionAttributes
    assert list(session_attributes_holders(envelope)) == ["Session.attributes"]
    assert (
        envelope.session.attributes
        == SDK._DefaultSerializer__deserialize(data, RequestEnvelope).session.attributes
    )  # type: ignore[attr-defined]
    assert type(FAST.deserialize_data({"a": {}}, "dict(str, object)")) is dict
    assert read_attributes(None) is None


def plain_types(value: Any) -> set[type]:
    kinds = {type(value)}
    if isinstance(value, dict):
        for key, item in value.items():
            kinds |= plain_types(key) | plain_types(item)
    elif isinstance(value, list):
        for item in value:
            kinds |= plain_types(item)
    return kinds


@given(st.dictionaries(st.text(max_size=5), json_values, max_size=5))
@PROPERTY
def test_the_copy_of_session_attributes_is_an_equal_independent_plain_dict(
    attributes: dict[str, Any],
) -> None:
    original = read_attributes(attributes)
    copied = copy.deepcopy(original)
    assert shape(copied) == shape(copy.deepcopy(attributes))  # also NaN, via the fallback
    assert plain_types(copied) <= {dict, list, str, int, float, bool, type(None)}
    copied["added"] = 1
    for value in copied.values():
        if isinstance(value, dict | list):
            value.clear()
    assert shape(original) == shape(attributes)


@pytest.mark.parametrize(
    "attributes",
    [
        {"huge": 2**64, "negative": -(2**63) - 1, "list": [2**100]},
        {"nan": float("nan"), "inf": [math.inf]},
        {"tuple": (1, 2)},
        {"when": datetime(2026, 1, 15, tzinfo=UTC), "text": Text("t")},
        {"enum": PlayBehavior.ENQUEUE},
        {"surrogate": "\ud800"},
        {"keys": {1: "int key"}},
        {"deep": json.loads("[" * 300 + "]" * 300)},
    ],
    ids=lambda a: next(iter(a)),
)
def test_what_orjson_refuses_or_changes_is_deep_copied_the_python_way(
    attributes: dict[str, Any],
) -> None:
    original = read_attributes(attributes)
    copied = copy.deepcopy(original)
    assert type(copied) is dict
    assert shape(copied) == shape(copy.deepcopy(attributes))


def test_attributes_containing_themselves_copy_as_deepcopy_would() -> None:
    original = read_attributes({"a": 1})
    original["self"] = original
    copied = copy.deepcopy(original)
    assert type(copied) is dict and copied["self"] is copied and copied["a"] == 1


def test_the_attributes_manager_gets_its_own_plain_copy() -> None:
    data = conversation()[-1]
    envelope = FAST.deserialize_data(data, RequestEnvelope)
    manager = AttributesManager(request_envelope=envelope)
    assert manager.session_attributes == data["session"]["attributes"]
    assert type(manager.session_attributes) is dict
    assert manager.session_attributes is not envelope.session.attributes
    manager.session_attributes["engine"]["phase"] = "changed"
    assert envelope.session.attributes == data["session"]["attributes"]


def test_threads_compiling_at_once_read_alike() -> None:
    """The endpoint shares one serializer between threads: first uses compile concurrently."""
    data = _echo_show_request()
    expected = shape(SDK._DefaultSerializer__deserialize(data, RequestEnvelope))  # type: ignore[attr-defined]
    for _ in range(20):
        assert _read_in_threads(FastSerializer(), data, 8) == [expected] * 8


def _read_in_threads(serializer: FastSerializer, data: Any, count: int) -> list[Any]:
    start, results = threading.Barrier(count), []

    def read() -> None:
        start.wait()
        results.append(shape(serializer.deserialize_data(data, RequestEnvelope)))

    threads = [threading.Thread(target=read) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
