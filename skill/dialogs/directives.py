"""Directive expectations: the directives of a response, in order, each by type and, optionally, a
subset of its content.

    directives:
      - Dialog.Delegate
      - {type: Dialog.ElicitSlot, slotToElicit: area, updatedIntent: {name: ChooseAreaIntent}}

The fields an expectation names are checked against ask-sdk-model's description of that directive
(the SDK the skill builds its responses with), at any depth it describes, so `slotToElict` is a load
error with a hint instead of an expectation that never holds. Content matches as a subset.
"""

from __future__ import annotations

import enum
import importlib
import re
from collections.abc import Mapping
from dataclasses import replace
from functools import cache
from typing import Any

from skill.dialogs.errors import Where, did_you_mean

_CONTAINER = re.compile(r"^(?:dict\(str, (?P<value>.+)\)|list\[(?P<item>.+)\])$")


@cache
def _model_class(dotted: str) -> type | None:
    """An ask-sdk-model class by its dotted name; None for a plain type ('str', 'object')."""
    module, _, name = dotted.rpartition(".")
    if not module.startswith("ask_sdk_model"):
        return None
    found = getattr(importlib.import_module(module), name, None)
    return found if isinstance(found, type) else None


def _directive_types() -> dict[str, str]:
    from ask_sdk_model.directive import Directive

    return dict(Directive.discriminator_value_class_map)


def _concrete(cls: type, content: Mapping[Any, Any]) -> type | None:
    """The subclass a polymorphic model names by its `type`; None when it cannot be told."""
    kinds: dict[str, str] = getattr(cls, "discriminator_value_class_map", None) or {}
    if not kinds:
        return cls
    chosen = kinds.get(str(content.get("type")))
    return _model_class(chosen) if chosen else None


def _check_value(declared: str, value: Any, where: Where) -> None:
    """Check `value` against a type ask-sdk-model declares: dict(str, X), list[X] or a class."""
    container = _CONTAINER.match(declared)
    if container and container["value"] and isinstance(value, Mapping):
        for key, item in value.items():
            _check_value(container["value"], item, where.inside(str(key), value, key))
    elif container and container["item"] and isinstance(value, list):
        for index, item in enumerate(value):
            _check_value(container["item"], item, where.at(value, index))
    elif isinstance(value, Mapping):
        cls = _model_class(declared)
        if cls is not None and not issubclass(cls, enum.Enum):
            _check_object(cls, value, where)


def _check_object(cls: type, content: Mapping[Any, Any], where: Where) -> None:
    """The keys of `content` are fields of the model class (by their JSON names), recursively."""
    concrete = _concrete(cls, content)
    if concrete is None:
        return
    fields: dict[str, str] = getattr(concrete, "attribute_map", {})
    types: dict[str, str] = getattr(concrete, "deserialized_types", {})
    by_json = {json_name: types.get(name, "object") for name, json_name in fields.items()}
    for key, value in content.items():
        if str(key) not in by_json:
            raise where.at(content, key).error(
                f"{concrete.__name__} has no field {str(key)!r}{did_you_mean(str(key), by_json)}; "
                f"its fields: {', '.join(by_json)}"
            )
        _check_value(by_json[str(key)], value, where.inside(str(key), content, key))


def check_directives(expected: Any, where: Where) -> None:
    """A list of directive types, or of mappings with a known `type` and fields it has."""
    if not isinstance(expected, list):
        raise where.error("'directives' must be a list of directive types or mappings")
    known = _directive_types()
    for index, item in enumerate(expected):
        place = replace(where.at(expected, index), label=f"{where.label}[{index + 1}]")
        content: Mapping[Any, Any] = item if isinstance(item, Mapping) else {"type": item}
        kind = content.get("type")
        if not isinstance(kind, str) or kind not in known:
            hint = did_you_mean(str(kind), known) if isinstance(kind, str) else ""
            raise place.error(f"a directive needs a known type, not {kind!r}{hint}")
        cls = _model_class(known[kind])
        if cls is not None:
            _check_object(cls, content, place)
