"""Values Amazon may add later are accepted and handled generically; a request that needs no
session is answered without one. Signed, through the verifying endpoint, as Alexa sends them."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from alexa_requests import post_json
from flask.testing import FlaskClient
from signing import Signer

from skill.dialogs.requests import SKILL_ID, RequestFactory, Session
from skill.testing import NOW
from skill.tolerant import without_unknown_enum_values

pytest_plugins = ["test_app"]  # the verifying app and its signer


def _signed(client: FlaskClient, signer: Signer, envelope: dict[str, Any]) -> Any:
    body = json.dumps(envelope).encode()
    return post_json(client, body, signer.headers(body))


def _factory() -> RequestFactory:
    return RequestFactory(skill_id=SKILL_ID, clock=lambda: NOW)


@pytest.mark.parametrize("reason", [1, "SOME_REASON_AMAZON_ADDS_LATER", None])
def test_a_session_end_with_a_reason_we_do_not_know_is_accepted(
    verified: FlaskClient, signer: Signer, reason: object
) -> None:
    ended = _factory().session_ended(Session(), "USER_INITIATED", None)
    ended["request"]["reason"] = reason
    answer = _signed(verified, signer, ended)
    assert answer.status_code == 200 and answer.get_json()["response"] == {}


def test_a_request_type_we_do_not_know_gets_a_generic_answer(
    verified: FlaskClient, signer: Signer, caplog: pytest.LogCaptureFixture
) -> None:
    event = _factory().launch(Session())
    event["request"]["type"] = "Alexa.Something.AddedLater"
    event["request"]["payload"] = {"new": ["shape"]}
    with caplog.at_level(logging.INFO, logger="skill.app"):
        answer = _signed(verified, signer, event)
    assert answer.status_code == 200 and answer.get_json() == {"version": "1.0", "response": {}}
    assert "Alexa.Something.AddedLater" in caplog.text


def test_unknown_fields_anywhere_are_accepted(verified: FlaskClient, signer: Signer) -> None:
    launch = _factory().launch(Session())
    launch["brandNew"] = 1
    launch["request"]["extra"] = {"x": [1, 2]}
    launch["context"]["System"]["newThing"] = True
    answer = _signed(verified, signer, launch)
    assert answer.status_code == 200 and "Welcome" in json.dumps(answer.get_json())


def test_a_signed_launch_without_a_session_is_answered_without_a_traceback(
    verified: FlaskClient, signer: Signer, caplog: pytest.LogCaptureFixture
) -> None:
    launch = _factory().launch(Session())
    del launch["session"]
    with caplog.at_level(logging.INFO):
        answer = _signed(verified, signer, launch)
    assert answer.status_code == 200 and "Welcome" in json.dumps(answer.get_json())
    assert "Traceback" not in caplog.text and "LaunchRequest without a session" in caplog.text


def test_only_unknown_enum_values_are_dropped() -> None:
    ended = _factory().session_ended(Session(), "ERROR", {"type": "NEW_KIND", "message": "m"})
    cleaned = without_unknown_enum_values(ended)
    assert cleaned["request"]["reason"] == "ERROR"  # a value the model knows stays
    assert "type" not in cleaned["request"]["error"] and cleaned["request"]["error"]["message"]
    assert ended["request"]["error"]["type"] == "NEW_KIND"  # the original is not changed
