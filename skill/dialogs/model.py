"""The dialog file format (YAML), parsed and validated into plain dataclasses.

A dialog names a conversation, its locale (or `locales`, to run it in several), an optional starting
profile and its turns. Each turn is one of: `launch`, `say` (an utterance the interaction model
must cover, unless `nlu: fallback`), `intent` (with `slots`), `session_end` (a reason), or
`request` (a recorded Alexa request JSON file), with an optional `expect` block. Validation is
strict: an unknown key at any depth, an intent or slot the locale's model lacks, or a locale with
no model is an error naming the file and line (see schema.py, nlu.py), because a dialog library
is edited by hand and a typo must not become a check that always passes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ask_sdk_model.session_ended_error_type import SessionEndedErrorType

from shared.locales import DEFAULT_LOCALE
from shared.model import InteractionModel
from skill.dialogs.devices import DEFAULT_DEVICE, DEVICES
from skill.dialogs.directives import check_directives
from skill.dialogs.errors import DialogError as DialogError
from skill.dialogs.errors import Where, line_of
from skill.dialogs.nlu import NLU_MODES, STRICT, check_intent, model_for
from skill.dialogs.paths import check_paths
from skill.dialogs.schema import (
    BREAK_KEYS,
    ERROR_KEYS,
    EXPECT_KEYS,
    TEXT_FIELDS,
    TOP_KEYS,
    TURN_KEYS,
    TURN_KINDS,
    check_card,
    check_keys,
    check_mapping,
    check_numbers,
    check_pattern,
    check_profile,
    check_screen,
)
from skill.dialogs.yamlfile import plain, read_yaml

SESSION_END_REASONS = ("USER_INITIATED", "ERROR", "EXCEEDED_MAX_REPROMPTS")
# Alexa's own list: any other type makes the SDK refuse the whole request.
SESSION_END_ERROR_TYPES = tuple(kind.value for kind in SessionEndedErrorType)
DEFAULT_TODAY = date(2026, 1, 15)


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
    line: int | None = None  # of the turn in its file, when read from one
    expect_lines: dict[str, int] = field(default_factory=dict)  # expectation -> its line
    nlu: str = STRICT  # say: how speech the model does not cover is sent (nlu.py)
    action: str | None = None  # touch: the button's action (skill/apl/touch.py)

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
        if self.kind == "touch":
            return f"touch: {self.action}"
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
    nlu: str = STRICT
    device: str = DEFAULT_DEVICE  # what the requests say the device is (devices.py)


def with_nlu(dialog: Dialog, nlu: str) -> Dialog:
    """The dialog with every utterance resolved the given way (`--nlu` overrides the file)."""
    turns = tuple(dataclasses.replace(t, nlu=nlu) if t.kind == "say" else t for t in dialog.turns)
    return dataclasses.replace(dialog, nlu=nlu, turns=turns)


def _error(entry: Mapping[Any, Any], where: Where) -> dict[str, str] | None:
    """A session_end's optional error, checked here so a typo is not an unexplained 400."""
    error = entry.get("error")
    if error is None:
        return None
    place = where.inside("error", entry, "error")
    if isinstance(error, Mapping):
        check_keys(error, ERROR_KEYS, place)
    if not isinstance(error, Mapping) or error.get("type") not in SESSION_END_ERROR_TYPES:
        raise place.error(f"error needs a type, one of {', '.join(SESSION_END_ERROR_TYPES)}")
    return {str(key): str(value) for key, value in error.items()}


def _expect(entry: Mapping[Any, Any], where: Where) -> tuple[dict[str, Any], dict[str, int]]:
    """A turn's expectations, each checked for its shape; with the line of each."""
    expect = entry.get("expect")
    if expect is None:
        return {}, {}
    place = where.inside("expect", entry, "expect")
    mapping = check_mapping(expect, place, "'expect'")
    check_keys(mapping, EXPECT_KEYS, place)
    for key, value in mapping.items():
        _expectation(str(key), value, place.inside(str(key), mapping, key))
    lines = {str(key): line for key in mapping if (line := line_of(mapping, key)) is not None}
    return plain(mapping), lines


def _expectation(key: str, value: Any, where: Where) -> None:
    if key in TEXT_FIELDS:
        check_pattern(value, where)
    elif key == "breaks":
        breaks = check_mapping(value, where, "'breaks'")
        check_keys(breaks, BREAK_KEYS, where)
        check_numbers(breaks, where)
    elif key == "card":
        check_card(value, where)
    elif key == "screen":
        check_screen(value, where)
    elif key == "path":
        check_paths(value, where)
    elif key == "directives":
        check_directives(value, where)
    elif key == "attributes":
        check_mapping(value, where, "'attributes'")
    elif key == "session_ends" and not isinstance(value, bool):
        raise where.error(f"'session_ends' must be true or false, not {value!r}")


def _only_with(entry: Mapping[Any, Any], kind: str, where: Where) -> None:
    """`slots` belong to an intent turn, `error` to a session_end: elsewhere they do nothing."""
    for key, owner in (("slots", "intent"), ("error", "session_end")):
        if key in entry and kind != owner:
            raise where.at(entry, key).error(f"'{key}' goes with '{owner}', not '{kind}'")


def _turn(entry: Any, where: Where, model: InteractionModel, nlu: str) -> Turn:
    if not isinstance(entry, Mapping):
        raise where.error("a turn must be a mapping such as {say: ...}")
    check_keys(entry, TURN_KEYS, where)
    kinds = [k for k in TURN_KINDS if k in entry]
    if len(kinds) != 1:
        raise where.error(f"a turn needs exactly one of {', '.join(TURN_KINDS)}")
    kind = kinds[0]
    _only_with(entry, kind, where)
    expect, lines = _expect(entry, where)
    common: dict[str, Any] = {"expect": expect, "line": where.line, "expect_lines": lines}
    value = entry[kind]
    if kind == "say":
        if not isinstance(value, str | int | bool) or not str(value).strip():
            raise where.error("'say' needs the words the user says")
        return Turn("say", text=_spoken(value), nlu=nlu, **common)
    if kind == "intent":
        slots = entry.get("slots") or {}
        if not isinstance(value, str) or not isinstance(slots, Mapping):
            raise where.error("'intent' needs a name and optional 'slots' mapping")
        check_intent(value, slots, model, where.at(entry, "intent"))
        named = {str(k): str(plain(v)) for k, v in slots.items()}
        return Turn("intent", intent=value, slots=named, **common)
    if kind == "session_end":
        reason = "USER_INITIATED" if value is True else str(value)
        if reason not in SESSION_END_REASONS:
            raise where.at(entry, kind).error(
                f"session_end reason must be one of {', '.join(SESSION_END_REASONS)}"
            )
        return Turn("session_end", reason=reason, error=_error(entry, where), **common)
    if kind == "request":
        request_file = (where.file.parent / str(value)).resolve()
        if not request_file.is_file():
            raise where.at(entry, kind).error(f"recorded request {value} not found")
        return Turn("request", request_file=request_file, **common)
    if kind == "touch":
        from skill.apl.touch import TOUCH_EVENTS

        if value not in TOUCH_EVENTS:
            raise where.at(entry, kind).error(
                f"'touch' needs a button's action, one of {', '.join(TOUCH_EVENTS)}"
            )
        return Turn("touch", action=str(value), **common)
    return Turn("launch", **common)


def _spoken(value: Any) -> str:
    """YAML reads a bare `yes` or `no` as a boolean; a user said the word."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).strip()


def _locales(data: Mapping[Any, Any], top: Where) -> list[tuple[str, Where]]:
    """The locales to run in, each with where it was written: `locale`, or a `locales` list."""
    if "locales" not in data:
        return [(str(data.get("locale", DEFAULT_LOCALE)), top.at(data, "locale"))]
    if "locale" in data:
        raise top.at(data, "locales").error("use 'locale' or 'locales', not both")
    locales = data["locales"]
    place = top.at(data, "locales")
    if not isinstance(locales, list) or not locales:
        raise place.error("'locales' must be a non-empty list such as [en-US, en-GB]")
    if len(set(map(str, locales))) != len(locales):
        raise place.error("'locales' names a locale twice")
    return [(str(locale), place.at(locales, i)) for i, locale in enumerate(locales)]


def _today(data: Mapping[Any, Any], top: Where) -> date:
    today = data.get("today", DEFAULT_TODAY)
    if isinstance(today, str):
        try:
            today = date.fromisoformat(today)
        except ValueError as error:
            raise top.at(data, "today").error(f"'today' must be a date: {error}") from error
    if not isinstance(today, date):
        raise top.at(data, "today").error("'today' must be a date such as 2026-01-15")
    return today


def _profile(data: Mapping[Any, Any], top: Where) -> dict[str, Any] | None:
    """The starting profile as the store takes it (dates written bare become ISO text)."""
    profile = data.get("profile")
    if profile is None:
        return None
    place = Where(top.file, "profile").at(data, "profile")
    check_profile(check_mapping(profile, place, "'profile'"), place)
    as_stored: dict[str, Any] = _iso_dates(plain(profile))
    return as_stored


def _iso_dates(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _iso_dates(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_iso_dates(item) for item in value]
    return value.isoformat() if isinstance(value, date) else value


def _device(data: Mapping[Any, Any], top: Where) -> str:
    device = str(data.get("device", DEFAULT_DEVICE))
    if device not in DEVICES:
        raise top.at(data, "device").error(f"'device' must be one of {', '.join(DEVICES)}")
    return device


def _nlu(data: Mapping[Any, Any], top: Where) -> str:
    nlu = str(data.get("nlu", STRICT))
    if nlu not in NLU_MODES:
        raise top.at(data, "nlu").error(f"'nlu' must be one of {', '.join(NLU_MODES)}")
    return nlu


def parse_dialogs(data: Any, path: Path) -> tuple[Dialog, ...]:
    """Validate a parsed YAML document as a dialog: one per locale it runs in."""
    top = Where(path, "top level")
    if not isinstance(data, Mapping):
        raise top.error("a dialog must be a mapping with name and turns")
    check_keys(data, TOP_KEYS, top)
    turns = data.get("turns")
    if not isinstance(turns, list) or not turns:
        raise top.at(data, "turns").error("'turns' must be a non-empty list")
    models = [(locale, model_for(locale, where)) for locale, where in _locales(data, top)]
    name, nlu, today = str(data.get("name") or path.stem), _nlu(data, top), _today(data, top)
    profile = _profile(data, top)
    device = _device(data, top)
    try:
        raw = plain(data)
    except TypeError as error:
        raise top.error(str(error)) from None
    several = "locales" in data
    return tuple(
        Dialog(
            name=f"{name} [{locale}]" if several else name,
            path=path,
            locale=locale,
            turns=_turns(turns, path, model, nlu),
            profile=profile,
            today=today,
            raw=raw,
            nlu=nlu,
            device=device,
        )
        for locale, model in models
    )


def _turns(turns: Sequence[Any], path: Path, model: InteractionModel, nlu: str) -> tuple[Turn, ...]:
    return tuple(
        _turn(entry, Where(path, f"turn {index + 1}").at(turns, index), model, nlu)
        for index, entry in enumerate(turns)
    )


def parse_dialog(data: Any, path: Path) -> Dialog:
    """A document that runs in one locale, as its dialog."""
    dialogs = parse_dialogs(data, path)
    if len(dialogs) != 1:
        raise DialogError(f"{path}: runs in {len(dialogs)} locales: read it with load_dialogs")
    return dialogs[0]


def load_dialogs(path: Path) -> tuple[Dialog, ...]:
    """Read and validate one dialog file: one dialog per locale it runs in."""
    return parse_dialogs(read_yaml(path), path)


def load_dialog(path: Path) -> Dialog:
    """Read and validate a dialog file that runs in one locale."""
    return parse_dialog(read_yaml(path), path)


__all__ = [
    "DEFAULT_TODAY",
    "EXPECT_KEYS",
    "SESSION_END_ERROR_TYPES",
    "SESSION_END_REASONS",
    "TURN_KINDS",
    "Dialog",
    "DialogError",
    "Turn",
    "load_dialog",
    "load_dialogs",
    "parse_dialog",
    "parse_dialogs",
    "with_nlu",
]
