"""A recorded request as the dialog turn a person would write: `launch`, `say`, `intent` + `slots`
or `session_end`, but only when replaying that turn sends the same request again.

`say:` is chosen only when one of the intent's samples (or a built-in phrase), filled with the
request's slot values, goes through the interaction model back to that intent and those values,
so the words in a recording are never a guess. They are the first such sample, not necessarily
the user's own words: Alexa sends the intent, never what was said. Otherwise an intent the model
knows is written as `intent:` + `slots:`; anything else (an intent the model lacks, an AudioPlayer
event, an unknown session end) can only be replayed from its recorded file.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from functools import cache
from typing import Any

from shared.matcher import BUILTIN_PHRASES, Matcher
from shared.model import MODELS_DIR, load_model
from skill.dialogs.model import SESSION_END_ERROR_TYPES, SESSION_END_REASONS

_SLOT = re.compile(r"\{(\w+)\}")


@cache
def _builtin_phrases() -> dict[str, tuple[str, ...]]:
    data = tomllib.loads(BUILTIN_PHRASES.read_text(encoding="utf-8"))
    return {intent: tuple(phrases) for intent, phrases in data.items()}


def has_model(locale: str) -> bool:
    """Only a locale's own model can tell what its users said (no fallback to another)."""
    return (MODELS_DIR / f"{locale}.json").is_file()


def slot_values(intent: Mapping[str, Any]) -> dict[str, str]:
    """The slots the user filled, by name (Alexa also sends the intent's empty slots)."""
    slots = intent.get("slots") or {}
    if not isinstance(slots, Mapping):
        return {}
    return {
        str(name): str(slot["value"])
        for name, slot in slots.items()
        if isinstance(slot, Mapping) and slot.get("value") not in (None, "")
    }


def _fill(sample: str, values: Mapping[str, str]) -> str | None:
    """The sample with its slots filled; None unless it names exactly the filled slots."""
    if set(_SLOT.findall(sample)) != set(values):
        return None
    return _SLOT.sub(lambda found: values[found.group(1)], sample)


def words_for(locale: str, name: str, values: Mapping[str, str]) -> str | None:
    """What the user can say for this intent and these slot values, checked by matching it."""
    matcher = Matcher.for_locale(locale)
    intent = load_model(locale).intents.get(name)
    samples = (*(intent.samples if intent else ()), *_builtin_phrases().get(name, ()))
    for sample in samples:
        text = _fill(sample, values)
        match = matcher.match_exact(text) if text else None
        if match and match.intent == name and _values(match.slots) == dict(values):
            return text
    return None


def _values(slots: Mapping[str, Any]) -> dict[str, str]:
    return {name: str(slot.value) for name, slot in slots.items()}


def _intent_turn(locale: str, request: Mapping[str, Any]) -> dict[str, Any] | None:
    intent = request.get("intent")
    if not isinstance(intent, Mapping) or not isinstance(intent.get("name"), str):
        return None
    name, values = intent["name"], slot_values(intent)
    known = load_model(locale).intents.get(name)
    if known is None or not set(values) <= set(known.slots):
        return None
    words = words_for(locale, name, values)
    if words is not None:
        return {"say": words}
    return {"intent": name, "slots": values} if values else {"intent": name}


def _session_end_turn(request: Mapping[str, Any]) -> dict[str, Any] | None:
    reason = request.get("reason")
    if reason not in SESSION_END_REASONS:
        return None
    turn: dict[str, Any] = {"session_end": reason}
    error = request.get("error")
    if isinstance(error, Mapping):
        if error.get("type") not in SESSION_END_ERROR_TYPES:
            return None
        turn["error"] = {str(k): str(v) for k, v in error.items()}
    return turn


def readable_turn(locale: str, request: Mapping[str, Any]) -> dict[str, Any] | None:
    """The turn for one recorded `request` body, or None when only its file can replay it."""
    kind = request.get("type")
    if kind == "LaunchRequest":
        return {"launch": True}
    if kind == "SessionEndedRequest":
        return _session_end_turn(request)
    if kind == "IntentRequest" and has_model(locale):
        return _intent_turn(locale, request)
    if kind == "Alexa.Presentation.APL.UserEvent":
        return _touch_turn(request)
    return None


def _touch_turn(request: Mapping[str, Any]) -> dict[str, Any] | None:
    """A button's tap, as `touch: <action>` when it is one of the screens' buttons."""
    from skill.apl.touch import TOUCH_EVENTS

    arguments = request.get("arguments")
    action = arguments[0] if isinstance(arguments, list) and len(arguments) == 1 else None
    return {"touch": action} if action in TOUCH_EVENTS else None
