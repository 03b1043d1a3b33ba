"""Checking an answer against a turn's expectations, SSML-aware, reporting every mismatch.

Speech is compared as what a listener hears: tags are parsed away and white space normalised, and
the pauses (`<break>`) are checked separately by count and total time, so an expectation does not
break when a cue moves by a second or markup is reformatted. Directives match by type and a
subset of their content, and `path:` any field of the envelope (paths.py); what a file may
expect is checked when it loads (model.py), so here every expectation is well formed.
"""

from __future__ import annotations

import fnmatch
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from skill.dialogs.paths import path_failures

_WHITESPACE = re.compile(r"\s+")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s)\s*$")


@dataclass(frozen=True, slots=True)
class HeardSpeech:
    """What a listener hears in an SSML string: the words, and the pauses in seconds. (Not
    `skill.ssml.Speech`, which is what the skill renders: this is what a dialog checks.)"""

    text: str
    breaks: tuple[float, ...]

    @property
    def break_total(self) -> float:
        return round(sum(self.breaks), 3)


@dataclass(frozen=True, slots=True)
class Failure:
    """One expectation that did not hold."""

    field: str
    expected: Any
    actual: Any


def normalise(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


def _break_seconds(attribute: str | None) -> float:
    match = _DURATION.match(attribute or "")
    if not match:
        return 0.0
    value = float(match.group(1))
    return value / 1000 if match.group(2) == "ms" else value


def parse_speech(ssml_or_text: str | None) -> HeardSpeech:
    """Parse SSML (or plain text) into the words heard and the pauses; bad SSML is a ValueError."""
    if not ssml_or_text:
        return HeardSpeech("", ())
    source = ssml_or_text.strip()
    if not source.startswith("<speak"):
        return HeardSpeech(normalise(source), ())
    try:
        root = ET.fromstring(source)
    except ET.ParseError as error:
        raise ValueError(f"SSML does not parse: {error}") from error
    breaks = tuple(_break_seconds(el.get("time")) for el in root.iter("break"))
    return HeardSpeech(normalise(" ".join(root.itertext())), breaks)


def text_matches(pattern: Any, actual: str) -> bool:
    """A pattern: plain text (a substring), with `*` (a wildcard match of the whole text), `re:`
    (a regular expression search), or a list of acceptable patterns."""
    if isinstance(pattern, list):
        return any(text_matches(p, actual) for p in pattern)
    pattern = str(pattern)
    if pattern.startswith("re:"):
        return re.search(pattern[3:].strip(), actual) is not None
    expected = (
        parse_speech(pattern).text if pattern.lstrip().startswith("<speak") else normalise(pattern)
    )
    if "*" in expected:
        return fnmatch.fnmatchcase(actual, expected)
    return expected in actual


def is_subset(expected: Any, actual: Any) -> bool:
    """True when every key (recursively) and list item in `expected` is in `actual`; strings match
    as text patterns, and a list against a string is a list of acceptable patterns."""
    if isinstance(expected, Mapping):
        return isinstance(actual, Mapping) and all(
            key in actual and is_subset(value, actual[key]) for key, value in expected.items()
        )
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(map(is_subset, expected, actual))
    if isinstance(expected, list) and isinstance(actual, str):
        return text_matches(expected, actual)  # choices, as for speech
    return expected == actual or (
        isinstance(expected, str) and isinstance(actual, str) and text_matches(expected, actual)
    )


def _check_breaks(expected: Mapping[str, Any], speech: HeardSpeech) -> list[Failure]:
    failures = []
    if "count" in expected and len(speech.breaks) != int(expected["count"]):
        failures.append(Failure("breaks.count", int(expected["count"]), len(speech.breaks)))
    if "total" in expected and abs(speech.break_total - float(expected["total"])) > 0.001:
        failures.append(Failure("breaks.total", float(expected["total"]), speech.break_total))
    if "max" in expected and speech.breaks and max(speech.breaks) > float(expected["max"]):
        failures.append(Failure("breaks.max", float(expected["max"]), max(speech.breaks)))
    return failures


@dataclass(frozen=True, slots=True)
class Answer:
    """The parts of a skill's answer that expectations look at, taken from the response JSON."""

    speech: HeardSpeech
    reprompt: HeardSpeech
    session_ends: bool
    card: dict[str, Any] | None
    attributes: dict[str, Any]
    directives: list[dict[str, Any]]
    envelope: Mapping[str, Any] | None = None  # the whole answer, for `path:`; None as text

    @classmethod
    def from_envelope(cls, envelope: Mapping[str, Any]) -> Answer:
        response = envelope.get("response") or {}
        output = response.get("outputSpeech") or {}
        reprompt = (response.get("reprompt") or {}).get("outputSpeech") or {}
        return cls(
            speech=parse_speech(output.get("ssml") or output.get("text")),
            reprompt=parse_speech(reprompt.get("ssml") or reprompt.get("text")),
            session_ends=bool(response.get("shouldEndSession")),
            card=response.get("card"),
            attributes=dict(envelope.get("sessionAttributes") or {}),
            directives=list(response.get("directives") or []),
            envelope=envelope,
        )


def check(expect: Mapping[str, Any], answer: Answer) -> list[Failure]:
    """Every expectation of a turn checked against the answer; all failures, not only the first."""
    failures: list[Failure] = []
    for name in ("speech", "reprompt"):
        if name in expect and not text_matches(expect[name], getattr(answer, name).text):
            failures.append(Failure(name, expect[name], getattr(answer, name).text))
    if "breaks" in expect:
        failures += _check_breaks(expect["breaks"], answer.speech)
    if "session_ends" in expect and bool(expect["session_ends"]) != answer.session_ends:
        failures.append(Failure("session_ends", bool(expect["session_ends"]), answer.session_ends))
    if "card" in expect:
        failures += _check_card(expect["card"], answer.card)
    if "attributes" in expect and not is_subset(expect["attributes"], answer.attributes):
        failures.append(Failure("attributes", expect["attributes"], answer.attributes))
    if "directives" in expect:
        failures += _check_directives(expect["directives"], answer.directives)
    if "screen" in expect:
        failures += _check_screen(expect["screen"], answer.directives)
    if "path" in expect and answer.envelope is not None:
        found = path_failures(expect["path"], answer.envelope, is_subset)
        failures += [Failure(f"path {expr}", wanted, got) for expr, wanted, got in found]
    return failures


SCREEN_DIRECTIVE = "Alexa.Presentation.APL.RenderDocument"


def _check_screen(expected: Any, directives: list[dict[str, Any]]) -> list[Failure]:
    """The APL document sent (`screen: false`: none): its token, and its datasource's values
    as a subset (the skill's one datasource, or all of them if it has several)."""
    sent = [d for d in directives if d.get("type") == SCREEN_DIRECTIVE]
    if expected is None or expected is False:
        return [Failure("screen", None, [d.get("token") for d in sent])] if sent else []
    if not sent:
        return [Failure("screen", expected, None)]
    screen = sent[-1]
    failures = []
    if "token" in expected and expected["token"] != screen.get("token"):
        failures.append(Failure("screen.token", expected["token"], screen.get("token")))
    sources = screen.get("datasources") or {}
    data = _screen_data(sources)
    if "data" in expected and not is_subset(expected["data"], data):
        failures.append(Failure("screen.data", expected["data"], data))
    return failures


def _screen_data(sources: Mapping[str, Any]) -> Any:
    """The values a document is given: an object datasource's properties, when it has one."""
    if len(sources) != 1:
        return dict(sources)
    (source,) = sources.values()
    if isinstance(source, Mapping) and source.get("type") == "object" and "properties" in source:
        return source["properties"]
    return source


def _check_card(expected: Any, card: Mapping[str, Any] | None) -> list[Failure]:
    if expected is None or expected is False:
        return [] if card is None else [Failure("card", None, dict(card))]
    if card is None:
        return [Failure("card", expected, None)]
    failures = []
    for key in ("title", "text", "content", "type"):
        if key in expected:
            actual = str(card.get(key) or card.get("content" if key == "text" else key) or "")
            if not text_matches(expected[key], normalise(actual)):
                failures.append(Failure(f"card.{key}", expected[key], actual))
    return failures


def _check_directives(expected: Any, actual: list[dict[str, Any]]) -> list[Failure]:
    """The response's directives in order, each of the expected type and holding the expected
    content (a subset). The failure shows the types, or the whole directives when content was
    asked for, so the difference can be seen."""
    wanted = [{"type": e} if isinstance(e, str) else e for e in (expected or [])]
    if len(wanted) == len(actual) and all(map(is_subset, wanted, actual)):
        return []
    by_content = any(set(w) - {"type"} for w in wanted)
    return [
        Failure("directives", expected, actual if by_content else [d.get("type") for d in actual])
    ]
