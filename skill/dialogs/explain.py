"""What a failed expectation means, as data both reports render: where it is written, and what
differs (the words of a text, the keys of a mapping, or two values).

A report is read by someone fixing a dialog or the skill: it shows the file and line of the
expectation, the few words around a difference in a long speech, and only the keys of a state
that differ, not every key the skill keeps.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from skill.dialogs.expect import Failure, is_subset, normalise, parse_speech
from skill.dialogs.model import Turn
from skill.dialogs.worddiff import Piece, closest, shorten_words, word_diff

SHOWN_CHARACTERS = 200

TextMode = Literal["part", "whole", "pattern", "choices"]


@dataclass(frozen=True, slots=True)
class KeyDifference:
    """One key of an expected mapping (dotted path) whose value differs or is missing."""

    key: str
    expected: str
    actual: str | None  # None: the answer has no such key


@dataclass(frozen=True, slots=True)
class Explained:
    """A failure made readable. `kind` says which of the other fields are filled in."""

    field: str
    where: str  # file:line
    kind: Literal["text", "keys", "value"]
    expected: str = ""
    actual: str = ""
    mode: TextMode = "part"
    diff: list[Piece] | None = None  # text: None when no word agrees, [] when none differs
    keys: list[KeyDifference] = dataclasses.field(default_factory=list)


def show(value: Any) -> str:
    """A value as a dialog file would write it (JSON-like), shortened when long."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    if len(text) > SHOWN_CHARACTERS:
        return text[: SHOWN_CHARACTERS - 1] + "…"
    return text


def located(path: Path, line: int | None) -> str:
    """`file:line`, the form editors and terminals open (relative to the current folder when
    the file is inside it), or the file alone."""
    try:
        shown = path.resolve().relative_to(Path.cwd()) if path.is_absolute() else path
    except (ValueError, OSError):
        shown = path
    return f"{shown}:{line}" if line else str(shown)


def expectation_line(turn: Turn, field_name: str) -> int | None:
    """The line of the expectation a failure's field belongs to (`card.title` -> `card`,
    `path $.x` -> `path`), else the turn's own line."""
    key = field_name.split(" ", 1)[0].split(".", 1)[0]
    return turn.expect_lines.get(key) or turn.line


def key_differences(expected: Any, actual: Any, prefix: str = "") -> list[KeyDifference]:
    """The keys (recursively) of an expected subset whose values the actual mapping lacks."""
    if isinstance(expected, Mapping) and isinstance(actual, Mapping):
        found: list[KeyDifference] = []
        for key, value in expected.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if key not in actual:
                found.append(KeyDifference(name, show(value), None))
            elif not is_subset(value, actual[key]):
                found += key_differences(value, actual[key], name)
        return found
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        found = []
        for index, (wanted, got) in enumerate(zip(expected, actual, strict=True)):
            if not is_subset(wanted, got):
                found += key_differences(wanted, got, f"{prefix}[{index}]")
        return found
    return [KeyDifference(prefix or "(value)", show(expected), show(actual))]


def _heard_form(pattern: str) -> str:
    """An expected text as it is compared: SSML parsed to its words, white space normalised."""
    if pattern.lstrip().startswith("<speak"):
        return parse_speech(pattern).text
    return normalise(pattern)


def _is_text(expected: Any, actual: Any) -> bool:
    if not isinstance(actual, str):
        return False
    if isinstance(expected, list):
        return bool(expected) and all(isinstance(item, str) for item in expected)
    return isinstance(expected, str)


def _explain_text(field_name: str, where: str, expected: Any, actual: str) -> Explained:
    heard = normalise(actual)
    options = [expected] if isinstance(expected, str) else list(expected)
    literal = [_heard_form(p) for p in options if not p.startswith("re:")]
    mode: TextMode = "choices" if len(options) > 1 else "part"
    if not literal:
        mode = "pattern" if mode == "part" else mode
        shown = " | ".join(options)
        return Explained(field_name, where, "text", shown, shorten_words(heard), mode)
    target = closest(literal, heard) if len(literal) > 1 else literal[0]
    if mode == "part" and "*" in target:
        mode = "whole"
    diff = word_diff(target, heard)
    shown = " | ".join(options) if mode == "choices" else target
    return Explained(field_name, where, "text", shown, shorten_words(heard), mode, diff)


def explain(turn: Turn, path: Path, failure: Failure) -> Explained:
    """A failure of `turn` (of the dialog in `path`), made readable."""
    where = located(path, expectation_line(turn, failure.field))
    expected, actual = failure.expected, failure.actual
    if _is_text(expected, actual):
        return _explain_text(failure.field, where, expected, actual)
    if isinstance(expected, Mapping) and isinstance(actual, Mapping):
        keys = key_differences(expected, actual)
        return Explained(failure.field, where, "keys", keys=keys)
    return Explained(failure.field, where, "value", show(expected), show(actual))


__all__ = ["Explained", "KeyDifference", "explain", "key_differences", "located"]
