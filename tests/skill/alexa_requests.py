"""Driving the skill's web endpoint as Alexa would, and checking each answer against its limits.

Requests come from `skill.dialogs.requests.RequestFactory` (realistic envelopes, slot resolutions
through the interaction model) and carry their `Session` from turn to turn; `check_response`
holds every answer to the rules in alexa-facts.md ("Response limits").
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import ResponseEnvelope
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from skill.dialogs.requests import RequestFactory, Session
from skill.testing import NOW

MAX_BREAK_SECONDS = 10.0
MAX_BREAKS_TOTAL_SECONDS = 240.0
MAX_SSML_CHARS = 8000
MAX_RESPONSE_BYTES = 120 * 1024

_BREAK_TIME = re.compile(r"^(\d+(?:\.\d+)?)(s|ms)$")


@dataclass(frozen=True)
class Spoken:
    """An SSML document read back: its plain text and every break, in seconds, in order."""

    text: str
    breaks: tuple[float, ...]

    @property
    def break_total(self) -> float:
        return sum(self.breaks)


def read_ssml(ssml: str) -> Spoken:
    """Parse SSML with xml.etree (so it must be well-formed) into text and breaks."""
    root = ET.fromstring(ssml)
    assert root.tag == "speak", ssml[:80]
    found: list[float] = []
    for node in root.iter("break"):
        match = _BREAK_TIME.match(node.get("time", ""))
        assert match, f"break without a readable time: {ET.tostring(node)!r}"
        amount = float(match.group(1))
        found.append(amount / 1000 if match.group(2) == "ms" else amount)
    text = " ".join("".join(root.itertext()).split())
    return Spoken(text, tuple(found))


def check_response(body: Mapping[str, Any]) -> None:
    """Every 200 answer: a ResponseEnvelope the SDK can read, well-formed SSML within Alexa's
    limits, and a reprompt whenever the session stays open."""
    raw = json.dumps(body)
    envelope = DefaultSerializer().deserialize(raw, "ask_sdk_model.ResponseEnvelope")
    assert isinstance(envelope, ResponseEnvelope)
    assert len(raw.encode()) < MAX_RESPONSE_BYTES
    response = body["response"]
    speech = response.get("outputSpeech")
    if speech is not None:
        assert speech["type"] == "SSML"
        ssml = speech["ssml"]
        assert len(ssml) < MAX_SSML_CHARS
        spoken = read_ssml(ssml)
        assert all(0 < b <= MAX_BREAK_SECONDS for b in spoken.breaks), spoken.breaks
        assert spoken.break_total <= MAX_BREAKS_TOTAL_SECONDS
    if response.get("shouldEndSession") is False:
        reprompt = response["reprompt"]["outputSpeech"]
        assert reprompt["type"] == "SSML"
        assert read_ssml(reprompt["ssml"]).text, "an open session needs a spoken reprompt"
        assert not read_ssml(reprompt["ssml"]).breaks


def speech_of(body: Mapping[str, Any]) -> Spoken:
    """What the answer says (empty when it says nothing)."""
    ssml = (body["response"].get("outputSpeech") or {}).get("ssml")
    return read_ssml(ssml) if ssml else Spoken("", ())


def reprompt_of(body: Mapping[str, Any]) -> str:
    ssml = ((body["response"].get("reprompt") or {}).get("outputSpeech") or {}).get("ssml")
    return read_ssml(ssml).text if ssml else ""


def ended(body: Mapping[str, Any]) -> bool:
    return bool(body["response"].get("shouldEndSession"))


def post_json(client: FlaskClient, data: bytes, headers: Mapping[str, str] | None = None) -> Any:
    """POST raw bytes to /alexa as Alexa does (application/json)."""
    return client.post(
        "/alexa", data=data, headers=dict(headers or {}), content_type="application/json"
    )


def json_error(response: TestResponse, status: int) -> str:
    """Assert a JSON client error with this status, and return its reason."""
    assert response.status_code == status, response.get_data()[:300]
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["status"] == status
    assert isinstance(body["error"], str) and body["error"]
    return str(body["error"])


class Conversation:
    """One user talking to the endpoint: the session carried, every answer checked, all kept."""

    def __init__(self, client: FlaskClient, factory: RequestFactory | None = None) -> None:
        self.client = client
        self.factory = factory or RequestFactory(clock=lambda: NOW)
        self.session = Session()
        self.requests: list[dict[str, Any]] = []
        self.answers: list[dict[str, Any]] = []

    def send(self, make: Callable[[Session], dict[str, Any]]) -> dict[str, Any]:
        request = make(self.session)
        self.requests.append(request)
        response = self.client.post("/alexa", json=request)
        assert response.status_code == 200, response.get_data()[:300]
        body = response.get_json()
        check_response(body)
        self.answers.append(body)
        self.session.after(body, ended(body))
        return body

    def launch(self) -> dict[str, Any]:
        return self.send(self.factory.launch)

    def say(self, text: str) -> dict[str, Any]:
        return self.send(lambda s: self.factory.utterance(s, text))

    def intent(self, name: str, **slots: str) -> dict[str, Any]:
        return self.send(lambda s: self.factory.intent(s, name, slots))

    def end_session(self, reason: str, error: Mapping[str, str] | None = None) -> dict[str, Any]:
        return self.send(lambda s: self.factory.session_ended(s, reason, error))

    def pass_screen(self) -> dict[str, Any]:
        """No to both parts of the safety screen: emergency signs, then urgent signs."""
        self.say("no")
        return self.say("no")

    def play_first_neck_set(self) -> dict[str, Any]:
        """A new user from the launch to the end of neck flexion's set (its check-in asked)."""
        self.launch()
        self.pass_screen()
        self.say("neck")
        self.say("no")  # no neck warning signs
        self.say("no")  # no tips
        return self.say("ready")

    def finish_routine(self, max_turns: int = 80) -> dict[str, Any]:
        """Go on through every stretch: "fine" to each check-in ("How did that feel?"),
        "yes" to a question, "ready" to start a stretch, "continue" otherwise."""
        body = self.answers[-1]
        for _ in range(max_turns):
            prompt = reprompt_of(body)
            if "How did it feel" in prompt:
                body = self.say("fine")
            elif "Say ready to begin" in prompt:
                body = self.say("ready")
            elif "left" in prompt:
                body = self.say("yes")
            else:
                body = self.say("continue")
            assert "didn't catch" not in speech_of(body).text, speech_of(body).text
            if ended(body):
                return body
        raise AssertionError(f"the routine did not end within {max_turns} turns")
