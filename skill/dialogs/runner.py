"""Replaying a dialog turn by turn against a skill, in-process or over HTTP, collecting results.

The transport is the only thing that differs between the two, so the same dialog checks the code
under test in a unit test and a deployed endpoint in a smoke test.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any, Protocol

from skill.dialogs.expect import Answer, Failure, check
from skill.dialogs.model import Dialog, DialogError, Turn
from skill.dialogs.requests import RequestFactory, Session


class Transport(Protocol):
    """Sends one request envelope and returns the HTTP status and the decoded JSON answer."""

    def send(self, envelope: dict[str, Any]) -> tuple[int, dict[str, Any]]: ...


class HttpTransport:
    """Posts to a running endpoint (which must run with verification off: dialogs are unsigned)."""

    def __init__(self, url: str, timeout: float = 10.0) -> None:
        self.url = url
        self.timeout = timeout

    def send(self, envelope: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        data = json.dumps(envelope).encode()
        request = urllib.request.Request(
            self.url, data=data, headers={"Content-Type": "application/json"}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            body = error.read()
            try:
                return error.code, json.loads(body or b"{}")
            except ValueError:
                return error.code, {"error": body.decode(errors="replace")}
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise DialogError(f"cannot reach {self.url}: {error}") from error


@dataclass
class TurnResult:
    index: int
    turn: Turn
    request: dict[str, Any] | None
    status: int | None
    response: dict[str, Any] | None
    failures: list[Failure] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return not self.failures and self.error is None


@dataclass
class DialogResult:
    dialog: Dialog
    turns: list[TurnResult]

    @property
    def ok(self) -> bool:
        return all(turn.ok for turn in self.turns)


def dialog_clock(dialog: Dialog) -> Callable[[], datetime]:
    """A clock that starts on the dialog's day at 09:00 UTC and moves a few seconds a turn."""
    start = datetime.combine(dialog.today, time(9, 0), tzinfo=UTC)
    ticks = iter(range(1_000_000))
    return lambda: start + timedelta(seconds=5 * next(ticks))


def _ended(turn: Turn, response: dict[str, Any] | None) -> bool:
    if turn.kind == "session_end":
        return True
    return bool(((response or {}).get("response") or {}).get("shouldEndSession"))


def run_dialog(
    dialog: Dialog, transport: Transport, factory: RequestFactory | None = None
) -> DialogResult:
    """Send every turn, carry the session as Alexa would, check each turn's expectations."""
    factory = factory or RequestFactory(dialog.locale, clock=dialog_clock(dialog))
    session = Session()
    results: list[TurnResult] = []
    for index, turn in enumerate(dialog.turns):
        result = TurnResult(index, turn, None, None, None)
        results.append(result)
        try:
            result.request = factory.for_turn(session, turn)
        except DialogError as error:
            result.error = str(error)
            continue
        result.status, result.response = transport.send(result.request)
        if result.status != 200:
            result.error = f"HTTP {result.status}: {json.dumps(result.response)[:300]}"
        elif turn.expect:
            try:
                result.failures = check(turn.expect, Answer.from_envelope(result.response))
            except ValueError as error:
                result.error = str(error)
        session.after(result.response, _ended(turn, result.response))
    return DialogResult(dialog, results)
