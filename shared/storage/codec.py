"""Effects as JSON, so they can travel through ask-sdk's persistent attributes to the store.

The handlers put a reply's effects into the attributes; the persistence adapter decodes them and
applies them in one transaction. Decoding is strict: a malformed entry is refused, never half-saved.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from shared.profile import SessionRecord
from shared.reply import DeleteProfile, Effect, MarkScreened, RecordSession, SavePreferences


def effect_to_json(effect: Effect) -> dict[str, Any]:
    """One effect as a JSON-able dict; an effect this codec does not know is a programming error."""
    if isinstance(effect, RecordSession):
        return {"type": "record_session", "record": effect.record.to_dict()}
    if isinstance(effect, SavePreferences):
        preferences = {"hold_seconds": effect.hold_seconds, "reps": effect.reps}
        return {"type": "save_preferences", **preferences}
    if isinstance(effect, MarkScreened):
        return {"type": "mark_screened"}
    if isinstance(effect, DeleteProfile):
        return {"type": "delete_profile"}
    raise TypeError(f"no JSON form for the effect {effect!r}")


def effects_to_json(effects: Iterable[Effect]) -> list[dict[str, Any]]:
    return [effect_to_json(effect) for effect in effects]


def effect_from_json(item: Any) -> Effect:
    """Decode one effect; an unknown or malformed entry raises ValueError naming it."""
    kind = item.get("type") if isinstance(item, dict) else None
    try:
        if kind == "record_session":
            return RecordSession(SessionRecord.from_dict(item["record"]))
        if kind == "save_preferences":
            return SavePreferences(int(item["hold_seconds"]), int(item["reps"]))
        if kind == "mark_screened":
            return MarkScreened()
        if kind == "delete_profile":
            return DeleteProfile()
    except (KeyError, TypeError, AttributeError) as error:
        raise ValueError(f"malformed effect {item!r}: {error}") from error
    raise ValueError(f"unknown effect {kind!r}")


def effects_from_json(data: Any) -> list[Effect]:
    """Decode a list of effects (ValueError for anything else, or for any bad entry)."""
    if not isinstance(data, list | tuple):
        raise ValueError(f"effects must be a list, not {type(data).__name__}")
    return [effect_from_json(item) for item in data]
