"""Reading a dialog file with the line of every key, and handing the rest of the tool plain data.

ruamel.yaml's round-trip loader keeps positions (so errors point at the offending key) and refuses
duplicate keys. It reads YAML 1.1, as PyYAML does, so a bare `no` stays the boolean every dialog
was written for. `plain` turns its mapping, list and scalar subclasses into dict, list, str, int,
float and bool, which compare, copy and serialise like anything else.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarbool import ScalarBoolean

from skill.dialogs.errors import DialogError


def _reader() -> YAML:
    reader = YAML(typ="rt")
    reader.version = (1, 1)
    return reader


def read_yaml(path: Path) -> Any:
    """The document with positions; a file that cannot be read or parsed is a DialogError."""
    try:
        return _reader().load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, YAMLError) as error:
        detail = " ".join(str(error).split())
        raise DialogError(f"{path}: cannot read: {detail}") from error


def plain(value: Any) -> Any:
    """A loaded document as built-in types (positions dropped); a TypeError for a tagged value."""
    if isinstance(value, dict):
        return {plain(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, bool | ScalarBoolean):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    if value is None or isinstance(value, date):
        return value
    tag = getattr(getattr(value, "tag", None), "value", None)
    raise TypeError(f"unsupported YAML value {value!r}" + (f" (tag {tag})" if tag else ""))
