"""Turns from what a user said, and expectations from what a skill answered.

Words become `say:` only when this skill's interaction model covers them (as said, or after the
invocation an Alexa user puts first: "ask back stretch coach to start my neck stretches"), and
"open back stretch coach" becomes `launch`. A speech expectation holds the words as heard
(SSML parsed away), so it reads like the conversation and matches the answer it came from.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from shared.matcher import Matcher
from shared.model import load_model
from skill.dialogs.expect import normalise, parse_speech
from skill.dialogs.importers.draft import NOTE, Draft, Problem

_OPENERS = ("open", "launch", "start", "begin", "load", "run", "play", "use", "talk to")
_ONE_SHOT = ("ask", "tell", "open", "launch", "start", "use", "talk to")
_JOINERS = ("to", "and", "for", "that", "about", "if", "whether")
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True, slots=True)
class Spoken:
    """The turn for some words, with the intent and slot values the model gives them."""

    turn: dict[str, Any]
    intent: str | None = None  # None: the words open the skill
    slots: dict[str, str] = field(default_factory=dict)


def plain_words(text: str) -> str:
    """Words without SSML tags (Bespoken utterances may carry <phoneme>) or extra spaces."""
    return normalise(_TAG.sub(" ", text))


@cache
def _invocation(locale: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(opening the skill, a one-shot request) for the locale's invocation name."""
    name = re.escape(load_model(locale).invocation_name)
    opens = re.compile(rf"(?:{'|'.join(_OPENERS)})\s+{name}", re.IGNORECASE)
    one_shot = re.compile(
        rf"(?:{'|'.join(_ONE_SHOT)})\s+{name}\s+(?:(?:{'|'.join(_JOINERS)})\s+)?(?P<rest>.+)",
        re.IGNORECASE,
    )
    return opens, one_shot


def spoken(locale: str, text: str) -> Spoken | None:
    """The turn for words a user said, or None when the model does not cover them."""
    words = plain_words(text)
    opens, one_shot = _invocation(locale)
    if opens.fullmatch(words):
        return Spoken({"launch": True})
    found = one_shot.fullmatch(words)
    matcher = Matcher.for_locale(locale)
    for candidate in (words, *([found["rest"]] if found else [])):
        match = matcher.match_exact(candidate)
        if match is not None:
            slots = {name: slot.value for name, slot in match.slots.items()}
            return Spoken({"say": candidate}, match.intent, slots)
    return None


def words_turn(draft: Draft, item: str, text: str) -> tuple[dict[str, Any], Problem | None]:
    """The turn for words in a test file. Words the model does not cover stay as said, and the
    dialog sends them as AMAZON.FallbackIntent (`nlu: fallback`), which is what Alexa does."""
    said = spoken(draft.locale, text)
    if said is not None:
        return dict(said.turn), None
    draft.fallback = True
    note = "not in the interaction model: sent as AMAZON.FallbackIntent (nlu: fallback)"
    return {"say": plain_words(text)}, Problem(draft.source, item, note, NOTE)


def heard(output_speech: Any) -> str:
    """The words of an outputSpeech object as a listener hears them."""
    if not isinstance(output_speech, Mapping):
        return ""
    source = str(output_speech.get("ssml") or output_speech.get("text") or "")
    try:
        return parse_speech(source).text
    except ValueError:  # SSML that does not parse: its words, tags dropped
        return plain_words(source)


def literal(text: str) -> str:
    """An expectation that these exact words are heard: plain text is a substring check, unless
    it looks like a pattern (`*`, `re:`), which is then escaped into a regular expression."""
    if "*" in text or text.startswith("re:"):
        return "re:" + re.escape(text)
    return text


def answer_expectations(envelope: Any) -> dict[str, Any]:
    """What the skill answered, as expectations: the speech heard and whether the session ends."""
    if not isinstance(envelope, Mapping):
        return {}
    response = envelope.get("response")
    if not isinstance(response, Mapping):
        return {}
    expect: dict[str, Any] = {}
    speech = heard(response.get("outputSpeech"))
    if speech:
        expect["speech"] = literal(speech)
    expect["session_ends"] = bool(response.get("shouldEndSession"))
    return expect
