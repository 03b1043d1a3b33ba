"""`serve --record DIR`: write each session's requests and answers as a replayable dialog.

A recording is a folder per session: `dialog.yaml` reads the way a person writes a dialog (what
the user said as `say:` when the interaction model turns those words back into the same request,
else `intent:` + `slots:`; the user's profile as the session began and the day, so a returning
user replays as one), and `requests/turn-NN.json` keeps each request exactly, named beside its
turn, for `request:` replay. Sessions are kept apart by session id, and a request that starts a
session anew (`session.new`) begins a new recording even when its id was seen before.

Personal identifiers (user, device, person, session and request ids, access tokens) are replaced by
stable placeholders before anything touches the disk: recordings end up in repositories.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from shared.locales import DEFAULT_LOCALE
from shared.profile import Profile
from skill.dialogs.devices import DEFAULT_DEVICE, device_of
from skill.dialogs.expect import Answer
from skill.dialogs.readable import readable_turn

log = logging.getLogger(__name__)

# Keys whose values identify a person, a device or a session, and the placeholder stem for each.
_PERSONAL_KEYS = {
    "userId": "amzn1.ask.account.RECORDED-USER",
    "deviceId": "amzn1.ask.device.RECORDED-DEVICE",
    "personId": "amzn1.ask.person.RECORDED-PERSON",
    "sessionId": "amzn1.echo-api.session.RECORDED-SESSION",
    "requestId": "amzn1.echo-api.request.RECORDED-REQUEST",
    "apiAccessToken": "RECORDED-API-ACCESS-TOKEN",
    "accessToken": "RECORDED-ACCESS-TOKEN",
    "consentToken": "RECORDED-CONSENT-TOKEN",
}
# A session record's values that say nothing, left out so a recorded profile reads like one
# written by hand.
_RECORD_DEFAULTS: dict[str, Any] = {
    "pain_reports": 0,
    "pain_stretch": None,
    "feelings": [],
    "stopped_for": None,
}

ProfileLoader = Callable[[], Profile | None]


class Scrubber:
    """Replaces identifiers with numbered placeholders; a value keeps its placeholder throughout."""

    def __init__(self) -> None:
        self._seen: dict[str, str] = {}
        self._counts: dict[str, int] = {}

    def placeholder(self, key: str, value: str) -> str:
        if value not in self._seen:
            self._counts[key] = self._counts.get(key, 0) + 1
            self._seen[value] = f"{_PERSONAL_KEYS[key]}-{self._counts[key]}"
        return self._seen[value]

    def scrub(self, data: Any) -> Any:
        if isinstance(data, dict):
            return {
                k: self.placeholder(k, v)
                if k in _PERSONAL_KEYS and isinstance(v, str)
                else self.scrub(v)
                for k, v in data.items()
            }
        if isinstance(data, list):
            return [self.scrub(item) for item in data]
        if isinstance(data, str) and self._seen:  # an identifier repeated inside some other text
            return _replace_all(data, self._seen)
        return data


def _replace_all(text: str, mapping: dict[str, str]) -> str:
    pattern = re.compile("|".join(re.escape(k) for k in sorted(mapping, key=len, reverse=True)))
    return pattern.sub(lambda m: mapping[m.group(0)], text)


@dataclass
class _Session:
    started: datetime
    locale: str
    profile: Profile | None
    begun_by: str | None = None  # the request id begin() opened it for
    exchanges: list[tuple[dict[str, Any], dict[str, Any] | None]] = field(default_factory=list)


def _session_of(envelope: Mapping[str, Any]) -> tuple[str, bool]:
    session = envelope.get("session") or {}
    return str(session.get("sessionId") or "no-session"), bool(session.get("new"))


def _request_of(envelope: Mapping[str, Any]) -> dict[str, Any]:
    request = envelope.get("request")
    return request if isinstance(request, dict) else {}


def _moment(request: Mapping[str, Any], clock: Callable[[], datetime]) -> datetime:
    """When the request was made, by its own timestamp (the skill dates everything by it)."""
    try:
        return datetime.fromisoformat(str(request["timestamp"]))
    except (KeyError, ValueError):
        return clock()


def _ends(envelope: Mapping[str, Any], response: Mapping[str, Any] | None) -> bool:
    if _request_of(envelope).get("type") == "SessionEndedRequest":
        return True
    return bool(((response or {}).get("response") or {}).get("shouldEndSession"))


class DialogRecorder:
    """Collects exchanges per Alexa session and writes a dialog folder when the session ends."""

    def __init__(self, directory: Path, clock: Callable[[], datetime] = lambda: datetime.now(UTC)):
        self.directory = directory
        self.clock = clock
        self._sessions: dict[str, _Session] = {}
        self._lock = threading.Lock()
        self._written = 0

    def _open(self, envelope: Mapping[str, Any], profile: Profile | None) -> _Session:
        request = _request_of(envelope)
        locale = str(request.get("locale") or DEFAULT_LOCALE)
        return _Session(_moment(request, self.clock), locale, profile)

    def begin(self, envelope: dict[str, Any], load_profile: ProfileLoader) -> Path | None:
        """Told of a request before the skill answers it. A request that starts a session opens
        a recording with the user's profile as it is now; a session that had begun with the same
        id before is written out first. Returns that earlier recording's file, if any."""
        session_id, new = _session_of(envelope)
        with self._lock:
            if session_id in self._sessions and not new:
                return None
        session = self._open(envelope, load_profile())
        session.begun_by = str(_request_of(envelope).get("requestId") or "")
        with self._lock:
            earlier = self._sessions.pop(session_id, None)
            self._sessions[session_id] = session
        return self._write_numbered(earlier) if earlier else None

    def record(self, envelope: dict[str, Any], response: dict[str, Any] | None) -> Path | None:
        """Add one request and its answer; returns the dialog file when this ended the session.
        Without begin() a request that starts a session opens a recording with no profile."""
        session_id, new = _session_of(envelope)
        request_id = str(_request_of(envelope).get("requestId") or "")
        earlier = None
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None or (new and session.begun_by != request_id):
                earlier, session = session, self._open(envelope, None)
                self._sessions[session_id] = session
            session.begun_by = None
            session.exchanges.append((envelope, response))
            ended = _ends(envelope, response)
            if ended:
                del self._sessions[session_id]
        if earlier is not None:
            self._write_numbered(earlier)
        return self._write_numbered(session) if ended else None

    def flush(self) -> list[Path]:
        """Write sessions still open (at shutdown), so nothing recorded is lost."""
        with self._lock:
            pending, self._sessions = list(self._sessions.values()), {}
        return [self._write_numbered(s) for s in pending if s.exchanges]

    def _write_numbered(self, session: _Session) -> Path:
        with self._lock:
            self._written += 1
            number = self._written
        return write_recording(self.directory, session, number)


def write_recording(directory: Path, session: _Session, number: int) -> Path:
    """The session's folder: requests/turn-NN.json and dialog.yaml."""
    stamp = session.started.strftime("%Y%m%d-%H%M%S")
    folder = directory / f"session-{stamp}-{number:03d}"
    (folder / "requests").mkdir(parents=True, exist_ok=True)
    scrubber = Scrubber()
    turns = CommentedSeq()
    for index, (envelope, response) in enumerate(session.exchanges, start=1):
        name = f"requests/turn-{index:02d}.json"
        clean = scrubber.scrub(envelope)
        text = json.dumps(clean, indent=2, sort_keys=True) + "\n"
        (folder / name).write_text(text, encoding="utf-8")
        turns.append(_turn(session.locale, _request_of(clean), name, response, scrubber))
    document = CommentedMap()
    document["name"] = f"recorded session {stamp} #{number}"
    document["locale"] = session.locale
    document["today"] = session.started.date().isoformat()
    device = device_of(session.exchanges[0][0]) if session.exchanges else DEFAULT_DEVICE
    if device != DEFAULT_DEVICE:  # its taps replay on a device that has the buttons
        document["device"] = device
    if session.profile is not None:
        document["profile"] = _profile_document(session.profile)
    document["turns"] = turns
    path = folder / "dialog.yaml"
    with path.open("w", encoding="utf-8") as stream:
        _yaml().dump(document, stream)
    log.info("recorded a dialog of %d turns to %s", len(turns), path)
    return path


def _yaml() -> YAML:
    writer = YAML()
    writer.width = 4096  # one line per expectation: recordings are read in diffs and grepped
    writer.indent(mapping=2, sequence=4, offset=2)
    return writer


def _turn(
    locale: str,
    request: Mapping[str, Any],
    name: str,
    response: dict[str, Any] | None,
    scrubber: Scrubber,
) -> CommentedMap:
    """The readable turn, its request file named beside it; the file itself when nothing else
    would send the same request."""
    readable = readable_turn(locale, request)
    turn = CommentedMap()
    if readable is None:
        turn["request"] = name
    else:
        for key, value in readable.items():
            turn[key] = _said(value) if key == "say" else value
        first = next(iter(readable))
        turn.yaml_add_eol_comment(f"request: {name}", first)
    expect = expectations_from(scrubber.scrub(response) if response else None)
    if expect and request.get("type") != "SessionEndedRequest":
        turn["expect"] = expect
    return turn


def _said(text: str) -> str:
    """Quoted when a YAML 1.1 reader would take the words for something else (no, off, 10)."""
    return text if yaml.safe_load(text) == text else DoubleQuotedScalarString(text)


def expectations_from(response: dict[str, Any] | None) -> dict[str, Any] | None:
    """What the skill answered, as an `expect` block (None when there was no answer)."""
    if not response:
        return None
    answer = Answer.from_envelope(response)
    expect: dict[str, Any] = {"speech": answer.speech.text}
    if answer.reprompt.text:
        expect["reprompt"] = answer.reprompt.text
    expect["session_ends"] = answer.session_ends
    if answer.speech.breaks:
        expect["breaks"] = {"count": len(answer.speech.breaks), "total": answer.speech.break_total}
    if answer.card:
        expect["card"] = {"title": answer.card.get("title", "")}
    if answer.directives:
        expect["directives"] = [d.get("type") for d in answer.directives]
    return expect


def _profile_document(profile: Profile) -> CommentedMap:
    """The profile as a dialog's `profile:` block: values that say nothing left out, and each
    past session on one line."""
    data = profile.to_dict()
    document = CommentedMap((k, v) for k, v in data.items() if k != "sessions" and v is not None)
    sessions = CommentedSeq()
    for record in data["sessions"]:
        line = CommentedMap(
            (k, v)
            for k, v in record.items()
            if k not in _RECORD_DEFAULTS or v != _RECORD_DEFAULTS[k]
        )
        line.fa.set_flow_style()
        sessions.append(line)
    if sessions:
        document["sessions"] = sessions
    return document
