"""One in-process skill for a whole replay run, in which every dialog is a user of its own.

Building the Flask app and migrating a fresh SQLite store took most of an in-process dialog's
time, so a run builds them once. Each dialog then talks as a user id nobody else in the run has,
with its starting profile seeded for that user alone: no dialog sees another's progress, however
many share the store. Requests go to the app's WSGI callable: the whole Flask path (routing, the
body limit, error handlers, the JSON answer) without the test client's environ builder and
cookie jar, which cost as much as the skill's own answer.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterable
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import orjson
from flask import Flask

from shared.storage import ProfileStore
from skill.app import create_app
from skill.config import SkillConfig
from skill.dialogs.model import Dialog, DialogError
from skill.dialogs.requests import RequestFactory, Session
from skill.dialogs.runner import DialogResult, Identity, dialog_clock, run_dialog
from skill.dialogs.seed import seed_profile, starting_profile

__all__ = ["InProcessSkill", "WsgiTransport", "shared_skill"]


class WsgiTransport:
    """Posts a request envelope to a WSGI app's POST /alexa, as a server would hand it over."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def send(self, envelope: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        body = orjson.dumps(envelope)
        status: list[str] = []

        def start_response(line: str, _headers: Any, _exc_info: Any = None) -> Any:
            status.append(line)
            return _no_write

        chunks: Iterable[bytes] = self.app(_environ(body), start_response)
        try:
            data = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        code = int(status[0].split(" ", 1)[0])
        try:
            answer = orjson.loads(data) if data else {}
        except orjson.JSONDecodeError:
            return code, {"error": data.decode(errors="replace")}
        return code, answer if isinstance(answer, dict) else {"answer": answer}


def _no_write(_data: bytes) -> None:
    """The write() of WSGI's start_response: Flask never calls it, it returns its body."""


def _environ(body: bytes) -> dict[str, Any]:
    """The WSGI environ of one JSON POST to /alexa from this machine."""
    return {
        "REQUEST_METHOD": "POST",
        "SCRIPT_NAME": "",
        "PATH_INFO": "/alexa",
        "QUERY_STRING": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "localhost",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }


class InProcessSkill:
    """The app with verification off and one throw-away SQLite store, for any number of dialogs."""

    def __init__(self, config: SkillConfig | None = None) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="backstretch-dialogs-")
        database_url = f"sqlite:///{Path(self._folder.name) / 'dialogs.sqlite3'}"
        self.store = ProfileStore.open(database_url)  # seeds users; the app keeps its own
        base = config or SkillConfig()
        self.app = create_app(replace(base, verify=False, database_url=database_url))
        self.transport = WsgiTransport(self.app)

    def run(self, dialog: Dialog) -> DialogResult:
        """Replay one dialog as a new user (ids as over HTTP: runner.Identity), seeded with the
        dialog's starting profile."""
        identity = Identity.fresh()
        if dialog.profile:
            try:
                profile = starting_profile(dialog.profile)
            except ValueError as error:
                raise DialogError(f"{dialog.path}: profile: {error}") from error
            seed_profile(self.store, identity.user_id, profile, dialog.today)
        factory = RequestFactory(
            dialog.locale,
            device=dialog.device,
            user_id=identity.user_id,
            device_id=identity.device_id,
            request_stem=identity.request_stem,
            clock=dialog_clock(dialog),
        )
        return run_dialog(dialog, self.transport, factory, Session(stem=identity.session_stem))

    def close(self) -> None:
        """Let go of the store and its folder (also done at exit for the shared one)."""
        self.store.close()
        self._folder.cleanup()


@cache
def shared_skill() -> InProcessSkill:
    """The one in-process skill of this process, built on first use."""
    return InProcessSkill()
