"""Building the request JSON Alexa would send for a dialog turn, and carrying the session.

Requests look like the real thing (context.System with apiAccessToken and supportedInterfaces, slot
resolutions with ER_SUCCESS_MATCH / ER_SUCCESS_NO_MATCH), because a skill tested on toy requests
fails on real ones. Utterances go through the interaction model: one it does not cover is an error.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from shared.locales import DEFAULT_LOCALE
from shared.matcher import Matcher
from shared.model import load_model
from skill.dialogs.devices import DEFAULT_DEVICE, DEVICES
from skill.dialogs.model import DialogError, Turn
from skill.dialogs.nlu import FALLBACK, FALLBACK_INTENT, STRICT, uncovered

SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
USER_ID = "amzn1.ask.account.DIALOG-USER"
DEVICE_ID = "amzn1.ask.device.DIALOG-DEVICE"
SESSION_STEM = "amzn1.echo-api.session.DIALOG-SESSION"
REQUEST_STEM = "amzn1.echo-api.request.DIALOG"
API_TOKEN = "DIALOG-API-ACCESS-TOKEN"
API_ENDPOINT = "https://api.amazonalexa.com"


@dataclass
class Session:
    """What Alexa carries from one turn to the next: the session id, `new`, and its attributes."""

    number: int = 0
    new: bool = True
    attributes: dict[str, Any] = field(default_factory=dict)
    stem: str = SESSION_STEM  # over HTTP unique to the dialog and run: see runner.Identity
    screen_token: str | None = None  # the APL document on screen, which a touch comes from

    @property
    def session_id(self) -> str:
        return f"{self.stem}-{self.number}"

    def after(self, envelope: Mapping[str, Any] | None, ended: bool) -> None:
        """Update from the skill's answer: attributes carry on, an ended session starts afresh."""
        directives = ((envelope or {}).get("response") or {}).get("directives") or []
        for directive in directives:
            if directive.get("type") == "Alexa.Presentation.APL.RenderDocument":
                self.screen_token = directive.get("token")
        if ended:
            self.number, self.new, self.attributes = self.number + 1, True, {}
            return
        self.new = False
        self.attributes = dict((envelope or {}).get("sessionAttributes") or {})


def _utc_timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class RequestFactory:
    """Makes requests for one dialog: stable ids, the dialog's locale, an injectable clock."""

    def __init__(
        self,
        locale: str = DEFAULT_LOCALE,
        *,
        skill_id: str = SKILL_ID,
        user_id: str = USER_ID,
        device_id: str = DEVICE_ID,
        request_stem: str = REQUEST_STEM,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        device: str = DEFAULT_DEVICE,
    ) -> None:
        self.locale = locale
        self.interfaces, self.viewport = DEVICES[device]  # devices.py: what it says it can do
        self.skill_id = skill_id
        self.user_id = user_id
        self.device_id = device_id
        self.request_stem = request_stem
        self.clock = clock
        self.model = load_model(locale)
        self.matcher = Matcher.for_locale(locale)  # built once per locale: it costs 6 ms
        self._count = 0

    def _request_id(self) -> str:
        self._count += 1
        return f"{self.request_stem}-{self._count:04d}"

    def envelope(self, session: Session, request: dict[str, Any]) -> dict[str, Any]:
        application = {"applicationId": self.skill_id}
        user = {"userId": self.user_id}
        body = {
            "type": request.pop("type"),
            "requestId": self._request_id(),
            "timestamp": _utc_timestamp(self.clock()),
            "locale": self.locale,
            **request,
        }
        context: dict[str, Any] = {
            "System": {
                "application": application,
                "user": user,
                "device": {
                    "deviceId": self.device_id,
                    "supportedInterfaces": copy.deepcopy(self.interfaces),
                },
                "apiEndpoint": API_ENDPOINT,
                "apiAccessToken": API_TOKEN,
            },
        }
        if self.viewport is not None:
            context["Viewport"] = copy.deepcopy(self.viewport)
        return {
            "version": "1.0",
            "session": {
                "new": session.new,
                "sessionId": session.session_id,
                "application": application,
                "attributes": copy.deepcopy(session.attributes),
                "user": user,
            },
            "context": context,
            "request": body,
        }

    def _slot(self, name: str, spoken: str) -> dict[str, Any]:
        slot: dict[str, Any] = {
            "name": name,
            "value": spoken,
            "confirmationStatus": "NONE",
            "source": "USER",
        }
        intent_slots = {n: t for i in self.model.intents.values() for n, t in i.slots.items()}
        slot_type = intent_slots.get(name, "")
        if slot_type.startswith("AMAZON."):
            return slot
        resolved = self.model.resolve(slot_type, spoken)
        authority = f"amzn1.er-authority.echo-sdk.{self.skill_id}.{slot_type}"
        resolution: dict[str, Any] = {"authority": authority}
        if resolved is None:
            resolution["status"] = {"code": "ER_SUCCESS_NO_MATCH"}
        else:
            resolution["status"] = {"code": "ER_SUCCESS_MATCH"}
            resolution["values"] = [{"value": {"name": resolved.name, "id": resolved.id}}]
        slot["resolutions"] = {"resolutionsPerAuthority": [resolution]}
        return slot

    def intent(self, session: Session, name: str, slots: Mapping[str, str]) -> dict[str, Any]:
        request = {
            "type": "IntentRequest",
            "dialogState": "COMPLETED",
            "intent": {
                "name": name,
                "confirmationStatus": "NONE",
                "slots": {slot: self._slot(slot, value) for slot, value in slots.items()},
            },
        }
        return self.envelope(session, request)

    def utterance(self, session: Session, text: str, nlu: str = STRICT) -> dict[str, Any]:
        """The IntentRequest the interaction model would produce. Words it does not cover fail
        loudly, or with `nlu="fallback"` go as AMAZON.FallbackIntent, as Alexa sends them."""
        match = self.matcher.match_exact(text)
        if match is None and nlu == FALLBACK:
            return self.intent(session, FALLBACK_INTENT, {})
        if match is None:
            raise DialogError(uncovered(self.locale, text))
        return self.intent(session, match.intent, {n: s.value for n, s in match.slots.items()})

    def launch(self, session: Session) -> dict[str, Any]:
        return self.envelope(session, {"type": "LaunchRequest"})

    def touch(self, session: Session, action: str, token: str | None) -> dict[str, Any]:
        """A tap on a screen's button: the UserEvent its SendEvent makes, from the document
        with `token` (the one on screen)."""
        request = {
            "type": "Alexa.Presentation.APL.UserEvent",
            "token": token or "",
            "arguments": [action],
            "source": {"type": "TouchWrapper", "handler": "Press", "id": "", "value": False},
            "components": {},
        }
        return self.envelope(session, request)

    def session_ended(
        self, session: Session, reason: str, error: Mapping[str, str] | None
    ) -> dict[str, Any]:
        request: dict[str, Any] = {"type": "SessionEndedRequest", "reason": reason}
        if reason == "ERROR":
            request["error"] = dict(error or {"type": "INTERNAL_SERVICE_ERROR", "message": "test"})
        return self.envelope(session, request)

    def recorded(self, session: Session, raw: Mapping[str, Any]) -> dict[str, Any]:
        """A recorded request replayed in this dialog's session: a fresh id and timestamp, and
        the dialog's user, device id and skill (so a starting profile applies, and over HTTP no
        dialog shares anything with another), the recorded device's interfaces and the recorded
        user's permissions kept (a reminder dialog replays a user who granted them)."""
        request = copy.deepcopy(dict(raw["request"]))
        for key in ("requestId", "timestamp", "locale"):
            request.pop(key, None)
        envelope = self.envelope(session, request)
        recorded_system = (raw.get("context") or {}).get("System")
        if isinstance(recorded_system, dict):
            ours = envelope["context"]["System"]
            # the dialog's user, with what the recorded one carried (permissions granted)
            recorded_user = recorded_system.get("user")
            user = {**(recorded_user if isinstance(recorded_user, dict) else {}), **ours["user"]}
            system = {**copy.deepcopy(recorded_system), "user": copy.deepcopy(user)}
            envelope["context"] = {**copy.deepcopy(dict(raw["context"])), "System": system}
            system["application"] = ours["application"]
            if isinstance(system.get("device"), dict):
                system["device"]["deviceId"] = self.device_id
        return envelope

    def for_turn(self, session: Session, turn: Turn) -> dict[str, Any]:
        """The request for any kind of turn."""
        if turn.kind == "say":
            return self.utterance(session, turn.text or "", turn.nlu)
        if turn.kind == "intent":
            return self.intent(session, turn.intent or "", turn.slots)
        if turn.kind == "session_end":
            return self.session_ended(session, turn.reason, turn.error)
        if turn.kind == "touch":
            return self.touch(session, turn.action or "", session.screen_token)
        if turn.kind == "request" and turn.request_file is not None:
            try:
                raw = json.loads(turn.request_file.read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise DialogError(f"{turn.request_file}: not a request: {error}") from error
            if not isinstance(raw, dict) or not isinstance(raw.get("request"), dict):
                raise DialogError(f"{turn.request_file}: not an Alexa request envelope")
            return self.recorded(session, raw)
        return self.launch(session)
