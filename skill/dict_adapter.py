"""Profiles kept by any ask-sdk persistence adapter that stores a dict per user (DynamoDB, S3).

For skills hosted on AWS Lambda: wrap ask-sdk's DynamoDbAdapter and the handlers work unchanged.
Each save reads the stored profile, applies the effects and writes it back; unlike the SQL store
this is last-writer-wins, which is fine for one person talking to one device at a time.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_model import RequestEnvelope

from shared.effects import apply_effects
from shared.profile import Profile
from shared.storage.codec import effects_from_json

log = logging.getLogger(__name__)


class DictProfileAdapter(AbstractPersistenceAdapter):
    def __init__(self, inner: AbstractPersistenceAdapter) -> None:
        self.inner = inner

    def _stored(self, envelope: RequestEnvelope) -> Profile | None:
        try:
            data = self.inner.get_attributes(envelope) or {}
            return Profile.from_dict(data["profile"]) if data.get("profile") else None
        except Exception as error:  # the store's own errors vary by service; never fail a turn
            log.warning("progress not loaded: %s", error)
            return None

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        profile = self._stored(request_envelope)
        return {"profile": profile} if profile else {}

    def save_attributes(
        self, request_envelope: RequestEnvelope, attributes: dict[str, Any]
    ) -> None:
        pending = attributes.pop("pending_effects", None) or []
        if not pending:
            return
        try:
            effects = effects_from_json(pending)
            timestamp = getattr(request_envelope.request, "timestamp", None)
            today = (timestamp or datetime.now(UTC)).date()
            profile = apply_effects(self._stored(request_envelope), effects, today)
            if profile is None:
                self.inner.delete_attributes(request_envelope)
            else:
                self.inner.save_attributes(request_envelope, {"profile": profile.to_dict()})
        except Exception as error:  # as above: log, and let the conversation go on
            log.warning("progress not saved: %s", error)

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        try:
            self.inner.delete_attributes(request_envelope)
        except Exception as error:
            log.warning("progress not deleted: %s", error)
