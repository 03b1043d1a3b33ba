"""`serve --record DIR`: write each session's verified requests and answers as a replayable dialog.

Personal identifiers (user, device, person, session and request ids, access tokens) are replaced by
stable placeholders before anything touches the disk: recordings end up in repositories.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from shared.locales import DEFAULT_LOCALE
from skill.dialogs.update import expectations_from

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
    exchanges: list[tuple[dict[str, Any], dict[str, Any] | None]] = field(default_factory=list)


class DialogRecorder:
    """Collects exchanges per Alexa session and writes a dialog file when the session ends."""

    def __init__(self, directory: Path, clock: Callable[[], datetime] = lambda: datetime.now(UTC)):
        self.directory = directory
        self.clock = clock
        self._sessions: dict[str, _Session] = {}
        self._lock = threading.Lock()
        self._written = 0

    def record(self, envelope: dict[str, Any], response: dict[str, Any] | None) -> Path | None:
        """Add one verified request and its answer; returns the dialog file when this ended it."""
        session_id = str((envelope.get("session") or {}).get("sessionId") or "no-session")
        request = envelope.get("request") or {}
        ended = request.get("type") == "SessionEndedRequest" or bool(
            ((response or {}).get("response") or {}).get("shouldEndSession")
        )
        with self._lock:
            session = self._sessions.setdefault(
                session_id, _Session(self.clock(), str(request.get("locale") or DEFAULT_LOCALE))
            )
            session.exchanges.append((envelope, response))
            if not ended:
                return None
            del self._sessions[session_id]
            self._written += 1
            number = self._written
        return self._write(session, number)

    def flush(self) -> list[Path]:
        """Write sessions still open (at shutdown), so nothing recorded is lost."""
        with self._lock:
            pending, self._sessions = list(self._sessions.values()), {}
            start = self._written
            self._written += len(pending)
        return [self._write(s, start + i + 1) for i, s in enumerate(pending)]

    def _write(self, session: _Session, number: int) -> Path:
        stamp = session.started.strftime("%Y%m%d-%H%M%S")
        folder = self.directory / f"session-{stamp}-{number:03d}"
        (folder / "requests").mkdir(parents=True, exist_ok=True)
        scrubber = Scrubber()
        turns = []
        for index, (envelope, response) in enumerate(session.exchanges, start=1):
            name = f"requests/turn-{index:02d}.json"
            clean = scrubber.scrub(envelope)
            (folder / name).write_text(
                json.dumps(clean, indent=2, sort_keys=True) + "\n", encoding="utf-8"
            )
            turn: dict[str, Any] = {"request": name}
            expect = expectations_from(200, scrubber.scrub(response) if response else None)
            if expect and envelope.get("request", {}).get("type") != "SessionEndedRequest":
                turn["expect"] = expect
            turns.append(turn)
        document = {
            "name": f"recorded session {stamp} #{number}",
            "locale": session.locale,
            "today": session.started.date().isoformat(),
            "turns": turns,
        }
        path = folder / "dialog.yaml"
        path.write_text(yaml.safe_dump(document, sort_keys=False, width=100), encoding="utf-8")
        log.info("recorded a dialog of %d turns to %s", len(turns), path)
        return path
