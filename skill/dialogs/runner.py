"""Replaying a dialog turn by turn against a skill, in-process or over HTTP, collecting results.

The transport is the only thing that differs between the two, so the same dialog checks the code
under test in a unit test and a deployed endpoint in a smoke test. A served endpoint has one store
for all, and so has an in-process run (one app, skill/dialogs/sandbox.py), so each dialog speaks
as a user, device and sessions of its own (`Identity`: unique to the run and the dialog). Over
HTTP its starting profile is set through the server's test hook (skill/dialogs/seed.py).
"""

from __future__ import annotations

import itertools
import json
import secrets
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol

from shared import messages
from skill.dialogs.expect import Answer, Failure, check
from skill.dialogs.model import Dialog, DialogError, Turn
from skill.dialogs.requests import RequestFactory, Session

# One token per process (a replay run, a pytest session) and a number per dialog: ids that no
# other dialog of this run, and no earlier run against the same server, has used.
RUN_TOKEN = secrets.token_hex(4).upper()
_dialog_numbers = itertools.count(1)


@dataclass(frozen=True, slots=True)
class Identity:
    """The user, device, session and request ids one dialog speaks with over HTTP."""

    user_id: str
    device_id: str
    session_stem: str
    request_stem: str

    @classmethod
    def fresh(cls) -> Identity:
        tag = f"DIALOG-{RUN_TOKEN}-{next(_dialog_numbers):04d}"
        return cls(
            user_id=f"amzn1.ask.account.{tag}",
            device_id=f"amzn1.ask.device.{tag}",
            session_stem=f"amzn1.echo-api.session.{tag}",
            request_stem=f"amzn1.echo-api.request.{tag}",
        )


class Transport(Protocol):
    """Sends one request envelope and returns the HTTP status and the decoded JSON answer."""

    def send(self, envelope: dict[str, Any]) -> tuple[int, dict[str, Any]]: ...


class SeedRefused(DialogError):
    """The server would not set a dialog's starting profile (it has no test hook, or said no)."""


class HttpTransport:
    """Posts to a running endpoint (which must run with verification off: dialogs are unsigned)."""

    def __init__(self, url: str, timeout: float = 10.0) -> None:
        self.url = url
        self.timeout = timeout

    @property
    def seed_url(self) -> str:
        """The test hook beside the endpoint: http://host/alexa -> http://host/_dialog/seed."""
        return urllib.parse.urljoin(self.url, "_dialog/seed")

    def send(self, envelope: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return self._post(self.url, envelope)

    def seed(self, user_id: str, profile: dict[str, Any], today: date) -> None:
        """Set the user's starting profile through the server's test hook; SeedRefused saying
        why when the server has none (it verifies requests, or is not this skill) or refuses."""
        body = {"userId": user_id, "profile": profile, "today": today.isoformat()}
        status, answer = self._post(self.seed_url, body)
        if status == 200 and answer.get("seeded") is True:
            return
        if status in (404, 405):
            raise SeedRefused(messages.text("dialogs.no_seed_hook", url=self.seed_url))
        reason = answer.get("error") or json.dumps(answer)[:300]
        raise SeedRefused(messages.text("dialogs.seed_refused", status=status, reason=reason))

    def _post(self, url: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        data = json.dumps(body, default=str).encode()
        request = urllib.request.Request(
            url, data=data, headers={"Content-Type": "application/json"}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            answer = error.read()
            try:
                return error.code, json.loads(answer or b"{}")
            except ValueError:
                return error.code, {"error": answer.decode(errors="replace")}
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise DialogError(f"cannot reach {url}: {error}") from error


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


def run_over_http(dialog: Dialog, url: str, factory: RequestFactory | None = None) -> DialogResult:
    """Run a dialog against a served endpoint as a fresh user (see Identity), its starting
    profile set first. A profile that cannot be set fails the first turn, saying why; the turns
    are then not sent, since a returning user's dialog would fail on every one, misleadingly."""
    identity = Identity.fresh()
    factory = factory or RequestFactory(
        dialog.locale, clock=dialog_clock(dialog), device=dialog.device
    )
    factory.user_id, factory.device_id = identity.user_id, identity.device_id
    factory.request_stem = identity.request_stem
    transport = HttpTransport(url)
    if dialog.profile is not None:
        try:
            transport.seed(identity.user_id, dialog.profile, dialog.today)
        except SeedRefused as error:
            reason = messages.text("dialogs.profile_not_set", reason=error)
            first = TurnResult(0, dialog.turns[0], None, None, None, error=reason)
            return DialogResult(dialog, [first])
    return run_dialog(dialog, transport, factory, Session(stem=identity.session_stem))


def run_dialog(
    dialog: Dialog,
    transport: Transport,
    factory: RequestFactory | None = None,
    session: Session | None = None,
) -> DialogResult:
    """Send every turn, carry the session as Alexa would, check each turn's expectations."""
    factory = factory or RequestFactory(
        dialog.locale, clock=dialog_clock(dialog), device=dialog.device
    )
    session = session or Session()
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
