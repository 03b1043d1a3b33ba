"""Precise edits of a YAML text at nodes found by ruamel.yaml's round-trip composer.

Dumping a whole round-trip document back is not exact (an explicit `null` comes back empty, for
one), so the text is never re-emitted: each edit replaces the characters of one node, inserts one
item or removes one entry, and every byte outside the edited values stays as it was written,
comments and quoting included. Values are written in flow style, matching the replaced scalar's
quotes when it had some.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode


@dataclass(frozen=True, slots=True)
class Splice:
    """Replace text[start:end] with `text`."""

    start: int
    end: int
    text: str


def compose(text: str) -> Node:
    """The node tree of a YAML text, with each node's position; a ValueError when it does not
    parse or is empty."""
    try:
        node: Node | None = YAML(typ="rt").compose(text)
    except YAMLError as error:
        raise ValueError(f"YAML does not parse: {error}") from error
    if node is None:
        raise ValueError("the file is empty")
    return node


def load(text: str, version: tuple[int, int] | None = None) -> Any:
    """Plain Python data (YAML 1.2 unless `version` says otherwise); YAMLError when it does not
    parse."""
    yaml = YAML(typ="safe", pure=True)
    if version:
        yaml.version = version
    return yaml.load(text)


def entry(node: Node, key: str) -> tuple[Node, Node] | None:
    """The (key node, value node) of `key` in a mapping node, or None."""
    if not isinstance(node, MappingNode):
        return None
    for key_node, value_node in node.value:
        if isinstance(key_node, ScalarNode) and key_node.value == key:
            return key_node, value_node
    return None


def value_at(node: Node, path: tuple[str | int, ...]) -> Node | None:
    """The node at a path of mapping keys and list indexes, or None."""
    for step in path:
        if isinstance(step, int):
            if not isinstance(node, SequenceNode) or step >= len(node.value):
                return None
            node = node.value[step]
        else:
            found = entry(node, step)
            if found is None:
                return None
            node = found[1]
    return node


def apply(text: str, splices: list[Splice]) -> str:
    """The text with every splice made; they must not overlap (a ValueError)."""
    result = text
    previous_start = len(text) + 1
    for splice in sorted(splices, key=lambda s: (s.start, s.end), reverse=True):
        if splice.end > previous_start:
            raise ValueError("two edits of the same value")
        result = result[: splice.start] + splice.text + result[splice.end :]
        previous_start = splice.start
    return result


def _trimmed_end(text: str, node: Node) -> int:
    """Where a node's own characters end: a block collection's or block scalar's span runs on
    over the line break and the next line's indentation."""
    start, end = int(node.start_mark.index), int(node.end_mark.index)
    return start + len(text[start:end].rstrip())


def replace(text: str, node: Node, value: Any) -> Splice:
    """Write `value` in place of `node`, in the node's quotes when it is a quoted scalar."""
    style = node.style if isinstance(node, ScalarNode) else None
    return Splice(node.start_mark.index, _trimmed_end(text, node), emit(value, style))


def append_item(text: str, node: SequenceNode, value: Any) -> Splice:
    """Add `value` as the last item of a list, in the list's own style."""
    if node.flow_style:
        close = text.rindex("]", node.start_mark.index, node.end_mark.index)
        before = text[node.start_mark.index + 1 : close].rstrip()
        separator = "" if not before or before.endswith(",") else ", "
        at = node.start_mark.index + 1 + len(before)
        return Splice(at, at, separator + emit(value))
    last = node.value[-1]
    line_end = text.find("\n", _trimmed_end(text, last))
    at = len(text) if line_end < 0 else line_end
    indent = " " * node.start_mark.column
    return Splice(at, at, f"\n{indent}- {emit(value)}")


def remove_entry(text: str, node: MappingNode, key: str) -> Splice | None:
    """Remove `key` and its value from a mapping, or None when that cannot be done cleanly (a
    block entry that shares its line with something else)."""
    index = next(i for i, (k, _) in enumerate(node.value) if k.value == key)
    key_node, value_node = node.value[index]
    end = _trimmed_end(text, value_node)
    if node.flow_style:
        return _remove_flow_entry(text, node, index, end)
    line_start = text.rfind("\n", 0, key_node.start_mark.index) + 1
    if text[line_start : key_node.start_mark.index].strip():
        return None
    line_end = text.find("\n", end)
    return Splice(line_start, len(text) if line_end < 0 else line_end + 1, "")


def _remove_flow_entry(text: str, node: MappingNode, index: int, end: int) -> Splice:
    start = node.value[index][0].start_mark.index
    if index + 1 < len(node.value):
        return Splice(start, node.value[index + 1][0].start_mark.index, "")
    if index > 0:
        return Splice(_trimmed_end(text, node.value[index - 1][1]), end, "")
    return Splice(start, end, "")


def emit(value: Any, style: str | None = None) -> str:
    """`value` as YAML in flow style. A string keeps the given quote style ('"' or "'"), else is
    written plain when it reads back as the same string in every context, else double-quoted."""
    if isinstance(value, str):
        return _string(value, style)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{emit(str(k))}: {emit(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(emit(item) for item in value) + "]"
    return _string(str(value), style)


def _string(value: str, style: str | None) -> str:
    if style == "'" and value.isprintable():
        return "'" + value.replace("'", "''") + "'"
    if style != '"' and _plain_is_safe(value):
        return value
    return json.dumps(value, ensure_ascii=False)  # JSON strings are YAML double-quoted scalars


def _plain_is_safe(value: str) -> bool:
    """Plain only when YAML 1.1 and 1.2 both read it back as this string, in a block mapping and
    inside flow collections (so `no`, `1:30`, `a: b` and `x, y` get quotes)."""
    if not value or value != value.strip() or not value.isprintable():
        return False
    contexts = ((f"k: {value}", {"k": value}), (f"[{value}]", [value]), (f"{{k: {value}}}", None))
    try:
        return all(
            load(source, version) == (wanted if wanted is not None else {"k": value})
            for source, wanted in contexts
            for version in (None, (1, 1))
        )
    except YAMLError:
        return False
