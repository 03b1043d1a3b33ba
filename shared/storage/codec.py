"""Effects as JSON, for effects that must leave the process (a queue, a log, a test's fixture).

Inside a request the skill no longer needs it: effects go from the engine's reply to the profile
gateway as dataclasses (skill/profiles.py). Decoding is strict: a malformed entry is refused,
never half-applied.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from shared.events import CueLevel, Feeling
from shared.profile import STOPPED_FOR_PAIN, STOPPED_FOR_SYMPTOM, SessionRecord
from shared.reply import (
    ClearScreening,
    DeleteProfile,
    Effect,
    MarkScreened,
    RecordSession,
    SaveCueLevel,
    SavePreferences,
    SaveWeeklyGoal,
)

_CUE_LEVELS = frozenset(level.value for level in CueLevel)
_FEELINGS = frozenset(feeling.value for feeling in Feeling)
_STOPPED_FOR = frozenset({STOPPED_FOR_PAIN, STOPPED_FOR_SYMPTOM})


def effect_to_json(effect: Effect) -> dict[str, Any]:
    """One effect as a JSON-able dict; an effect this codec does not know is a programming error."""
    if isinstance(effect, RecordSession):
        return {"type": "record_session", "record": effect.record.to_dict()}
    if isinstance(effect, SavePreferences):
        preferences = {"hold_seconds": effect.hold_seconds, "reps": effect.reps}
        return {"type": "save_preferences", **preferences}
    if isinstance(effect, SaveCueLevel):
        return {"type": "save_cue_level", "cue_level": effect.cue_level.value}
    if isinstance(effect, SaveWeeklyGoal):
        return {"type": "save_weekly_goal", "weekly_goal": effect.weekly_goal}
    if isinstance(effect, MarkScreened):
        return {"type": "mark_screened"}
    if isinstance(effect, ClearScreening):
        return {"type": "clear_screening"}
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
        if kind == "save_cue_level":
            return SaveCueLevel(_cue_level(item["cue_level"]))
        if kind == "save_weekly_goal":
            return SaveWeeklyGoal(_weekly_goal(item["weekly_goal"]))
        if kind == "mark_screened":
            return MarkScreened()
        if kind == "clear_screening":
            return ClearScreening()
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
    _check_outcome(data)
    return SessionRecord.from_dict(data)


def _check_outcome(data: dict[str, Any]) -> None:
    """The fields that say how a session went (issue 13), each absent or of its own type: a
    feeling or a reason to stop that the engine never gives would be misread on the next visit."""
    pain_stretch = data.get("pain_stretch")
    if pain_stretch is not None and (not isinstance(pain_stretch, str) or not pain_stretch):
        raise TypeError("pain_stretch must be an exercise id or null")
    feelings = data.get("feelings", [])
    if not isinstance(feelings, list | tuple) or not all(_is_feeling(f) for f in feelings):
        raise TypeError("feelings must be a list of [exercise id, feeling] pairs")
    if data.get("stopped_for") not in (None, *_STOPPED_FOR):
        raise ValueError(f"stopped_for must be one of {sorted(_STOPPED_FOR)} or null")
    levels = data.get("levels", [])
    if not isinstance(levels, list | tuple) or not all(_is_level(level) for level in levels):
        raise TypeError("levels must be a list of [exercise id, hold seconds, repetitions]")


def _is_level(item: Any) -> bool:
    """One [exercise id, hold seconds, repetitions] triple, the numbers whole and positive."""
    if not isinstance(item, list | tuple) or len(item) != 3:
        return False
    stretch, hold, reps = item
    counts = all(not isinstance(n, bool) and isinstance(n, int) and n > 0 for n in (hold, reps))
    return isinstance(stretch, str) and bool(stretch) and counts


def _is_feeling(pair: Any) -> bool:
    """One [exercise id, feeling] pair, the feeling one of shared.events.Feeling's values."""
    if not isinstance(pair, list | tuple) or len(pair) != 2:
        return False
    stretch, feeling = pair
    return (
        isinstance(stretch, str)
        and bool(stretch)
        and isinstance(feeling, str)
        and feeling in _FEELINGS
    )


def _cue_level(value: Any) -> CueLevel:
    """One of shared.events.CueLevel's values, exactly (a string, not a near miss): an effect
    that sets a level this release does not know is refused like any malformed entry. (A level
    already stored is read leniently instead: the store loads an unknown one as None.)"""
    if not isinstance(value, str) or value not in _CUE_LEVELS:
        raise ValueError(f"cue_level must be one of {sorted(_CUE_LEVELS)}")
    return CueLevel(value)


def _weekly_goal(value: Any) -> int:
    """Sessions a week: a whole number from 1 to 7."""
    goal = _count(value)
    if goal > 7:
        raise ValueError(f"{goal} sessions a week is more than one a day")
    return goal


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
