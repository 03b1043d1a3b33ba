"""The web service: `create_app(config)` serves POST /alexa and GET /healthz (and, only with
verification off, the dialog tool's test hook POST /_dialog/seed: see skill/dialogs/seed.py).

Every failure a client can cause is a JSON 4xx with a clear reason (certification expects 400
for verification failures); a failure of ours is an apology Alexa can speak. Never an HTTP 500.
"""

from __future__ import annotations

import atexit
import logging
import time
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import orjson
from ask_sdk_model.request_envelope import RequestEnvelope
from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from shared import messages
from skill import logs, request_context
from skill.builder import open_store, profiles_for, skill_builder
from skill.cert_fetch import fetch_url
from skill.config import MAX_BODY_BYTES, SkillConfig
from skill.dialogs.seed import SEED_PATH, add_seed_hook
from skill.persistence import SqlProfiles
from skill.readiness import ReadinessProbe
from skill.serializer import FastSerializer
from skill.tolerant import generic_answer, is_known_request_type, without_unknown_enum_values
from skill.verify import HeaderItems, RequestVerifier, VerificationError

if TYPE_CHECKING:  # the recorder is imported only when recording: it brings the dialog tool
    from skill.dialogs.recorder import DialogRecorder
    from skill.metrics import EndpointMetrics  # imported by create_app: prometheus_client

log = logging.getLogger(__name__)

Answer = tuple[int, dict[str, Any]]
# Told of each exchange (request JSON, answer JSON); what it returns is ignored.
ExchangeHook = Callable[[dict[str, Any], dict[str, Any]], object]


def _error(status: int, key: str, **params: Any) -> Answer:
    return status, {"error": messages.text(key, **params), "status": status}


def _apology_envelope() -> dict[str, Any]:
    text = messages.text("skill.apology")
    return {
        "version": "1.0",
        "response": {
            "outputSpeech": {"type": "SSML", "ssml": f"<speak>{text}</speak>"},
            "shouldEndSession": True,
        },
    }


def _verifier(config: SkillConfig) -> RequestVerifier | None:
    if not config.verify:
        log.warning(
            "REQUEST VERIFICATION IS OFF: any caller can drive this skill, and POST %s can set "
            "any user's profile (development only)",
            SEED_PATH,
        )
        return None
    return RequestVerifier(
        config.skill_ids,
        clock=config.clock,
        fetch=config.fetch_cert or fetch_url,
        trust_roots=config.trust_roots,
    )


class AlexaEndpoint:
    """The whole request path without the web framework: verify, deserialise, run the skill,
    serialise. Flask calls it for POST /alexa; benchmarks call it directly. With `metrics`,
    each request is counted and timed as it ends, and each failure of the store counted."""

    def __init__(self, config: SkillConfig, metrics: EndpointMetrics | None = None) -> None:
        self.metrics = metrics
        self.store = open_store(
            config,
            metrics.storage_failed if metrics is not None else None,
            metrics.store_state if metrics is not None else None,
        )
        self.profiles = profiles_for(self.store, config.journal_path())
        self.skill = skill_builder(self.profiles).create()
        self.verifier = _verifier(config)
        self.serializer = FastSerializer()
        self.hooks: list[ExchangeHook] = list(config.on_exchange)
        self.recorder: DialogRecorder | None = None
        if config.record_dir is not None:
            from skill.dialogs.recorder import DialogRecorder

            self.recorder = DialogRecorder(config.record_dir, clock=config.clock)
            self.hooks.append(self.recorder.record)
            _flush_at_exit(self.recorder)

    def answer(self, headers: HeaderItems, body: bytes) -> Answer:
        """The answer, in a request context: log lines meanwhile carry the request id."""
        started = time.perf_counter()
        with request_context.answering() as context:
            answer = self._answer(headers, body, context)
            if self.metrics is not None:
                self.metrics.observe(context, answer, time.perf_counter() - started)
            return answer

    def _answer(
        self, headers: HeaderItems, body: bytes, context: request_context.RequestContext
    ) -> Answer:
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError:
            return _error(400, "http.bad_json")
        context.read(data)
        if self.verifier is not None:
            try:
                self.verifier.verify(headers, body, data)
            except VerificationError as error:
                log.info(
                    "refused request %s: %s (%s)", _request_id(data), error.reason, error.detail
                )
                status, refusal = _error(400, "http.verification_failed", reason=error.reason)
                return status, {**refusal, "reason": error.reason}  # stable, for monitoring
        if not is_known_request_type(data):
            log.info("a request of a type this SDK does not know: %.80s", data["request"]["type"])
            return 200, generic_answer()
        data = without_unknown_enum_values(data)
        try:
            envelope = self.serializer.deserialize_data(data, RequestEnvelope)
            if not isinstance(data, dict) or envelope is None or envelope.request is None:
                raise ValueError("no request in the envelope")
            if envelope.context is None or envelope.context.system is None:
                raise ValueError("no context.System in the envelope (Alexa sends one with each)")
        except Exception as error:  # the SDK raises several types for malformed envelopes
            return _error(400, "http.bad_envelope", detail=str(error).splitlines()[0][:200])
        if self.recorder is not None:
            self._begin_recording(self.recorder, data, envelope)
        answer = self._invoke(envelope)
        for hook in self.hooks:
            _run_hook(hook, data, answer)
        return 200, answer

    def _begin_recording(
        self, recorder: DialogRecorder, data: dict[str, Any], envelope: RequestEnvelope
    ) -> None:
        """Told before the skill runs, so a new session's recording keeps the profile the user
        began it with (the skill may change it on the very first turn)."""
        try:
            recorder.begin(data, lambda: self.profiles.load(envelope))
        except Exception:  # recording must never cost the user an answer
            log.exception("the recorder failed")

    def forget(self, user: str) -> None:
        """Drop this worker's copy of a user's profile (after the dialog test hook set it)."""
        if isinstance(self.profiles, SqlProfiles):
            self.profiles.cache.forget(user)

    def _invoke(self, envelope: RequestEnvelope) -> dict[str, Any]:
        try:
            response = self.skill.invoke(request_envelope=envelope, context=None)
            answer: dict[str, Any] = self.serializer.serialize(response)
            return answer
        except Exception:  # the SDK's own dispatch errors, outside our exception handler
            log.exception("the skill could not answer")
            request_context.note_apology()
            return _apology_envelope()


def _request_id(data: Any) -> str:
    """The request's own id for the log line of a refusal (whatever the caller sent)."""
    request = data.get("request") if isinstance(data, dict) else None
    found = request.get("requestId") if isinstance(request, dict) else None
    return found[:100] if isinstance(found, str) else "-"


def _json(answer: Answer) -> Response:
    status, body = answer
    return Response(orjson.dumps(body), status=status, mimetype="application/json")


def create_app(config: SkillConfig | None = None) -> Flask:
    """The Flask app; with no config, settings come from the environment (for gunicorn).
    Logging follows BACKSTRETCH_LOG_FORMAT (skill/logs.py); metrics are served at /metrics."""
    logs.configure_app()
    from skill import metrics  # here, not at import: the in-process endpoint needs none

    config = config or SkillConfig.from_env()
    app = Flask("backstretch")
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.json.sort_keys = False  # type: ignore[attr-defined]  # answers need no sorting; it costs
    endpoint_metrics = metrics.EndpointMetrics()
    endpoint = AlexaEndpoint(config, endpoint_metrics)
    readiness = ReadinessProbe(endpoint.store)
    app.extensions["backstretch.endpoint"] = endpoint
    if endpoint.recorder is not None:
        app.extensions["backstretch.recorder"] = endpoint.recorder
    if not config.verify:
        add_seed_hook(app, endpoint.store, endpoint.forget)

    @app.post("/alexa")
    def alexa() -> Any:
        return _json(endpoint.answer(request.headers, _request_body()))

    @app.get("/healthz")
    def healthz() -> Any:
        """Liveness only: the process answers (/readyz says whether its store does)."""
        return jsonify(status="ok")

    @app.get("/readyz")
    def readyz() -> Any:
        return _json(readiness.probe())

    @app.get("/metrics")
    def metrics_page() -> Any:
        body, content_type = metrics.exposition()
        return Response(body, content_type=content_type)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        if error.code == 413:
            if request.path == "/alexa":
                endpoint_metrics.body_too_large()
            return _json(_error(413, "http.too_large"))
        if error.code == 405:
            return _json(_error(405, "http.method_not_allowed", method=request.method))
        if error.code == 404:
            return _json(_error(404, "http.not_found"))
        status = error.code or 400
        return jsonify(error=error.description, status=status), status

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Any:
        log.exception("unexpected error answering %s %s", request.method, request.path)
        return jsonify(_apology_envelope()), 200

    return app


def _request_body() -> bytes:
    """The raw body, refused with a 413 past MAX_BODY_BYTES however it was sent.

    With a Content-Length, werkzeug refuses an oversized body before it is read. A chunked body
    has no length: werkzeug would stop quietly at the limit and hand over a truncated body (which
    may even be valid JSON), so the stream the server terminated is read here to one byte past it.
    """
    if request.content_length is not None or not request.environ.get("wsgi.input_terminated"):
        return request.get_data(cache=False)
    return read_at_most(request.environ["wsgi.input"], MAX_BODY_BYTES)


def read_at_most(stream: Any, limit: int) -> bytes:
    """All of `stream`, or RequestEntityTooLarge as soon as it holds more than `limit` bytes.

    Reads loop because a dechunking stream may return fewer bytes than asked for."""
    parts: list[bytes] = []
    size = 0
    while size <= limit:
        part = stream.read(limit + 1 - size)
        if not part:
            return b"".join(parts)
        parts.append(part)
        size += len(part)
    raise RequestEntityTooLarge()


def _flush_at_exit(recorder: DialogRecorder) -> None:
    """Write the recorder's open sessions when the process ends normally (a gunicorn worker told
    to stop by SIGTERM exits that way); a weak reference, so a discarded app is not kept alive."""
    alive = weakref.ref(recorder)

    def flush() -> None:
        found = alive()
        if found is not None:
            found.flush()

    atexit.register(flush)


def _run_hook(hook: ExchangeHook, request_json: dict[str, Any], answer: dict[str, Any]) -> None:
    try:
        hook(request_json, answer)
    except Exception:  # recording must never cost the user an answer
        log.exception("an exchange hook failed")
