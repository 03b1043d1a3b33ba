"""Effects as JSON, so they can travel through ask-sdk's persistent attributes to the store."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from shared.profile import SessionRecord
from shared.reply import DeleteProfile, Effect, MarkScreened, RecordSession, SavePreferences


def effects_to_json(effects: Iterable[Effect]) -> list[dict[str, Any]]:
    encoded: list[dict[str, Any]] = []
    for effect in effects:
        if isinstance(effect, RecordSession):
            encoded.append({"type": "record_session", "record": effect.record.to_dict()})
        elif isinstance(effect, SavePreferences):
            encoded.append(
                {
                    "type": "save_preferences",
                    "hold_seconds": effect.hold_seconds,
                    "reps": effect.reps,
                }
            )
        elif isinstance(effect, MarkScreened):
            encoded.append({"type": "mark_screened"})
        elif isinstance(effect, DeleteProfile):
            encoded.append({"type": "delete_profile"})
    return encoded


def effects_from_json(data: Iterable[dict[str, Any]]) -> list[Effect]:
    """Decode effects; an unknown or malformed entry raises ValueError naming it."""
    decoded: list[Effect] = []
    for item in data:
        kind = item.get("type") if isinstance(item, dict) else None
        try:
            if kind == "record_session":
                decoded.append(RecordSession(SessionRecord.from_dict(item["record"])))
            elif kind == "save_preferences":
                decoded.append(SavePreferences(int(item["hold_seconds"]), int(item["reps"])))
            elif kind == "mark_screened":
                decoded.append(MarkScreened())
            elif kind == "delete_profile":
                decoded.append(DeleteProfile())
            else:
                raise ValueError(f"unknown effect {kind!r}")
        except (KeyError, TypeError) as error:
            raise ValueError(f"malformed effect {item!r}: {error}") from error
    return decoded
