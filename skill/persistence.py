"""An ask-sdk persistence adapter backed by ProfileStore, keyed by a hash of the Alexa user id.

User ids are personal data, so only their SHA-256 is stored. Reading gives the handlers the profile;
saving applies the engine's pending effects in one transaction. A database that is down never
fails the response: SafeStore logs and carries on.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_model import RequestEnvelope

from shared.storage import SafeStore
from shared.storage.codec import effects_from_json

log = logging.getLogger(__name__)


def user_key(user_id: str) -> str:
    """What the store keys a user by: never the raw Alexa id."""
    return "alexa:" + hashlib.sha256(user_id.encode()).hexdigest()


def _user_id(envelope: RequestEnvelope) -> str | None:
    system = envelope.context.system if envelope.context else None
    if system and system.user and system.user.user_id:
        return system.user.user_id
    session = envelope.session
    return session.user.user_id if session and session.user else None


def _today(envelope: RequestEnvelope) -> Any:
    timestamp = getattr(envelope.request, "timestamp", None)
    return (timestamp or datetime.now(UTC)).date()


class ProfilePersistenceAdapter(AbstractPersistenceAdapter):
    def __init__(self, store: SafeStore) -> None:
        self.store = store

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        user_id = _user_id(request_envelope)
        profile = self.store.load(user_key(user_id)) if user_id else None
        return {"profile": profile.to_dict()} if profile else {}

    def save_attributes(
        self, request_envelope: RequestEnvelope, attributes: dict[str, Any]
    ) -> None:
        user_id = _user_id(request_envelope)
        pending = attributes.pop("pending_effects", None) or []
        if not user_id or not pending:
            return
        try:
            effects = effects_from_json(pending)
        except ValueError as error:
            log.warning("not saving malformed effects: %s", error)
            return
        self.store.apply(user_key(user_id), effects, _today(request_envelope))

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        user_id = _user_id(request_envelope)
        if user_id:
            self.store.delete(user_key(user_id))
