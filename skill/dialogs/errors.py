"""Errors in dialog files, placed at a file and line, since a dialog library is edited by hand.

A `Where` is a place in a dialog file: the file, a label a reader recognises ("turn 3: expect.card")
and, when the YAML was read with positions, the line. Errors made from it read `file:line: label:
message`, the way compilers report, so an editor or terminal can jump to the offending key.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any


class DialogError(ValueError):
    """A dialog file is malformed, or a turn cannot be turned into a request."""


def line_of(container: Any, key: Any = None) -> int | None:
    """The 1-based line of a key in a mapping, or an item in a list, read with positions
    (yamlfile.py's Placed containers); of the container itself without a key. None for plain
    data, such as a document built in a test."""
    lines = getattr(container, "lines", None)
    if not isinstance(lines, dict):
        return None
    if key is None:
        return int(getattr(container, "line", 0)) or None
    try:
        return lines.get(key)
    except TypeError:  # an unhashable key cannot have been read from a file
        return None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'title'?)' for a near miss of one of `choices`, else ''."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.7)
    return f" (did you mean {close[0]!r}?)" if close else ""


@dataclass(frozen=True, slots=True)
class Where:
    """A place in a dialog file, for error messages."""

    file: Path
    label: str
    line: int | None = None

    def error(self, message: str) -> DialogError:
        place = f"{self.file}:{self.line}" if self.line else str(self.file)
        return DialogError(f"{place}: {self.label}: {message}")

    def at(self, container: Any, key: Any = None) -> Where:
        """The same place, at a key's (or item's) line when it is known."""
        return replace(self, line=line_of(container, key) or self.line)

    def inside(self, name: str, container: Any, key: Any = None) -> Where:
        """A place deeper in the document: `name` appended to the label."""
        joiner = "." if ":" in self.label else ": "
        return replace(self.at(container, key), label=f"{self.label}{joiner}{name}")
