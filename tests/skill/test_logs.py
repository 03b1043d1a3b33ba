"""BACKSTRETCH_LOG_FORMAT=json: one JSON object per line, with the request id while a request is
answered, from the app factory and from `backstretch-skill serve`."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.servers import free_port
from skill import logs, request_context
from skill.app import create_app
from skill.config import SkillConfig
from skill.dialogs.requests import SKILL_ID, RequestFactory, Session

ROOT = Path(__file__).resolve().parents[2]


def record(message: str, level: int = logging.INFO, exc_info: Any = None) -> logging.LogRecord:
    return logging.LogRecord("skill.test", level, __file__, 1, message, (), exc_info)


def test_a_line_is_one_json_object_with_the_request_id() -> None:
    formatter = logs.JsonFormatter()
    with request_context.answering() as context:
        context.request_id = "amzn1.echo-api.request.abc"
        line = formatter.format(record('refused: "quoted"\nand a second line'))
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["request_id"] == "amzn1.echo-api.request.abc"
    assert (parsed["level"], parsed["logger"]) == ("INFO", "skill.test")
    assert parsed["message"] == 'refused: "quoted"\nand a second line'
    assert parsed["time"].endswith("+00:00") and "T" in parsed["time"]


def test_outside_a_request_there_is_no_request_id_and_exceptions_are_kept() -> None:
    try:
        raise ValueError("broken")
    except ValueError:
        parsed = json.loads(logs.JsonFormatter().format(record("failed", 40, sys.exc_info())))
    assert "request_id" not in parsed
    assert parsed["level"] == "ERROR" and "ValueError: broken" in parsed["exception"]


def test_the_format_is_text_unless_json_is_asked_for(caplog: pytest.LogCaptureFixture) -> None:
    assert logs.chosen_format({}) == "text"
    assert logs.chosen_format({"BACKSTRETCH_LOG_FORMAT": " JSON "}) == "json"
    assert logs.chosen_format({"BACKSTRETCH_LOG_FORMAT": "yaml"}) == "text"
    assert "BACKSTRETCH_LOG_FORMAT=yaml is neither json nor text" in caplog.text


@pytest.fixture
def json_logs(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """JSON lines asked for; the handler the app factory adds is removed afterwards."""
    monkeypatch.setenv("BACKSTRETCH_LOG_FORMAT", "json")
    root = logging.getLogger()
    level = root.level
    yield
    for handler in [h for h in root.handlers if isinstance(h, logs.JsonHandler)]:
        root.removeHandler(handler)
    root.setLevel(level)


def _json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_the_app_factory_writes_json_lines_with_the_request_id(
    json_logs: None, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "skill.app")  # whatever an earlier test left it at
    app = create_app(SkillConfig(skill_ids=frozenset({SKILL_ID}), database_url=None))
    create_app(SkillConfig(verify=False, database_url=None))  # a second app adds no handler
    assert sum(isinstance(h, logs.JsonHandler) for h in logging.getLogger().handlers) == 1
    envelope = RequestFactory(request_stem="amzn1.echo-api.request.logged").launch(Session("s"))
    answer = app.test_client().post("/alexa", json=envelope)
    assert answer.status_code == 400  # unsigned: refused, which is logged with the request id
    lines = _json_lines(capsys.readouterr().err)  # every line parses
    refused = [line for line in lines if line["message"].startswith("refused request")]
    assert refused and refused[0]["request_id"] == envelope["request"]["requestId"]
    assert {"time", "level", "logger", "message"} <= set(refused[0])


def test_serve_writes_json_lines(tmp_path: Path) -> None:
    """The development server: its notices, werkzeug's lines and the app's, all JSON."""
    port = free_port()
    env = {**os.environ, "BACKSTRETCH_LOG_FORMAT": "json", "XDG_DATA_HOME": str(tmp_path)}
    command = [sys.executable, "-m", "skill.cli", "serve", "--no-verify", "--port", str(port)]
    errors = tmp_path / "stderr"
    with errors.open("wb") as sink:
        server = subprocess.Popen(
            command, cwd=ROOT, env=env, stderr=sink, stdout=subprocess.DEVNULL
        )
        try:
            envelope = RequestFactory(request_stem="served").envelope(
                Session("s"), {"type": "Some.Future.Request"}
            )
            _post_when_up(port, json.dumps(envelope).encode())
        finally:
            server.terminate()
            server.wait(timeout=10)
    lines = _json_lines(errors.read_text())
    assert any("VERIFICATION IS OFF" in line["message"] for line in lines)
    unknown = [line for line in lines if "type this SDK does not know" in line["message"]]
    assert unknown and unknown[0]["request_id"] == envelope["request"]["requestId"]


def _post_when_up(port: int, body: bytes, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/alexa", data=body, headers={"Content-Type": "application/json"}
    )
    while True:
        try:
            with urllib.request.urlopen(request, timeout=2) as answer:
                assert answer.status == 200
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
