"""Engine replies as SSML: holds become chained breaks with cues between them, within limits.

Alexa allows at most 10 s per `<break>`, 240 s of breaks and audio per response and under 8000
characters of speech; the engine already splits long sets across turns, and this module checks the
result so a response that would be cut off or rejected never leaves the skill.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

from shared.reply import Ask, Card, End, Hold, Reply, Rest, Say

MAX_BREAK_SECONDS = 10
MAX_TIMED_SECONDS = 240
MAX_SSML_CHARS = 8000


class SpeechLimitError(ValueError):
    """A rendered response would break one of Alexa's limits."""


@dataclass(frozen=True, slots=True)
class Speech:
    ssml: str
    reprompt_ssml: str | None
    card: Card | None
    timed_seconds: int


def breaks(seconds: float) -> str:
    """A pause of any length as a chain of `<break>` tags of at most 10 s each."""
    whole, parts = int(seconds), []
    while whole > 0:
        step = min(MAX_BREAK_SECONDS, whole)
        parts.append(f'<break time="{step}s"/>')
        whole -= step
    return "".join(parts)


def _text(text: str) -> str:
    return escape(text)


def _hold(hold: Hold) -> str:
    """Cues spoken at their second of the hold, with breaks filling the time between them."""
    pieces, elapsed = [], 0
    for cue in hold.cues:
        pieces.append(breaks(cue.at - elapsed))
        pieces.append(_text(cue.text))
        elapsed = cue.at
    pieces.append(breaks(hold.seconds - elapsed))
    return " ".join(p for p in pieces if p)


def render(reply: Reply) -> Speech:
    """SSML for the reply's steps; the closing question's reprompt as the reprompt."""
    pieces: list[str] = []
    timed = 0
    for step in reply.steps:
        if isinstance(step, Hold):
            pieces.append(_hold(step))
            timed += step.seconds
        elif isinstance(step, Rest):
            pieces.append(f"{_text(step.text)} {breaks(step.seconds)}")
            timed += step.seconds
        elif isinstance(step, Say | Ask | End):
            pieces.append(_text(step.text))
    ask = reply.ask
    speech = Speech(
        ssml=f"<speak>{' '.join(pieces)}</speak>",
        reprompt_ssml=f"<speak>{_text(ask.reprompt)}</speak>" if ask else None,
        card=reply.card,
        timed_seconds=timed,
    )
    check_limits(speech)
    return speech


def check_limits(speech: Speech) -> None:
    if speech.timed_seconds > MAX_TIMED_SECONDS:
        raise SpeechLimitError(f"{speech.timed_seconds} s of breaks is over {MAX_TIMED_SECONDS} s")
    if len(speech.ssml) >= MAX_SSML_CHARS:
        raise SpeechLimitError(f"{len(speech.ssml)} characters of SSML is over {MAX_SSML_CHARS}")
