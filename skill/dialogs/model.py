"""The dialog file format (YAML), parsed and validated into plain dataclasses.

A dialog names a conversation, its locale, an optional starting profile and its turns. Each turn is
one of: `launch`, `say` (an utterance the interaction model must cover), `intent` (with `slots`),
`session_end` (a reason), or `request` (a recorded Alexa request JSON file), with an optional
`expect` block. Errors name the file and turn, because a dialog library is edited by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from ask_sdk_model.session_ended_error_type import SessionEndedErrorType

from shared.locales import DEFAULT_LOCALE

TURN_KINDS = ("launch", "say", "intent", "session_end", "request")
EXPECT_KEYS = (
    "speech",
    "reprompt",
    "breaks",
    "session_ends",
    "card",
    "attributes",
    "directives",
)
SESSION_END_REASONS = ("USER_INITIATED", "ERROR", "EXCEEDED_MAX_REPROMPTS")
# Alexa's own list: any other type makes the SDK refuse the whole request.
SESSION_END_ERROR_TYPES = tuple(kind.value for kind in SessionEndedErrorType)
DEFAULT_TODAY = date(2026, 1, 15)


class DialogError(ValueError):
    """A dialog file is malformed, or a turn cannot be turned into a request."""


@dataclass(frozen=True, slots=True)
class Turn:
    """One user turn. `kind` picks which of the other fields matter."""

    kind: str
    text: str | None = None  # say
    intent: str | None = None  # intent
    slots: dict[str, str] = field(default_factory=dict)  # intent
    reason: str = "USER_INITIATED"  # session_end
    error: dict[str, str] | None = None  # session_end with reason ERROR
    request_file: Path | None = None  # request
    expect: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """How the turn reads in a report."""
        if self.kind == "say":
            return f"say: {self.text}"
        if self.kind == "intent":
            slots = ", ".join(f"{k}={v}" for k, v in self.slots.items())
            return f"intent: {self.intent}" + (f" ({slots})" if slots else "")
        if self.kind == "session_end":
            return f"session_end: {self.reason}"
        if self.kind == "request":
            return f"request: {self.request_file.name if self.request_file else '?'}"
        return "launch"


@dataclass(frozen=True, slots=True)
class Dialog:
    name: str
    path: Path
    locale: str
    turns: tuple[Turn, ...]
    profile: dict[str, Any] | None = None
    today: date = DEFAULT_TODAY
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


def _fail(path: Path, where: str, message: str) -> DialogError:
    return DialogError(f"{path}: {where}: {message}")


def _error(entry: dict[str, Any], path: Path, where: str) -> dict[str, str] | None:
    """A session_end's optional error, checked here so a typo is not an unexplained 400."""
    error = entry.get("error")
    if error is None:
        return None
    if not isinstance(error, dict) or error.get("type") not in SESSION_END_ERROR_TYPES:
        raise _fail(path, where, f"error needs a type, one of {', '.join(SESSION_END_ERROR_TYPES)}")
    return {str(key): str(value) for key, value in error.items()}


def _turn(entry: Any, index: int, path: Path) -> Turn:
    where = f"turn {index + 1}"
    if not isinstance(entry, dict):
        raise _fail(path, where, "a turn must be a mapping such as {say: ...}")
    kinds = [k for k in TURN_KINDS if k in entry]
    if len(kinds) != 1:
        raise _fail(path, where, f"a turn needs exactly one of {', '.join(TURN_KINDS)}")
    unknown = set(entry) - {*TURN_KINDS, "slots", "error", "expect"}
    if unknown:
        raise _fail(path, where, f"unknown key(s) {', '.join(sorted(unknown))}")
    expect = entry.get("expect") or {}
    if not isinstance(expect, dict):
        raise _fail(path, where, "'expect' must be a mapping")
    bad = set(expect) - set(EXPECT_KEYS)
    if bad:
        raise _fail(path, where, f"unknown expectation(s) {', '.join(sorted(bad))}")
    kind = kinds[0]
    value = entry[kind]
    if kind == "say":
        if not isinstance(value, str | int | bool) or not str(value).strip():
            raise _fail(path, where, "'say' needs the words the user says")
        return Turn("say", text=_spoken(value), expect=expect)
    if kind == "intent":
        slots = entry.get("slots") or {}
        if not isinstance(value, str) or not isinstance(slots, dict):
            raise _fail(path, where, "'intent' needs a name and optional 'slots' mapping")
        return Turn(
            "intent", intent=value, slots={str(k): str(v) for k, v in slots.items()}, expect=expect
        )
    if kind == "session_end":
        reason = "USER_INITIATED" if value is True else str(value)
        if reason not in SESSION_END_REASONS:
            raise _fail(
                path, where, f"session_end reason must be one of {', '.join(SESSION_END_REASONS)}"
            )
        return Turn("session_end", reason=reason, error=_error(entry, path, where), expect=expect)
    if kind == "request":
        request_file = (path.parent / str(value)).resolve()
        if not request_file.is_file():
            raise _fail(path, where, f"recorded request {value} not found")
        return Turn("request", request_file=request_file, expect=expect)
    return Turn("launch", expect=expect)


def _spoken(value: Any) -> str:
    """YAML reads a bare `yes` or `no` as a boolean; a user said the word."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).strip()


def parse_dialog(data: Any, path: Path) -> Dialog:
    """Validate a parsed YAML document as a dialog."""
    if not isinstance(data, dict):
        raise _fail(path, "top level", "a dialog must be a mapping with name and turns")
    turns = data.get("turns")
    if not isinstance(turns, list) or not turns:
        raise _fail(path, "top level", "'turns' must be a non-empty list")
    today = data.get("today", DEFAULT_TODAY)
    if isinstance(today, str):
        try:
            today = date.fromisoformat(today)
        except ValueError as error:
            raise _fail(path, "top level", f"'today' must be a date: {error}") from error
    profile = data.get("profile")
    if profile is not None and not isinstance(profile, dict):
        raise _fail(path, "top level", "'profile' must be a mapping")
    return Dialog(
        name=str(data.get("name") or path.stem),
        path=path,
        locale=str(data.get("locale", DEFAULT_LOCALE)),
        turns=tuple(_turn(t, i, path) for i, t in enumerate(turns)),
        profile=profile,
        today=today,
        raw=data,
    )


def load_dialog(path: Path) -> Dialog:
    """Read and validate one dialog file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise DialogError(f"{path}: cannot read: {error}") from error
    return parse_dialog(data, path)
