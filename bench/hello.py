"""The baselines: a bare ask-sdk-core "hello" skill and a Flask hello-world app.

They do the least a skill or a web app can do on the same libraries, so our figures are reported
as ratios to them, measured in the same run on the same machine.
"""

from __future__ import annotations

import json
from typing import Any

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_model import RequestEnvelope, Response
from flask import Flask, jsonify, request
from flask import Response as HttpResponse


class HelloHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def handle(self, handler_input: HandlerInput) -> Response:
        return handler_input.response_builder.speak("Hello.").response


def hello_skill() -> Any:
    builder = SkillBuilder()
    builder.add_request_handler(HelloHandler())
    return builder.create()


def hello_invoke(skill: Any, serializer: DefaultSerializer, body: bytes) -> bytes:
    """Deserialise, dispatch, serialise: the bare SDK path a request takes."""
    envelope = serializer.deserialize(body.decode(), RequestEnvelope)
    response = skill.invoke(request_envelope=envelope, context=None)
    return json.dumps(serializer.serialize(response)).encode()


def _healthy(app: Flask) -> Flask:
    @app.get("/healthz")
    def health() -> Any:
        return jsonify(status="ok")

    return app


def create_hello_app() -> Flask:
    """Flask hello-world: the HTTP baseline (gunicorn 'bench.hello:create_hello_app()')."""
    app = Flask("hello")
    answer = {
        "version": "1.0",
        "response": {"outputSpeech": {"type": "PlainText", "text": "Hello."}},
    }

    @app.post("/alexa")
    def alexa() -> Any:
        request.get_data()
        return jsonify(answer)

    return _healthy(app)


def create_sdk_hello_app() -> Flask:
    """The bare ask-sdk-core hello skill behind Flask ('bench.hello:create_sdk_hello_app()'): not
    a target's baseline, but what the SDK alone costs a request over HTTP, beside our whole path."""
    app = Flask("sdk-hello")
    skill, serializer = hello_skill(), DefaultSerializer()

    @app.post("/alexa")
    def alexa() -> Any:
        body = hello_invoke(skill, serializer, request.get_data())
        return HttpResponse(body, mimetype="application/json")

    return _healthy(app)
