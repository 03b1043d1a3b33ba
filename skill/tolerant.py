"""Requests with values Amazon may add later: accepted and handled generically, never refused.

ask-sdk-model knows the request types and enum values of its release. Alexa adds more over
time (a new SessionEndedReason, a new kind of event), and the SDK refuses those outright, which
would turn a harmless novelty into a 400 for a real Alexa request. Before the envelope is read,
enum values the model does not know are dropped (the field reads as absent), and a request type
the model does not know is answered generically, with an empty response.
"""

from __future__ import annotations

import importlib
import logging
from enum import Enum
from functools import cache
from typing import Any

from ask_sdk_model.request import Request

log = logging.getLogger(__name__)
_MAX_DEPTH = 12  # envelopes are shallow; this only bounds a hostile one


def is_known_request_type(data: Any) -> bool:
    """Whether the envelope's request is of a type this SDK release can read. Something that
    does not look like an Alexa request at all (no version, no request id) counts as known:
    the envelope check refuses it with its reason."""
    request = data.get("request") if isinstance(data, dict) else None
    if not isinstance(request, dict) or "version" not in data:
        return True
    kind, request_id = request.get("type"), request.get("requestId")
    if not isinstance(kind, str) or not isinstance(request_id, str):
        return True
    return kind in Request.discriminator_value_class_map


def generic_answer() -> dict[str, Any]:
    """What an event of a type we do not know gets: acknowledged, nothing said."""
    return {"version": "1.0", "response": {}}


def without_unknown_enum_values(data: dict[str, Any]) -> dict[str, Any]:
    """A copy of the envelope without enum values the model does not know (others untouched)."""
    cleaned = _clean(data, "ask_sdk_model.request_envelope.RequestEnvelope", 0)
    return cleaned if isinstance(cleaned, dict) else data


def _clean(value: Any, type_name: str, depth: int) -> Any:
    if depth > _MAX_DEPTH:
        return value
    if type_name.startswith("list["):
        inner = type_name[5:-1]
        return [_clean(v, inner, depth + 1) for v in value] if isinstance(value, list) else value
    cls = _class(type_name)
    if cls is None:
        return value
    if issubclass(cls, Enum):
        if not isinstance(value, str | int) or isinstance(value, bool):
            return value  # not an enum value at all: the envelope check words the refusal
        return value if value in _values(cls) else _DROP
    if not isinstance(value, dict) or not hasattr(cls, "attribute_map"):
        return value
    cls = _child(cls, value)
    types: dict[str, str] = getattr(cls, "deserialized_types", {})
    keys: dict[str, str] = getattr(cls, "attribute_map", {})
    cleaned = dict(value)
    for attribute, key in keys.items():
        if key in cleaned and attribute in types:
            result = _clean(cleaned[key], types[attribute], depth + 1)
            if result is _DROP:
                log.info("dropped an unknown %s value: %r", types[attribute], cleaned[key])
                del cleaned[key]
            else:
                cleaned[key] = result
    return cleaned


_DROP = object()


def _child(cls: type, value: dict[str, Any]) -> type:
    """The subclass a discriminator names (a Request's "type"), else the class itself."""
    child_name = getattr(cls, "get_real_child_model", None)
    if child_name is None or not getattr(cls, "discriminator_value_class_map", None):
        return cls
    try:
        name = child_name(value)
    except Exception:  # no discriminator, or an odd one: the envelope check decides
        return cls
    child = _class(name) if isinstance(name, str) else None
    return child if child is not None else cls


@cache
def _class(type_name: str) -> type | None:
    if "." not in type_name:
        return None
    module_name, _, class_name = type_name.rpartition(".")
    try:
        found = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError):
        return None
    return found if isinstance(found, type) else None


@cache
def _values(cls: type[Enum]) -> frozenset[Any]:
    return frozenset(member.value for member in cls)
