"""One cold start, run by bench_startup in a fresh process: from the first import of the skill's
code to its first answer, timed inside the process (interpreter start-up is not in it).

Usage: python -m bench.first_answer lambda|create_app|bare_sdk|sqlalchemy|flask REQUEST.json
(the last two import the library alone, for reference). Prints one JSON line: {"ms": wall
milliseconds, "cpu_ms": CPU milliseconds, "modules": the packages outside the standard library}.
Only the standard library is imported before the clock starts; the request is read before it.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any


def _lambda(event: dict[str, Any]) -> dict[str, Any]:
    from skill.lambda_function import handler

    answer: dict[str, Any] = handler(event, None)
    return answer


def _create_app(event: dict[str, Any]) -> dict[str, Any]:
    from skill.app import create_app
    from skill.config import SkillConfig

    app = create_app(SkillConfig(verify=False, database_url=os.environ["DATABASE_URL"]))
    answer: dict[str, Any] = app.test_client().post("/alexa", json=event).get_json()
    return answer


def _bare_sdk(event: dict[str, Any]) -> dict[str, Any]:
    """The baseline: ask-sdk-core's hello skill on Lambda, as its documentation writes it."""
    from ask_sdk_core.dispatch_components import AbstractRequestHandler
    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_core.skill_builder import SkillBuilder
    from ask_sdk_model import Response

    class Hello(AbstractRequestHandler):  # type: ignore[misc]
        def can_handle(self, handler_input: HandlerInput) -> bool:
            return True

        def handle(self, handler_input: HandlerInput) -> Response:
            return handler_input.response_builder.speak("Hello.").response

    builder = SkillBuilder()
    builder.add_request_handler(Hello())
    answer: dict[str, Any] = builder.lambda_handler()(event, None)
    return answer


def _sqlalchemy(event: dict[str, Any]) -> dict[str, Any]:
    """What the SQL store's library costs on its own, with the SQLite dialect."""
    import sqlalchemy.dialects.sqlite  # noqa: F401

    return {"response": {}}


def _flask(event: dict[str, Any]) -> dict[str, Any]:
    """What the web framework costs on its own (werkzeug's development server comes with it)."""
    import flask  # noqa: F401

    return {"response": {}}


ENTRIES = {
    "lambda": _lambda,
    "create_app": _create_app,
    "bare_sdk": _bare_sdk,
    "sqlalchemy": _sqlalchemy,
    "flask": _flask,
}


def main(argv: list[str]) -> None:
    entry, path = ENTRIES[argv[0]], argv[1]
    with open(path, encoding="utf-8") as file:
        event = json.load(file)
    before = set(sys.modules)
    start, cpu = time.perf_counter(), time.process_time()
    answer = entry(event)
    elapsed, cpu_used = time.perf_counter() - start, time.process_time() - cpu
    if "response" not in answer:
        raise SystemExit(f"no answer: {answer}")
    roots = {name.split(".")[0] for name in set(sys.modules) - before}
    roots = sorted(roots - sys.stdlib_module_names - {"_cffi_backend", "_cython_3_3_1"})
    print(json.dumps({"ms": elapsed * 1e3, "cpu_ms": cpu_used * 1e3, "modules": roots}))


if __name__ == "__main__":
    main(sys.argv[1:])
