"""Bespoken assertions (`path operator value`) as this format's expectations.

Bespoken's `==` on text is a search in which `*` matches anything, `=~` a regular expression
(`/body/flags`), `undefined` an absent field and `!=` "does not contain". Speech is checked as
heard here, so SSML tags in an expected value are dropped. The prompt, reprompt and card fields,
`response.shouldEndSession` and `sessionAttributes` map to their own expectations; any other
field of the response becomes a JMESPath `path:` expectation (Bespoken's dotted paths with
`[0]` indexes are JMESPath as they stand).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jmespath
from jmespath.exceptions import JMESPathError

from skill.dialogs.importers.words import plain_words

_TEXT_FIELDS = {
    "prompt": ("speech", None),
    "response.outputSpeech.ssml": ("speech", None),
    "response.outputSpeech.text": ("speech", None),
    "reprompt": ("reprompt", None),
    "response.reprompt.outputSpeech.ssml": ("reprompt", None),
    "response.reprompt.outputSpeech.text": ("reprompt", None),
    "cardTitle": ("card", "title"),
    "response.card.title": ("card", "title"),
    "cardContent": ("card", "content"),
    "response.card.content": ("card", "content"),
    "response.card.text": ("card", "text"),
    "response.card.type": ("card", "type"),
}
# Where a field is in the response, for `path:` checks of whether it is there at all.
_ENVELOPE_PATHS = {
    "speech": "response.outputSpeech",
    "reprompt": "response.reprompt",
    "cardImageURL": "response.card.image.largeImageUrl",
}
_SESSION_ENDS = "response.shouldEndSession"
_ATTRIBUTES = "sessionAttributes."
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_REGEX_FLAGS = {"i": "(?i)", "m": "(?m)", "s": "(?s)"}
NUMERIC = (">", ">=", "<", "<=")


@dataclass(frozen=True, slots=True)
class Assertion:
    path: str
    operator: str  # ==, =~, !=, or a numeric comparison
    value: Any  # None: Bespoken's `undefined`

    @property
    def text(self) -> str:
        value = "undefined" if self.value is None else self.value
        return f"{self.path} {self.operator} {value}"


class Unsupported(ValueError):
    """An assertion this format cannot express; the message says why."""


def _regex(value: str) -> str:
    """A Bespoken regular expression (`/body/flags` or bare) as a `re:` pattern."""
    body, prefix = value, ""
    if value.startswith("/") and value.rfind("/") > 0:
        end = value.rfind("/")
        body = value[1:end]
        prefix = "".join(_REGEX_FLAGS.get(flag, "") for flag in value[end + 1 :])
    try:
        re.compile(prefix + body)
    except re.error as error:
        raise Unsupported(f"the regular expression {value!r} does not compile: {error}") from None
    return f"re:{prefix}{body}"


def _search(value: str) -> str:
    """Bespoken's `==` on text: contains the words, `*` standing for anything in between."""
    words = plain_words(value) if "<" in value else " ".join(value.split())
    if "*" not in words:
        return words
    if any(char in words for char in "?[]"):  # would be wildcards too in a `*` pattern
        return "re:" + ".*".join(re.escape(part) for part in words.split("*"))
    return re.sub(r"\*+", "*", f"*{words}*")


def text_pattern(operator: str, value: Any) -> Any:
    """The pattern for a text field; a list of values is a list of acceptable patterns."""
    if isinstance(value, list):
        return [text_pattern(operator, item) for item in value]
    if isinstance(value, bool):  # YAML 1.1's reading of a bare yes or no
        value = "yes" if value else "no"
    value = str(value).strip()
    if operator == "=~" or value.startswith("/"):
        return _regex(value)
    return _search(value)


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if str(value).lower() in ("true", "false"):
        return str(value).lower() == "true"
    raise Unsupported(f"shouldEndSession is true or false, not {value!r}")


def _jmespath(path: str) -> str:
    expression = path[2:] if path.startswith("$.") else path
    try:
        jmespath.compile(expression)
    except JMESPathError:
        raise Unsupported(f"{path!r} is not a path this format can follow") from None
    return expression


def _set(expect: dict[str, Any], keys: tuple[str, ...], value: Any, assertion: Assertion) -> None:
    """Put one expectation in place; a second check of the same field cannot be combined."""
    target = expect
    for key in keys[:-1]:
        target = target.setdefault(key, {})
        if not isinstance(target, dict):
            raise Unsupported(f"{assertion.text}: that field is already checked differently")
    if keys[-1] in target:
        raise Unsupported(f"{assertion.text}: the field is already checked by an earlier line")
    target[keys[-1]] = value


def _present(expect: dict[str, Any], assertion: Assertion, field_path: str) -> None:
    """`!= undefined`: the field is there (a JMESPath comparison with null)."""
    _set(expect, ("path", f"{field_path} != `null`"), True, assertion)


def add_assertion(expect: dict[str, Any], assertion: Assertion) -> None:
    """Merge one Bespoken assertion into a turn's expectations, or Unsupported saying why."""
    operator, value, path = assertion.operator, assertion.value, assertion.path
    if operator in NUMERIC:
        raise Unsupported(f"{assertion.text}: numeric comparisons cannot be expressed")
    if operator == "!=" and value is not None:
        raise Unsupported(f"{assertion.text}: 'does not contain' cannot be expressed")
    if path in _TEXT_FIELDS:
        field, key = _TEXT_FIELDS[path]
        keys = (field, key) if key else (field,)
        where = _ENVELOPE_PATHS.get(field) or f"response.card.{key}"
        if value is None:
            if operator == "!=":
                _present(expect, assertion, where)
            else:
                _set(expect, ("path", where), None, assertion)
            return
        _set(expect, keys, text_pattern(operator, value), assertion)
        return
    if path == _SESSION_ENDS and value is not None:
        _set(expect, ("session_ends",), _flag(value), assertion)
        return
    names = path[len(_ATTRIBUTES) :].split(".") if path.startswith(_ATTRIBUTES) else []
    if value is not None and names and all(_NAME.match(name) for name in names):
        attribute = text_pattern(operator, value) if isinstance(value, str) else value
        _set(expect, ("attributes", *names), attribute, assertion)
        return
    expression = _jmespath(_ENVELOPE_PATHS.get(path, path))
    if operator == "!=":
        _present(expect, assertion, expression)
        return
    expected = text_pattern(operator, value) if isinstance(value, str | list) else value
    _set(expect, ("path", expression), expected, assertion)


def parse_line(line: str) -> Assertion | None:
    """`path operator value` as Bespoken writes it in a string; None without an operator."""
    for operator in (" == ", " =~ ", " != ", " >= ", " <= ", " > ", " < "):
        if operator in line:
            path, value = line.split(operator, 1)
            return Assertion(path.strip(), operator.strip(), clean_value(value))
    return None


def clean_value(value: Any) -> Any:
    """A value as Bespoken reads it: `undefined` is absent, quotes around text are dropped."""
    if isinstance(value, str):
        value = value.strip()
        if value == "undefined":
            return None
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            return value[1:-1]
    if isinstance(value, list):
        return [clean_value(item) for item in value]
    return value


def from_mapping(element: Mapping[str, Any]) -> Assertion:
    """`{path: value}`: `==`, each value a /regular expression/ when written as one."""
    path, value = next(iter(element.items()))
    return Assertion(str(path).strip(), "==", clean_value(value))
