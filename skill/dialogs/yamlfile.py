"""Reading a dialog file with the line of every key and item, and handing the rest of the tool
plain data.

PyYAML's node marks give the lines: its mappings and lists are built here as `Placed` dict and
list subclasses that remember where each key or item was written, so an error can point at the
offending key. The C parser (libyaml) is used when present: a dialog loads in a fraction of a
millisecond, which matters when a library of them replays a hundred a second. A key written twice
in one mapping, which YAML would silently let the last one win, is refused at its line.
`plain` turns the result into dict and list again.
"""

from __future__ import annotations

from collections.abc import Hashable
from pathlib import Path
from typing import Any

import yaml

from skill.dialogs.errors import DialogError

_BASE: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class PlacedDict(dict[Any, Any]):
    """A mapping read from a file: `line` of the mapping, `lines[key]` of each key (1-based)."""

    line: int = 0
    lines: dict[Any, int]


class PlacedList(list[Any]):
    """A list read from a file: `line` of the list, `lines[index]` of each item (1-based)."""

    line: int = 0
    lines: dict[Any, int]


class _Loader(_BASE):  # type: ignore[misc, valid-type]
    """The safe loader, building Placed containers."""


def _mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> Any:
    data = PlacedDict()
    data.line, data.lines = node.start_mark.line + 1, {}
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, Hashable):
            raise yaml.constructor.ConstructorError(
                None,
                None,
                "a key must be a name or number, not a list or mapping",
                key_node.start_mark,
            )
        if key in data.lines:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {key!r} (first on line {data.lines[key]})",
                key_node.start_mark,
            )
        data.lines[key] = key_node.start_mark.line + 1
        data[key] = loader.construct_object(value_node, deep=True)


def _sequence(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> Any:
    data = PlacedList()
    data.line = node.start_mark.line + 1
    data.lines = {i: item.start_mark.line + 1 for i, item in enumerate(node.value)}
    yield data
    data.extend(loader.construct_object(item, deep=True) for item in node.value)


_Loader.add_constructor("tag:yaml.org,2002:map", _mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _sequence)


def read_yaml(path: Path) -> Any:
    """The document with positions; a file that cannot be read or parsed is a DialogError."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # a SafeLoader
    except (OSError, ValueError, yaml.YAMLError) as error:  # ValueError: `2026-13-45`, bad UTF-8
        detail = " ".join(str(error).split())
        raise DialogError(f"{path}: cannot read: {detail}") from error


def plain(value: Any) -> Any:
    """A loaded document as built-in dicts and lists (positions dropped)."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value
