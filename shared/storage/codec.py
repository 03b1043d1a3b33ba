"""Effects as JSON, for effects that must leave the process (a queue, a log, a test's fixture).

Inside a request the skill no longer needs it: effects go from the engine's reply to the profile
gateway as dataclasses (skill/profiles.py). Decoding is strict: a malformed entry is refused,
never half-applied.
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
    if not isinstance(item, dict):
        raise ValueError(f"malformed effect {item!r}: not an object")
    kind = item.get("type")
    try:
        if kind == "record_session":
            return RecordSession(_record(item["record"]))
        if kind == "save_preferences":
            return SavePreferences(_count(item["hold_seconds"]), _count(item["reps"]))
        if kind == "mark_screened":
            return MarkScreened()
        if kind == "delete_profile":
            return DeleteProfile()
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        raise ValueError(f"malformed effect {item!r}: {error}") from error
    raise ValueError(f"unknown effect {kind!r} in {item!r}")


def _record(data: Any) -> SessionRecord:
    """A session record with every field of the type it must have: no guessing from strings."""
    if not isinstance(data, dict):
        raise TypeError("the record is not an object")
    stretches = data.get("stretches", [])
    if not isinstance(stretches, list | tuple) or not all(isinstance(s, str) for s in stretches):
        raise TypeError("stretches must be a list of exercise ids")
    if not isinstance(data["area"], str) or not data["area"]:
        raise TypeError("area must be a non-empty string")
    if not isinstance(data.get("completed", False), bool):
        raise TypeError("completed must be true or false")
    if not isinstance(data["day"], str):
        raise TypeError("day must be an ISO date string")
    _count(data.get("pain_reports", 0), minimum=0)
    return SessionRecord.from_dict(data)


def _count(value: Any, minimum: int = 1) -> int:
    """A whole number (not a bool, not a string) of at least `minimum`."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{value!r} is not a whole number of at least {minimum}")
    return value


def effects_from_json(data: Any) -> list[Effect]:
    """Decode a list of effects (ValueError for anything else, or for any bad entry)."""
    if not isinstance(data, list | tuple):
        raise ValueError(f"effects must be a list, not {type(data).__name__}")
    return [effect_from_json(item) for item in data]
