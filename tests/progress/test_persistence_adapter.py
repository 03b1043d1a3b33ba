"""The ask-sdk persistence adapter: keyed by a hash of the Alexa user id, never failing."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope
from sqlalchemy import text

from shared.reply import MarkScreened, SavePreferences
from shared.storage import SafeStore
from shared.storage.codec import effects_to_json
from skill.dialogs.requests import USER_ID, RequestFactory, Session
from skill.persistence import ProfilePersistenceAdapter, user_key


def _envelope() -> RequestEnvelope:
    raw = RequestFactory().launch(Session())
    return DefaultSerializer().deserialize(json.dumps(raw), RequestEnvelope)


def test_profiles_are_saved_and_read_under_a_hashed_id(tmp_path: Path) -> None:
    store = SafeStore.open(str(tmp_path / "p.sqlite3"))
    adapter = ProfilePersistenceAdapter(store)
    envelope = _envelope()
    assert adapter.get_attributes(envelope) == {}
    adapter.save_attributes(
        envelope, {"pending_effects": effects_to_json([SavePreferences(30, 4), MarkScreened()])}
    )
    profile = adapter.get_attributes(envelope)["profile"]
    assert (profile.hold_seconds, profile.reps) == (30, 4) and profile.screened_on
    fresh = ProfilePersistenceAdapter(store).get_attributes(envelope)[
        "profile"
    ]  # from the database
    assert fresh == profile
    with store.store.engine.connect() as connection:  # type: ignore[union-attr]
        ids = [row[0] for row in connection.execute(text("SELECT user_id FROM users"))]
    assert ids == [user_key(USER_ID)] and USER_ID not in ids[0]
    adapter.delete_attributes(envelope)
    assert adapter.get_attributes(envelope) == {}
    store.close()


def test_a_down_database_and_bad_effects_never_raise(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        adapter = ProfilePersistenceAdapter(
            SafeStore.open("postgresql://postgres@127.0.0.1:1/x", timeout=1)
        )
        envelope = _envelope()
        assert adapter.get_attributes(envelope) == {}
        adapter.save_attributes(envelope, {"pending_effects": effects_to_json([MarkScreened()])})
        working = ProfilePersistenceAdapter(SafeStore.open(str(tmp_path / "p.sqlite3")))
        working.save_attributes(envelope, {"pending_effects": [{"type": "explode"}]})
    assert "not saving malformed effects" in caplog.text
    assert working.get_attributes(envelope) == {}
    working.store.close()
