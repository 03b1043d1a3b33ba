"""The Flask endpoint with Alexa-shaped requests: status codes, flows, limits, persistence."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from flask.testing import FlaskClient

from shared.storage import ProfileStore
from skill.app import create_app
from skill.config import SkillConfig
from skill.dialogs.expect import parse_speech
from skill.dialogs.requests import SKILL_ID, USER_ID, RequestFactory, Session
from skill.persistence import user_key
from skill.testing import NOW, headers, make_ca, make_leaf, pem

CA = make_ca()


def check_envelope(body: dict[str, Any]) -> None:
    """Every answer: a valid ResponseEnvelope, parseable SSML, within Alexa's limits."""
    assert DefaultSerializer().deserialize(json.dumps(body), "ask_sdk_model.ResponseEnvelope")
    assert len(json.dumps(body).encode()) < 120 * 1024
    response = body["response"]
    ssml = (response.get("outputSpeech") or {}).get("ssml")
    if ssml:
        ET.fromstring(ssml)
        speech = parse_speech(ssml)
        assert (
            len(ssml) < 8000 and all(b <= 10 for b in speech.breaks) and speech.break_total <= 240
        )
    if response.get("shouldEndSession") is False:
        assert response["reprompt"]["outputSpeech"]["ssml"]


class Conversation:
    """Sends requests like Alexa: the session carried, every answer checked."""

    def __init__(self, client: FlaskClient, factory: RequestFactory | None = None) -> None:
        self.client = client
        self.factory = factory or RequestFactory(clock=lambda: NOW)
        self.session = Session()

    def send(self, make: Callable[[Session], dict[str, Any]]) -> dict[str, Any]:
        response = self.client.post("/alexa", json=make(self.session))
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        check_envelope(body)
        self.session.after(body, bool(body["response"].get("shouldEndSession")))
        return body

    def say(self, text: str) -> dict[str, Any]:
        return self.send(lambda s: self.factory.utterance(s, text))

    def intent(self, name: str, **slots: str) -> dict[str, Any]:
        return self.send(lambda s: self.factory.intent(s, name, slots))

    def launch(self) -> dict[str, Any]:
        return self.send(self.factory.launch)

    def pass_screen(self) -> dict[str, Any]:
        """No to both parts of the safety screen: emergency signs, then urgent signs."""
        self.say("no")
        return self.say("no")


def speech(body: dict[str, Any]) -> str:
    return parse_speech(body["response"].get("outputSpeech", {}).get("ssml")).text


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'progress.sqlite3'}"


@pytest.fixture
def talk(database_url: str) -> Conversation:
    app = create_app(SkillConfig(verify=False, database_url=database_url, clock=lambda: NOW))
    return Conversation(app.test_client())


def _verified_client() -> FlaskClient:
    config = SkillConfig(
        skill_ids=frozenset({SKILL_ID}),
        clock=lambda: NOW,
        fetch_cert=lambda _url: pem(make_leaf(CA)),
        trust_roots=[CA.cert],
    )
    return create_app(config).test_client()


def test_signed_requests_are_answered_and_unsigned_refused_with_400() -> None:
    client = _verified_client()
    body = json.dumps(RequestFactory(clock=lambda: NOW).launch(Session())).encode()
    ok = client.post("/alexa", data=body, headers=headers(body), content_type="application/json")
    assert ok.status_code == 200 and "Welcome" in speech(ok.get_json())
    unsigned = client.post("/alexa", data=body, content_type="application/json")
    assert unsigned.status_code == 400
    assert unsigned.get_json()["error"] == "Request verification failed: certificate URL missing"
    tampered = client.post("/alexa", data=body.replace(b"Launch", b"Intent"), headers=headers(body))
    assert tampered.status_code == 400 and "signature" in tampered.get_json()["error"]


@pytest.mark.parametrize(
    ("method", "path", "data", "status", "message"),
    [
        ("post", "/alexa", b"x" * (128 * 1024 + 1), 413, "larger than 128 KiB"),
        ("post", "/alexa", b"{not json", 400, "not valid JSON"),
        ("post", "/alexa", b'{"hello": 1}', 400, "not an Alexa request envelope"),
        (
            "post",
            "/alexa",
            b'{"request": {"type": "NoSuchRequest"}}',
            400,
            "not an Alexa request envelope",
        ),
        (
            "post",
            "/alexa",
            b'{"version": "1.0", "request": {"type": "SessionEndedRequest", "requestId": "r",'
            b' "timestamp": "2026-12-02T10:00:00Z", "reason": "USER_INITIATED"}}',
            400,
            "no context.System in the envelope",
        ),
        ("get", "/alexa", None, 405, "does not accept GET"),
        ("put", "/alexa", b"{}", 405, "does not accept PUT"),
        ("get", "/nowhere", None, 404, "nothing at this address"),
    ],
)
def test_client_errors_are_json(
    method: str, path: str, data: bytes | None, status: int, message: str
) -> None:
    client = create_app(SkillConfig(verify=False)).test_client()
    response = getattr(client, method)(path, data=data, content_type="application/json")
    assert response.status_code == status
    assert message in response.get_json()["error"]


def test_health() -> None:
    assert create_app(SkillConfig(verify=False)).test_client().get("/healthz").get_json() == {
        "status": "ok"
    }


def test_a_bug_becomes_a_spoken_apology_not_a_500(
    talk: Conversation, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr("skill.handlers.handle", broken)
    body = talk.launch()
    assert speech(body) == "Sorry, something went wrong on my side. Please try that again."
    assert body["response"]["shouldEndSession"] is False


@pytest.mark.parametrize(("area", "stretches"), [("neck", 2), ("lower back", 2), ("both", 4)])
def test_launch_to_finish_for_each_area(
    talk: Conversation, database_url: str, area: str, stretches: int
) -> None:
    assert "Any new bladder or bowel trouble" in speech(talk.launch())
    talk.pass_screen()
    chosen = talk.say(area)
    neck = area != "lower back"  # the neck part of the screen, before neck stretches only
    assert ("Before the neck stretches" in speech(chosen)) == neck
    if neck:
        talk.say("no")
    intro = talk.say("no")
    assert "Stretch 1 of" in speech(intro) and intro["response"]["card"]["type"] == "Simple"
    for _ in range(30):
        body = talk.say("ready")
        if body["response"]["shouldEndSession"]:
            break
        if "How did that feel?" in speech(body):
            body = talk.say("fine")
            if body["response"]["shouldEndSession"]:
                break
    assert "That's your routine done." in speech(body)
    store = ProfileStore.open(database_url)
    profile = store.load(user_key(USER_ID))
    store.close()
    assert profile is not None and len(profile.sessions[-1].stretches) == stretches


def test_one_shot_start_and_a_returning_user(talk: Conversation) -> None:
    first = talk.say("start my neck stretches")
    assert talk.session.number == 0 and "three quick safety questions" in speech(first)
    assert "Great, neck and shoulders." in speech(talk.pass_screen())
    talk.say("no")  # no neck warning signs
    talk.say("no")  # no tips
    talk.say("ready")
    talk.say("it felt good")
    talk.say("stop")
    again = talk.launch()
    assert speech(again).startswith("Welcome back")
    assert "usual neck and shoulders routine" in speech(again)  # screened already: not asked again


def test_pause_resume_pain_and_stop(talk: Conversation) -> None:
    talk.launch()
    talk.pass_screen()
    talk.say("lower back")
    talk.say("no")
    talk.say("ready")
    assert speech(talk.say("pause")).startswith("Paused.")
    resumed = talk.say("resume")
    assert "left leg" in speech(resumed)
    hurt = talk.say("that hurts")
    assert "Stop the knee to chest now" in speech(hurt)
    bye = talk.say("stop")
    assert bye["response"]["shouldEndSession"] is True and "Goodbye" in speech(bye)


def test_slot_resolution_match_and_no_match(talk: Conversation) -> None:
    talk.launch()
    talk.pass_screen()
    unknown = talk.intent("ChooseAreaIntent", area="elbow")
    assert "Sorry, I didn't catch that." in speech(unknown)
    matched = talk.intent("ChooseAreaIntent", area="upper back")
    assert "Great, neck and shoulders." in speech(matched)


def test_session_end_with_an_error_saves_what_was_done(
    talk: Conversation, database_url: str
) -> None:
    talk.launch()
    talk.pass_screen()
    talk.say("neck")
    talk.say("no")  # no neck warning signs
    talk.say("no")  # no tips
    talk.say("ready")
    talk.say("that felt good")  # the check-in answer shows the set played to its end
    error = {"type": "INVALID_RESPONSE", "message": "test"}
    ended = talk.send(lambda s: talk.factory.session_ended(s, "ERROR", error))
    assert "outputSpeech" not in ended["response"]
    store = ProfileStore.open(database_url)
    profile = store.load(user_key(USER_ID))
    store.close()
    assert profile is not None and profile.sessions[-1].stretches == ("neck_flexion",)


def test_delete_my_data(talk: Conversation, database_url: str) -> None:
    talk.launch()
    talk.pass_screen()
    talk.say("delete my data")
    assert "Done. I've deleted your saved progress." in speech(talk.say("yes"))
    store = ProfileStore.open(database_url)
    assert store.load(user_key(USER_ID)) is None
    store.close()


def test_longest_settings_stay_within_limits(talk: Conversation) -> None:
    talk.launch()
    talk.pass_screen()
    talk.say("hold for 60 seconds")
    talk.say("do 10 repetitions")
    talk.say("both")
    talk.say("no")  # no neck warning signs
    talk.say("yes")
    for _ in range(60):  # every answer is checked against the limits by check_envelope
        body = talk.say("ready")
        if body["response"]["shouldEndSession"]:
            break
    assert "That's your routine done." in speech(body)


def test_can_fulfill_intent_requests() -> None:
    client = create_app(SkillConfig(verify=False)).test_client()
    factory = RequestFactory(clock=lambda: NOW)

    def ask(name: str, **slots: str) -> dict[str, Any]:
        request = factory.intent(Session(), name, slots)
        request["request"]["type"] = "CanFulfillIntentRequest"
        body = client.post("/alexa", json=request).get_json()
        check_envelope(body)
        return body["response"]["canFulfillIntent"]

    yes = ask("StartRoutineIntent", area="lower back")
    assert yes["canFulfill"] == "YES" and yes["slots"]["area"]["canUnderstand"] == "YES"
    assert ask("StartRoutineIntent", area="elbow")["canFulfill"] == "NO"
    assert ask("AMAZON.SearchAction<object@WeatherForecast>")["canFulfill"] == "NO"


def test_exception_encountered_is_logged_without_speech(caplog: pytest.LogCaptureFixture) -> None:
    client = create_app(SkillConfig(verify=False)).test_client()
    request = RequestFactory(clock=lambda: NOW).envelope(
        Session(),
        {
            "type": "System.ExceptionEncountered",
            "error": {"type": "INVALID_RESPONSE", "message": "bad ssml"},
            "cause": {"requestId": "r"},
        },
    )
    body = client.post("/alexa", json=request).get_json()
    assert "outputSpeech" not in body["response"]
    assert "bad ssml" in caplog.text
