"""A replayed turn as a listener heard it: what the user said (or which intent was sent) and what
the skill said, its pauses shown in place and compactly (`[20 s]`), the reprompt, and whether the
session ended. Both reports print it, so a dialog can be read as a conversation."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from skill.dialogs.expect import Answer, normalise
from skill.dialogs.runner import TurnResult

Part = str | float  # words, or a pause in seconds


@dataclass(frozen=True, slots=True)
class Exchange:
    """One turn as heard. `speech` is None when the skill gave no answer to show."""

    user: str
    speech: tuple[Part, ...] | None
    reprompt: str
    ends: bool


def pause_text(seconds: float) -> str:
    return f"[{seconds:g} s]"


def render_parts(parts: tuple[Part, ...]) -> str:
    """Words and `[N s]` pauses as one line."""
    return " ".join(part if isinstance(part, str) else pause_text(part) for part in parts)


def _seconds(value: str | None) -> float:
    text = (value or "").strip()
    try:
        if text.endswith("ms"):
            return float(text[:-2]) / 1000
        return float(text.rstrip("s")) if text else 0.0
    except ValueError:
        return 0.0


def _walk(element: ET.Element) -> Iterator[Part]:
    if element.tag == "break":
        yield _seconds(element.get("time"))
    elif element.text:
        yield element.text
    for child in element:
        yield from _walk(child)
        if child.tail:
            yield child.tail


def speech_parts(ssml_or_text: str | None) -> tuple[Part, ...]:
    """SSML (or plain text) as words and pauses in order; adjacent pauses add up, as heard."""
    source = (ssml_or_text or "").strip()
    if not source.startswith("<speak"):
        return (normalise(source),) if source else ()
    try:
        raw = list(_walk(ET.fromstring(source)))
    except ET.ParseError:
        return (normalise(source),)
    parts: list[Part] = []
    for part in raw:
        if isinstance(part, str):
            words = normalise(part)
            if words and parts and isinstance(parts[-1], str):
                parts[-1] = f"{parts[-1]} {words}"
            elif words:
                parts.append(words)
        elif parts and isinstance(parts[-1], float):
            parts[-1] = round(parts[-1] + part, 3)
        else:
            parts.append(part)
    return tuple(parts)


def _output(speech: Mapping[str, Any]) -> str | None:
    value = speech.get("ssml") or speech.get("text")
    return value if isinstance(value, str) else None


def user_words(result: TurnResult) -> str:
    """What the user did: the turn's label, and for a recorded request, what it asks for."""
    label = result.turn.label
    request = (result.request or {}).get("request") or {}
    if result.turn.kind == "request" and request:
        intent = (request.get("intent") or {}).get("name")
        label += f" ({request.get('type')}{': ' + intent if intent else ''})"
    return label


def exchange(result: TurnResult) -> Exchange:
    """The turn as heard, from the voice answer (SSML) or the text channel's answer."""
    if result.response is not None and result.status == 200:
        body = result.response.get("response") or {}
        speech = speech_parts(_output(body.get("outputSpeech") or {}))
        reprompt = speech_parts(_output((body.get("reprompt") or {}).get("outputSpeech") or {}))
        ends = bool(body.get("shouldEndSession"))
        return Exchange(user_words(result), speech, render_parts(reprompt), ends)
    answer = getattr(result, "answer", None)  # the text channel's (TextTurnResult)
    if isinstance(answer, Answer):
        parts = (answer.speech.text,) if answer.speech.text else ()
        return Exchange(user_words(result), parts, answer.reprompt.text, answer.session_ends)
    return Exchange(user_words(result), None, "", False)


__all__ = ["Exchange", "Part", "exchange", "pause_text", "render_parts", "speech_parts"]
