"""The Flask endpoint end to end: verification, client errors as JSON, whole conversations.

Verified tests use the test CA from conftest.py (the app's trust_roots, fetch_cert and clock are
injected); conversation tests turn verification off and keep progress in a SQLite file, then read
the profile back through ProfileStore as a second server would.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from alexa_requests import (
    Conversation,
    check_response,
    ended,
    json_error,
    post_json,
    reprompt_of,
    speech_of,
)
from flask import Flask
from flask.testing import FlaskClient
from signing import ChainServer, Clock, Issued, Signer
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.test import TestResponse

from shared import messages
from shared.profile import Profile
from shared.storage import ProfileStore
from skill.app import create_app, read_at_most
from skill.config import MAX_BODY_BYTES, SkillConfig
from skill.dialogs.requests import SKILL_ID, USER_ID, RequestFactory, Session
from skill.persistence import user_key
from skill.testing import CERT_URL, NOW

APOLOGY = messages.text("skill.apology")


def _load_profile(url: str) -> Profile | None:
    store = ProfileStore.open(url)
    try:
        return store.load(user_key(USER_ID))
    finally:
        store.close()


def _launch_bytes(skill_id: str = SKILL_ID) -> bytes:
    factory = RequestFactory(skill_id=skill_id, clock=lambda: NOW)
    return json.dumps(factory.launch(Session())).encode()


# -- verification on ------------------------------------------------------------------------------


@pytest.fixture
def verified_app(root: Issued, clock: Clock, server: ChainServer) -> Flask:
    config = SkillConfig(
        skill_ids=frozenset({SKILL_ID}),
        clock=clock,
        fetch_cert=server,
        trust_roots=[root.cert],
    )
    return create_app(config)


@pytest.fixture
def verified(verified_app: Flask) -> FlaskClient:
    return verified_app.test_client()


def test_a_signed_launch_is_answered(verified: FlaskClient, signer: Signer) -> None:
    body = _launch_bytes()
    response = post_json(verified, body, signer.headers(body))
    assert response.status_code == 200
    answer = response.get_json()
    check_response(answer)
    assert speech_of(answer).text.startswith("Welcome to Back Stretch Coach.")
    assert answer["response"]["shouldEndSession"] is False


def test_header_names_in_other_cases_pass_through_http(
    verified: FlaskClient, signer: Signer
) -> None:
    body = _launch_bytes()
    lower = {name.lower(): value for name, value in signer.headers(body).items()}
    assert post_json(verified, body, lower).status_code == 200


def test_the_chain_is_downloaded_once_for_many_signed_requests(
    verified: FlaskClient, signer: Signer, server: ChainServer
) -> None:
    for _ in range(3):
        body = _launch_bytes()
        assert post_json(verified, body, signer.headers(body)).status_code == 200
    assert server.fetched == [CERT_URL]


def test_an_unsigned_request_is_a_400_naming_the_missing_header(verified: FlaskClient) -> None:
    reason = json_error(post_json(verified, _launch_bytes()), 400)
    assert reason == "Request verification failed: certificate URL missing"


def test_a_tampered_body_is_a_400(verified: FlaskClient, signer: Signer) -> None:
    body = _launch_bytes()
    tampered = body.replace(b'"new": true', b'"new": false')
    assert tampered != body
    reason = json_error(post_json(verified, tampered, signer.headers(body)), 400)
    assert reason == "Request verification failed: signature does not match"


def test_a_request_for_another_skill_is_a_400(verified: FlaskClient, signer: Signer) -> None:
    body = _launch_bytes(skill_id="amzn1.ask.skill.someone-else")
    reason = json_error(post_json(verified, body, signer.headers(body)), 400)
    assert reason == "Request verification failed: unknown skill"


def test_a_refusal_tells_the_caller_the_rule_and_the_log_the_detail(
    verified: FlaskClient, signer: Signer, caplog: pytest.LogCaptureFixture
) -> None:
    body = _launch_bytes(skill_id="amzn1.ask.skill.someone-else")
    with caplog.at_level(logging.INFO, logger="skill.app"):
        answer = post_json(verified, body, signer.headers(body))
    assert answer.get_json()["reason"] == "unknown skill"
    assert "someone-else" not in answer.get_data(as_text=True)  # no detail for the caller
    request_id = json.loads(body)["request"]["requestId"]
    assert f"refused request {request_id}: unknown skill" in caplog.text
    assert "amzn1.ask.skill.someone-else" in caplog.text  # the detail, in the log


@pytest.mark.parametrize(("offset", "status"), [(150, 200), (151, 400), (-150, 200), (-151, 400)])
def test_the_150_second_window_holds_through_http(
    verified: FlaskClient, signer: Signer, clock: Clock, offset: int, status: int
) -> None:
    body = _launch_bytes()
    clock.now = NOW + timedelta(seconds=offset)
    assert post_json(verified, body, signer.headers(body)).status_code == status


def test_a_signed_body_that_is_no_envelope_is_a_verification_400(
    verified: FlaskClient, signer: Signer
) -> None:
    body = b'{"hello": "world"}'
    reason = json_error(post_json(verified, body, signer.headers(body)), 400)
    assert reason.startswith("Request verification failed: ")


def test_with_no_skill_id_every_request_is_refused(
    root: Issued, clock: Clock, server: ChainServer, signer: Signer
) -> None:
    config = SkillConfig(clock=clock, fetch_cert=server, trust_roots=[root.cert])
    client = create_app(config).test_client()
    body = _launch_bytes()
    reason = json_error(post_json(client, body, signer.headers(body)), 400)
    assert reason == "Request verification failed: no skill id configured"
    assert server.fetched == []


def test_a_certificate_that_cannot_be_fetched_is_a_400(
    verified: FlaskClient, signer: Signer, server: ChainServer
) -> None:
    server.files[CERT_URL] = TimeoutError("S3 is slow today")
    body = _launch_bytes()
    reason = json_error(post_json(verified, body, signer.headers(body)), 400)
    assert reason.endswith("certificate could not be fetched")
    assert "S3 is slow today" not in reason  # the cause is for the log, not the caller


# -- client errors are JSON, with verification on or off -----------------------------------------


@pytest.fixture(params=["verify-on", "verify-off"])
def any_client(request: pytest.FixtureRequest, verified: FlaskClient) -> FlaskClient:
    if request.param == "verify-on":
        return verified
    return create_app(SkillConfig(verify=False)).test_client()


def test_a_body_over_128_kib_is_a_413(any_client: FlaskClient) -> None:
    reason = json_error(post_json(any_client, b" " * (MAX_BODY_BYTES + 1)), 413)
    assert reason == "The request body is larger than 128 KiB."


def test_a_body_of_exactly_128_kib_is_read(any_client: FlaskClient) -> None:
    # all blanks: read in full, then refused as JSON, not as too large
    reason = json_error(post_json(any_client, b" " * MAX_BODY_BYTES), 400)
    assert reason == "The request body is not valid JSON."


def _streamed(client: FlaskClient, data: bytes) -> TestResponse:
    """POST a chunked body (no Content-Length) through a server that, like gunicorn, sets
    wsgi.input_terminated so the app may read the stream to its end."""
    return client.post(
        "/alexa",
        input_stream=io.BytesIO(data),
        headers={"Transfer-Encoding": "chunked", "Content-Type": "application/json"},
        environ_overrides={"wsgi.input_terminated": True},
    )


def test_a_small_streamed_body_is_read_in_full() -> None:
    client = create_app(SkillConfig(verify=False)).test_client()
    answer = _streamed(client, _launch_bytes())
    assert answer.status_code == 200
    assert speech_of(answer.get_json()).text.startswith("Welcome")


def test_a_streamed_body_over_128_kib_without_a_length_is_a_413() -> None:
    client = create_app(SkillConfig(verify=False)).test_client()
    padded = _launch_bytes() + b" " * MAX_BODY_BYTES  # valid JSON, but too large
    assert json_error(_streamed(client, padded), 413) == "The request body is larger than 128 KiB."


def test_a_streamed_body_of_exactly_128_kib_is_read_whole() -> None:
    client = create_app(SkillConfig(verify=False)).test_client()
    launch = _launch_bytes()
    padded = launch + b" " * (MAX_BODY_BYTES - len(launch))
    answer = _streamed(client, padded)
    assert answer.status_code == 200
    assert speech_of(answer.get_json()).text.startswith("Welcome")


class _Trickle(io.RawIOBase):
    """A stream that hands out a few bytes a read, as a dechunking server stream may."""

    def __init__(self, data: bytes, step: int) -> None:
        self.data, self.step = data, step

    def read(self, size: int = -1) -> bytes:
        part, self.data = self.data[: min(size, self.step)], self.data[min(size, self.step) :]
        return part


def test_reading_at_most_a_limit_gathers_short_reads() -> None:
    assert read_at_most(_Trickle(b"x" * 10, 3), 10) == b"x" * 10
    assert read_at_most(_Trickle(b"", 3), 10) == b""
    with pytest.raises(RequestEntityTooLarge):
        read_at_most(_Trickle(b"x" * 11, 3), 10)


@pytest.mark.parametrize(
    "data",
    [b"{not json", b"", b"\xff\xfe{}", b'{"request": ', b"[" * 100_000, b"NaN"],
    ids=["broken", "empty", "not-utf8", "truncated", "deep", "nan"],
)
def test_bad_json_is_a_400(any_client: FlaskClient, data: bytes) -> None:
    assert json_error(post_json(any_client, data), 400) == "The request body is not valid JSON."


@pytest.mark.parametrize(
    "data",
    [
        b"{}",
        b"[]",
        b"null",
        b"1",
        b'"a string"',
        b'{"hello": 1}',
        b'{"request": null}',
        b'{"request": "LaunchRequest"}',
        b'{"request": {}}',
        b'{"request": {"type": "NoSuchRequest"}}',
        b'{"request": {"type": "LaunchRequest", "timestamp": "yesterday"}}',
    ],
)
def test_json_that_is_not_an_envelope_is_a_400_when_unverified(data: bytes) -> None:
    client = create_app(SkillConfig(verify=False)).test_client()
    reason = json_error(post_json(client, data), 400)
    assert reason.startswith("The request is not an Alexa request envelope")


def test_json_that_is_not_an_envelope_is_a_400_when_verified(verified: FlaskClient) -> None:
    reason = json_error(post_json(verified, b'{"hello": 1}'), 400)
    assert reason.startswith("Request verification failed")


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
def test_other_methods_on_alexa_are_a_405(any_client: FlaskClient, method: str) -> None:
    response = any_client.open("/alexa", method=method, data=b"{}")
    assert json_error(response, 405) == f"This address does not accept {method}."


def test_post_to_healthz_is_a_405(any_client: FlaskClient) -> None:
    assert json_error(any_client.post("/healthz"), 405) == "This address does not accept POST."


@pytest.mark.parametrize("path", ["/", "/nowhere", "/alexa/extra", "/ALEXA"])
def test_unknown_paths_are_a_404(any_client: FlaskClient, path: str) -> None:
    reason = json_error(any_client.post(path, data=b"{}"), 404)
    assert reason == "There is nothing at this address. Alexa requests go to POST /alexa."
    assert json_error(any_client.get(path), 404) == reason


def test_healthz(any_client: FlaskClient) -> None:
    response = any_client.get("/healthz")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.get_json() == {"status": "ok"}


# -- our failures are apologies, never a 500 ------------------------------------------------------


def test_a_handler_that_raises_is_a_spoken_apology_with_the_session_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("engine exploded")

    monkeypatch.setattr("skill.handlers.handle", broken)
    talk = Conversation(_client(tmp_path))
    with caplog.at_level(logging.ERROR):
        answer = talk.launch()
    assert speech_of(answer).text == APOLOGY
    assert answer["response"]["shouldEndSession"] is False
    assert reprompt_of(answer) == messages.text("skill.apology_reprompt")
    assert "engine exploded" in caplog.text


def test_a_failure_outside_the_skills_handlers_is_still_an_apology(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = create_app(SkillConfig(verify=False))
    endpoint = app.extensions["backstretch.endpoint"]

    def broken(**_kwargs: Any) -> Any:
        raise RuntimeError("dispatch broke")

    monkeypatch.setattr(endpoint.skill, "invoke", broken)
    body = json.dumps(RequestFactory(clock=lambda: NOW).launch(Session())).encode()
    response = post_json(app.test_client(), body)
    assert response.status_code == 200
    answer = response.get_json()
    check_response(answer)
    assert speech_of(answer).text == APOLOGY


def test_a_failing_exchange_hook_costs_no_answer(tmp_path: Path) -> None:
    seen: list[tuple[dict[str, Any], dict[str, Any]]] = []

    def recorder(request: dict[str, Any], answer: dict[str, Any]) -> None:
        seen.append((request, answer))

    def broken(_request: dict[str, Any], _answer: dict[str, Any]) -> None:
        raise OSError("disk full")

    config = SkillConfig(verify=False, on_exchange=[broken, recorder])
    talk = Conversation(create_app(config).test_client())
    answer = talk.launch()
    assert speech_of(answer).text.startswith("Welcome")
    assert seen == [(talk.requests[0], answer)]


# -- conversations, verification off --------------------------------------------------------------


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/db.sqlite3"


def _client(tmp_path: Path) -> FlaskClient:
    url = f"sqlite:///{tmp_path}/db.sqlite3"
    return create_app(SkillConfig(verify=False, database_url=url)).test_client()


@pytest.fixture
def talk(tmp_path: Path, database_url: str) -> Iterator[Conversation]:
    yield Conversation(_client(tmp_path))


AREAS = [
    ("neck", "neck and shoulders", ["neck_flexion", "lateral_flexion"]),
    ("lower back", "lower back", ["knee_to_chest", "back_flexion"]),
    (
        "both",
        "neck, shoulders and lower back",
        ["neck_flexion", "lateral_flexion", "knee_to_chest", "back_flexion"],
    ),
]


@pytest.mark.parametrize(("said", "heard", "stretches"), AREAS, ids=[a[0] for a in AREAS])
def test_launch_to_finish_for_each_area(
    talk: Conversation, database_url: str, said: str, heard: str, stretches: list[str]
) -> None:
    welcome = talk.launch()
    assert "Any new bladder or bowel trouble" in speech_of(welcome).text  # emergency signs
    assert talk.requests[0]["request"]["type"] == "LaunchRequest"
    assert "a recent fall or injury" in speech_of(talk.say("no")).text  # urgent signs
    assert "Where would you like to stretch today" in speech_of(talk.say("no")).text
    chosen = talk.say(said)
    assert f"Great, {heard}. That's {len(stretches)} stretches" in speech_of(chosen).text
    neck = "neck_flexion" in stretches  # the neck part of the screen, before neck stretches
    assert ("Before the neck stretches" in speech_of(chosen).text) == neck
    if neck:
        talk.say("no")
    first = talk.say("no")
    assert f"Stretch 1 of {len(stretches)}" in speech_of(first).text
    assert first["response"]["card"]["type"] == "Simple"
    done = talk.finish_routine()
    assert "That's your routine done." in speech_of(done).text
    assert "reprompt" not in done["response"]
    assert talk.session.number == 1  # the ended session was not carried on
    holds = [a for a in talk.answers if speech_of(a).breaks]
    assert holds and all(speech_of(a).break_total <= 240 for a in holds)
    profile = _load_profile(database_url)
    assert profile is not None and profile.screened_on == NOW.date()
    (record,) = profile.sessions
    assert record.completed and list(record.stretches) == stretches
    assert record.day == date(2026, 1, 15)


def test_a_one_shot_start_arrives_with_a_new_session(talk: Conversation) -> None:
    first = talk.say("start my neck stretches")
    request = talk.requests[0]
    assert request["session"]["new"] is True
    assert request["request"]["intent"]["name"] == "StartRoutineIntent"
    assert "three quick safety questions" in speech_of(first).text
    assert not ended(first)
    assert "Great, neck and shoulders." in speech_of(talk.pass_screen()).text


def test_pause_and_resume_mid_routine(talk: Conversation) -> None:
    talk.launch()
    talk.pass_screen()
    talk.say("lower back")
    talk.say("no")
    hold = talk.say("ready")
    spoken = speech_of(hold)  # 5 holds of 20 s and 4 rests of 5 s, cues and rests' words inside
    assert 100 < spoken.break_total < 120 and spoken.text.count(" of 5.") == 4
    paused = talk.say("pause")
    assert speech_of(paused).text.startswith("Paused. Say resume when you're ready")
    assert not speech_of(paused).breaks
    assert "We're paused." in speech_of(talk.say("help")).text
    resumed = talk.say("resume")
    # "Alexa, pause" may have cut the right leg's set short (Alexa does not say where): again
    assert speech_of(resumed).text.startswith("Okay, let's start that part of the set again.")
    assert "Hold behind your right knee" in speech_of(resumed).text
    assert speech_of(resumed).break_total == spoken.break_total
    assert "left leg" in reprompt_of(resumed)
    left = talk.say("ready")
    assert "switch to your left leg" in speech_of(left).text
    assert "How did it feel" in reprompt_of(left)


def test_a_pain_report_stops_the_stretch(talk: Conversation, database_url: str) -> None:
    talk.play_first_neck_set()
    hurt = talk.say("it hurts")
    assert speech_of(hurt).text.startswith("Stop the neck flexion now")
    assert "Shall we try lateral neck flexion?" in reprompt_of(hurt)
    assert "Stretch 2 of 2" in speech_of(talk.say("yes")).text
    second = talk.intent("PainIntent")
    assert "physical therapist" in speech_of(second).text and ended(second)
    profile = _load_profile(database_url)
    assert profile is not None and profile.sessions[-1].pain_reports == 2


def test_stop_ends_the_session_with_a_goodbye(talk: Conversation) -> None:
    talk.launch()
    talk.say("no")
    bye = talk.say("stop")
    assert ended(bye) and "reprompt" not in bye["response"]
    assert "Goodbye" in speech_of(bye).text


@pytest.mark.parametrize("intent", ["AMAZON.CancelIntent", "AMAZON.NavigateHomeIntent"])
def test_cancel_and_home_end_the_session_too(talk: Conversation, intent: str) -> None:
    talk.launch()
    assert ended(talk.intent(intent))


def test_a_session_ended_by_an_error_saves_what_was_done(
    talk: Conversation, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    talk.play_first_neck_set()
    talk.say("that felt good")  # the check-in answer shows the set played to its end
    error = {"type": "INVALID_RESPONSE", "message": "the response was too long"}
    with caplog.at_level(logging.INFO, logger="skill.handlers"):
        answer = talk.end_session("ERROR", error)
    request = talk.requests[-1]["request"]
    assert request["reason"] == "ERROR" and request["error"] == error
    assert answer["response"] == {}
    assert "reason=ERROR" in caplog.text and "the response was too long" in caplog.text
    profile = _load_profile(database_url)
    assert profile is not None
    (record,) = profile.sessions
    assert record.stretches == ("neck_flexion",) and not record.completed


@pytest.mark.parametrize(
    ("reason", "counted"), [("EXCEEDED_MAX_REPROMPTS", True), ("ERROR", False)]
)
def test_a_set_is_counted_at_session_end_only_if_the_response_played_through(
    talk: Conversation, database_url: str, reason: str, counted: bool
) -> None:
    """Reprompted and silent: the set played. An error right after it: it may not have."""
    talk.play_first_neck_set()
    talk.end_session(reason)
    profile = _load_profile(database_url)
    stretches = [s.stretches for s in profile.sessions] if profile else []
    assert stretches == ([("neck_flexion",)] if counted else [])


def test_a_session_ended_by_an_error_with_the_factorys_default_error_is_answered(
    talk: Conversation,
) -> None:
    talk.launch()
    answer = talk.end_session("ERROR")  # Conversation asserts a 200
    assert "outputSpeech" not in answer["response"]


def test_a_session_ended_before_any_stretch_records_nothing(
    talk: Conversation, database_url: str
) -> None:
    talk.launch()
    answer = talk.end_session("USER_INITIATED")
    assert "outputSpeech" not in answer["response"]
    profile = _load_profile(database_url)
    assert profile is None or not profile.sessions


def test_slot_resolution_match_and_no_match(talk: Conversation) -> None:
    talk.launch()
    talk.pass_screen()
    unknown = talk.intent("ChooseAreaIntent", area="elbow")
    (authority,) = talk.requests[-1]["request"]["intent"]["slots"]["area"]["resolutions"][
        "resolutionsPerAuthority"
    ]
    assert authority["status"]["code"] == "ER_SUCCESS_NO_MATCH"
    assert "Sorry, I didn't catch that." in speech_of(unknown).text
    assert not ended(unknown)
    matched = talk.intent("ChooseAreaIntent", area="upper back")
    (authority,) = talk.requests[-1]["request"]["intent"]["slots"]["area"]["resolutions"][
        "resolutionsPerAuthority"
    ]
    assert authority["status"]["code"] == "ER_SUCCESS_MATCH"
    assert authority["values"][0]["value"]["id"] == "neck"
    assert "Great, neck and shoulders." in speech_of(matched).text


def test_a_returning_user_is_welcomed_back(talk: Conversation, database_url: str) -> None:
    first = talk.launch()
    assert not speech_of(first).text.startswith("Welcome back")
    talk.pass_screen()
    talk.say("lower back")
    talk.say("no")
    talk.finish_routine()
    assert talk.session.new and talk.session.number == 1
    again = talk.launch()
    assert talk.requests[-1]["session"]["new"] is True
    assert speech_of(again).text.startswith("Welcome back")
    assert "usual lower back routine" in speech_of(again).text
    assert "Great, lower back." in speech_of(talk.say("yes")).text


def test_delete_my_data_removes_the_profile(talk: Conversation, database_url: str) -> None:
    talk.launch()
    talk.pass_screen()
    talk.say("stop")  # screened: the profile now exists
    assert _load_profile(database_url) is not None
    talk.launch()
    talk.say("delete my data")
    done = talk.say("yes")
    assert "Done. I've deleted your saved progress." in speech_of(done).text
    assert _load_profile(database_url) is None


def test_delete_my_data_then_no_keeps_the_profile(talk: Conversation, database_url: str) -> None:
    talk.launch()
    talk.pass_screen()
    talk.say("delete my data")
    talk.say("no")
    assert _load_profile(database_url) is not None


def test_ten_reps_of_sixty_seconds_stay_within_every_limit(
    talk: Conversation, database_url: str
) -> None:
    talk.launch()
    talk.pass_screen()
    assert "60 seconds" in speech_of(talk.say("hold for 60 seconds")).text
    assert "10 repetitions" in speech_of(talk.say("do 10 repetitions")).text
    talk.say("both")
    talk.say("no")  # no neck warning signs
    talk.say("no")  # no tips
    done = talk.finish_routine(max_turns=200)  # check_response ran on every answer
    assert "That's your routine done." in speech_of(done).text
    timed = [speech_of(a).break_total for a in talk.answers]
    assert max(timed) <= 240
    # 4 stretches, 2 of them sided: 6 x 10 x 60 s of holding, split across turns
    assert sum(timed) >= 6 * 10 * 60
    profile = _load_profile(database_url)
    assert profile is not None and (profile.hold_seconds, profile.reps) == (60, 10)
