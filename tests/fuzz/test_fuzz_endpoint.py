"""Fuzzing the endpoint: any body, header or envelope gets a 2xx answer or a 4xx JSON error,
never a 5xx or a hang. Brief in the suite; set BACKSTRETCH_FUZZ_EXAMPLES for a longer run."""

from __future__ import annotations

import copy
import json
import os
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.serving import make_server

from skill.app import create_app
from skill.config import SkillConfig
from skill.dialogs.requests import SKILL_ID, RequestFactory, Session
from skill.testing import NOW, headers, make_ca, make_leaf, pem

EXAMPLES = int(os.environ.get("BACKSTRETCH_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CA = make_ca()
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


def _valid_requests() -> list[dict[str, Any]]:
    factory, session = RequestFactory(clock=lambda: NOW), Session()
    return [
        factory.launch(session),
        factory.utterance(session, "start my neck stretches"),
        factory.intent(session, "SetHoldIntent", {"seconds": "25"}),
        factory.session_ended(session, "ERROR", None),
    ]


VALID = _valid_requests()
APP = create_app(SkillConfig(verify=False, clock=lambda: NOW))
VERIFIED = create_app(
    SkillConfig(
        skill_ids=frozenset({SKILL_ID}),
        clock=lambda: NOW,
        fetch_cert=lambda _url: pem(make_leaf(CA)),
        trust_roots=[CA.cert],
    )
)


def _check(response: Any) -> None:
    assert response.status_code < 500, response.data[:300]
    body = response.get_json(silent=True)
    assert isinstance(body, dict), response.data[:300]
    if response.status_code == 200:
        DefaultSerializer().deserialize(json.dumps(body), "ask_sdk_model.ResponseEnvelope")
    else:
        assert 400 <= response.status_code < 500 and body["error"]


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _paths(value, (*prefix, index))


def _replace(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    target = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return data


@FUZZ
@given(st.binary(max_size=2048))
def test_any_bytes(body: bytes) -> None:
    _check(APP.test_client().post("/alexa", data=body, content_type="application/json"))


@FUZZ
@given(st.sampled_from(VALID), st.data())
def test_mutated_envelopes(request: dict[str, Any], data: st.DataObject) -> None:
    mutated = copy.deepcopy(request)
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(list(_paths(mutated))))
        mutated = _replace(mutated, path, data.draw(JSON))
    _check(
        APP.test_client().post("/alexa", data=json.dumps(mutated), content_type="application/json")
    )


@FUZZ
@given(
    st.dictionaries(
        st.sampled_from(["SignatureCertChainUrl", "Signature-256", "signature-256", "X-Other"]),
        st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=80),
    ),
    st.sampled_from(VALID),
)
def test_any_headers_with_verification_on(
    random_headers: dict[str, str], request: dict[str, Any]
) -> None:
    body = json.dumps(request).encode()
    response = VERIFIED.test_client().post("/alexa", data=body, headers=random_headers)
    _check(response)
    assert response.status_code == 400


def test_signed_requests_still_pass_the_verified_app() -> None:
    body = json.dumps(VALID[0]).encode()
    response = VERIFIED.test_client().post("/alexa", data=body, headers=headers(body))
    assert response.status_code == 200


@pytest.fixture(scope="module")
def server_port() -> Iterator[int]:
    server = make_server("127.0.0.1", 0, APP, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    thread.join(timeout=5)


def _raw_exchange(port: int, payload: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(payload)
        connection.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@settings(max_examples=max(20, EXAMPLES // 3), deadline=None)
@given(
    st.one_of(
        st.binary(max_size=512),
        st.builds(
            lambda method, path, head, body: (
                method + b" " + path + b" HTTP/1.1\r\n" + head + b"\r\n\r\n" + body
            ),
            st.sampled_from([b"POST", b"GET", b"PUT", b"BREW", b""]),
            st.sampled_from([b"/alexa", b"/healthz", b"/", b"/../etc", b"*"]),
            st.binary(max_size=200),
            st.binary(max_size=300),
        ),
    )
)
def test_raw_http_garbage_never_gets_a_5xx(server_port: int, payload: bytes) -> None:
    answer = _raw_exchange(server_port, payload)  # a hang would fail here with a socket timeout
    if answer.startswith(b"HTTP/"):
        status = int(answer.split(b" ", 2)[1])
        assert status < 500, answer[:300]
