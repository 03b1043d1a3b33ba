"""The keys a dialog file may use, at every depth, and the check that refuses any other.

A misspelt key (`card: {titel: x}`, `breaks: {totl: 5}`) would otherwise be an expectation that
is never checked and always passes, so an unknown key is a load error at its line, with the
nearest known key as a hint. Profile keys come from the profile's own dataclasses, so they
follow the product.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from typing import Any

from shared.profile import Profile, SessionRecord
from skill.dialogs.errors import Where, did_you_mean

TURN_KINDS = ("launch", "say", "intent", "session_end", "request", "touch")
TOP_KEYS = ("name", "locale", "locales", "nlu", "today", "profile", "device", "turns")
TURN_KEYS = (*TURN_KINDS, "slots", "error", "expect")
EXPECT_KEYS = (
    "speech",
    "reprompt",
    "breaks",
    "session_ends",
    "card",
    "attributes",
    "directives",
    "path",
    "screen",
)
SCREEN_KEYS = ("token", "data")  # screen: the APL document sent, by token, and its data
BREAK_KEYS = ("count", "total", "max")
CARD_KEYS = ("title", "text", "content", "type")
ERROR_KEYS = ("type", "message")
PROFILE_KEYS = tuple(f.name for f in dataclasses.fields(Profile))
SESSION_KEYS = tuple(f.name for f in dataclasses.fields(SessionRecord))
TEXT_FIELDS = ("speech", "reprompt")


def check_keys(mapping: Mapping[Any, Any], allowed: Sequence[str], where: Where) -> None:
    """Refuse the first key not in `allowed`, at its line, with a hint for a near miss."""
    for key in mapping:
        if str(key) not in allowed:
            hint = did_you_mean(str(key), allowed)
            raise where.at(mapping, key).error(
                f"unknown key {str(key)!r}{hint}; known keys: {', '.join(allowed)}"
            )


def check_mapping(value: Any, where: Where, what: str) -> Mapping[Any, Any]:
    if not isinstance(value, Mapping):
        raise where.error(f"{what} must be a mapping")
    return value


def check_profile(profile: Mapping[Any, Any], where: Where) -> None:
    """A starting profile: the keys a saved profile has, and each session's."""
    check_keys(profile, PROFILE_KEYS, where)
    sessions = profile.get("sessions") or []
    if not isinstance(sessions, list):
        raise where.at(profile, "sessions").error("'sessions' must be a list of mappings")
    for index, session in enumerate(sessions):
        place = Where(where.file, f"{where.label}: sessions[{index + 1}]").at(sessions, index)
        check_keys(check_mapping(session, place, "a session"), SESSION_KEYS, place)


def check_pattern(pattern: Any, where: Where) -> None:
    """A text pattern (or a list of them): a `re:` one must compile, here rather than mid-run."""
    for item in pattern if isinstance(pattern, list) else [pattern]:
        if isinstance(item, Mapping | list) or item is None:
            raise where.error("a text pattern must be text, or a list of texts")
        text = str(item)
        if text.startswith("re:"):
            try:
                re.compile(text[3:].strip())
            except re.error as error:
                raise where.error(f"the regular expression {text[3:].strip()!r}: {error}") from None


def check_numbers(mapping: Mapping[Any, Any], where: Where) -> None:
    """`breaks` values are counts and seconds."""
    for key, value in mapping.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise where.at(mapping, key).error(f"'{key}' must be a number, not {value!r}")


def check_screen(screen: Any, where: Where) -> None:
    """`screen: false` expects no APL document; otherwise its token and a subset of its data."""
    if screen is None or screen is False:
        return
    mapping = check_mapping(screen, where, "'screen' (or false for no screen)")
    check_keys(mapping, SCREEN_KEYS, where)
    if "data" in mapping:
        check_mapping(mapping["data"], where.at(mapping, "data"), "'screen: data'")


def check_card(card: Any, where: Where) -> None:
    """`card: false` (or null) expects no card; otherwise a mapping of card fields."""
    if card is None or card is False:
        return
    mapping = check_mapping(card, where, "'card' (or false for no card)")
    check_keys(mapping, CARD_KEYS, where)
    for key, value in mapping.items():
        check_pattern(value, where.at(mapping, key))
