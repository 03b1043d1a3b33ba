"""Log lines for people or for machines.

`BACKSTRETCH_LOG_FORMAT=json` makes every line one JSON object (time, level, logger, message, and
request_id while a request is being answered, the exception when there is one), which log
collectors read without a parsing rule; the default is the plain text lines people read.

`backstretch-skill serve` configures logging itself (`configure_command_line`); under gunicorn
the app factory adds the JSON handler (`configure_app`), and the shipped gunicorn.conf.py gives
gunicorn's own lines the same handler. Standard library only: gunicorn's master imports it.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, TextIO

from skill.request_context import current_request_id

FORMAT_VARIABLE = "BACKSTRETCH_LOG_FORMAT"
TEXT_FORMAT = "%(levelname)s %(name)s: %(message)s"
FORMATS = ("text", "json")


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line (newlines in messages are escaped)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = record.__dict__.get("request_id") or current_request_id()
        if request_id:
            line["request_id"] = request_id
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class JsonHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """JSON lines on whatever sys.stderr is when a record is written (as logging's own last
    resort does), so a handler installed once follows a redirected or captured stderr."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        """Ignored: the stream is always the current sys.stderr."""


def chosen_format(environ: Mapping[str, str] | None = None) -> str:
    """ "json" or "text" from BACKSTRETCH_LOG_FORMAT; anything else is text, said once."""
    env = os.environ if environ is None else environ
    value = env.get(FORMAT_VARIABLE, "text").strip().lower() or "text"
    if value not in FORMATS:
        logging.getLogger(__name__).warning(
            "%s=%s is neither json nor text: writing text", FORMAT_VARIABLE, value
        )
        return "text"
    return value


def configure_command_line(environ: Mapping[str, str] | None = None) -> None:
    """The command line's logging: INFO and up on stderr, as text or JSON lines."""
    if chosen_format(environ) == "json":
        logging.basicConfig(level=logging.INFO, handlers=[JsonHandler()])
    else:
        logging.basicConfig(level=logging.INFO, format=TEXT_FORMAT)


def notice(text: str) -> None:
    """A command's notice for the person running it (serve's warnings): printed on stderr, or
    a JSON line like every other one when JSON lines were asked for."""
    if any(isinstance(handler, JsonHandler) for handler in logging.getLogger().handlers):
        logging.getLogger("skill.cli").warning("%s", text)
    else:
        print(text, file=sys.stderr)


def configure_app(environ: Mapping[str, str] | None = None) -> None:
    """For the app factory: with JSON asked for, make sure the root logger writes JSON lines at
    INFO and up (once, however many apps are created). Other handlers are left alone, and with
    text nothing changes: the host (gunicorn, a test) keeps its own logging."""
    if chosen_format(environ) != "json":
        return
    root = logging.getLogger()
    if not any(isinstance(handler, JsonHandler) for handler in root.handlers):
        root.addHandler(JsonHandler())
    if root.getEffectiveLevel() > logging.INFO:
        root.setLevel(logging.INFO)


def gunicorn_log_config() -> dict[str, Any]:
    """gunicorn's logconfig_dict for JSON lines: its own loggers write through the root's JSON
    handler, at the level gunicorn was given (--log-level)."""
    return {
        "root": {"level": "INFO", "handlers": ["json"]},
        "loggers": {
            "gunicorn.error": {"handlers": [], "propagate": True},
            "gunicorn.access": {"handlers": [], "propagate": True},
        },
        "handlers": {"json": {"()": JsonHandler}},
        "formatters": {},
    }
