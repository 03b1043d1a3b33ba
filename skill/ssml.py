"""Engine replies as SSML: each hold lasts what the coach says as heard, within Alexa's limits.

A hold of N seconds runs from the end of its start cue to the start of its release cue; the
cues said inside it take time too, so each break is shortened by the spoken length of what
was said since the hold began (the one speech-timing model, shared/speech_timing.py). Rests
and side switches are exact the same way: their words are inside their seconds.

Alexa allows at most 10 s per `<break>`, 240 s of breaks and audio per response and under 8000
characters of speech; the engine splits long sets across turns by their heard length, and this
module checks the result, so a response that would be cut off or rejected never leaves the skill.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from shared.reply import Ask, Card, Cue, End, Hold, Reply, Rest, Say
from shared.speech_timing import HeardClock

MAX_BREAK_SECONDS = 10
MAX_TIMED_SECONDS = 240
MAX_SSML_CHARS = 8000


class SpeechLimitError(ValueError):
    """A rendered response would break one of Alexa's limits."""


@dataclass(frozen=True, slots=True)
class Timed:
    """When a hold or rest of the reply is timed, in heard seconds from the start of the speech:
    a hold from the end of its start cue to its release, a rest with its words inside it. A
    screen counts down from these, in step with what is heard."""

    step: int  # its index in the reply's steps
    start: float
    end: float


@dataclass(frozen=True, slots=True)
class Speech:
    ssml: str
    reprompt_ssml: str | None
    card: Card | None
    break_seconds: float  # silence asked for with <break> tags
    heard_seconds: float  # breaks plus speech, as the speech-timing model says it is heard
    timeline: tuple[Timed, ...] = ()  # each hold and rest, as heard


def breaks(seconds: float) -> str:
    """A pause of any length, to the millisecond, as a chain of `<break>` tags of at most 10 s."""
    left, parts = max(0, round(seconds * 1000)), []
    while left > 0:
        step = min(MAX_BREAK_SECONDS * 1000, left)
        parts.append(
            f'<break time="{step}ms"/>' if step % 1000 else f'<break time="{step // 1000}s"/>'
        )
        left -= step
    return "".join(parts)


def text_for_ssml(text: str) -> str:
    """Text made safe inside SSML: &, < and > escaped (html's escape without quotes is what
    xml.sax.saxutils' does, without importing urllib.request with it on a cold start)."""
    return escape(text, quote=False)


class _Timeline:
    """Rendered pieces with their heard length and silence, built up in order."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.clock = HeardClock()
        self.silence = 0.0

    @property
    def heard(self) -> float:
        return self.clock.seconds

    def say(self, text: str) -> float:
        self.pieces.append(text_for_ssml(text))
        return self.clock.say(text)

    def pause(self, seconds: float) -> None:
        seconds = max(0.0, round(seconds, 3))
        if seconds:
            self.pieces.append(breaks(seconds))
            self.clock.pause(seconds)
            self.silence += seconds


def _hold(line: _Timeline, hold: Hold) -> float:
    """The start cue, then inner cues at their second of the hold with breaks filling the time
    left between them, then the release at exactly `hold.seconds` as heard. Returns when, as
    heard, the timed part began."""
    before = [c for c in hold.cues if c.at <= 0]
    inside = [c for c in hold.cues if 0 < c.at < hold.seconds]
    after = [c for c in hold.cues if c.at >= hold.seconds]
    for cue in before:
        line.say(cue.text)
    start = line.heard
    elapsed = 0.0
    for cue in inside:
        line.pause(cue.at - elapsed)
        elapsed = max(elapsed, cue.at) + line.say(cue.text)
    line.pause(hold.seconds - elapsed)
    for cue in after:
        line.say(cue.text)
    return start


def _rest(line: _Timeline, rest: Rest) -> None:
    """A rest or side switch of `rest.seconds` as heard, its words included."""
    spoken = line.say(rest.text)
    line.pause(rest.seconds - spoken)


def inner_cues(hold: Hold) -> list[Cue]:
    """The cues said while the hold is timed (not its start or release)."""
    return [c for c in hold.cues if 0 < c.at < hold.seconds]


def render(reply: Reply) -> Speech:
    """SSML for the reply's steps; the closing question's reprompt as the reprompt."""
    line = _Timeline()
    timeline: list[Timed] = []
    for index, step in enumerate(reply.steps):
        if isinstance(step, Hold):
            start = _hold(line, step)
            timeline.append(Timed(index, round(start, 3), round(start + step.seconds, 3)))
        elif isinstance(step, Rest):
            start = line.heard
            _rest(line, step)
            timeline.append(Timed(index, round(start, 3), round(start + step.seconds, 3)))
        elif isinstance(step, Say | Ask | End):
            line.say(step.text)
    ask = reply.ask
    speech = Speech(
        ssml=f"<speak>{' '.join(line.pieces)}</speak>",
        reprompt_ssml=f"<speak>{text_for_ssml(ask.reprompt)}</speak>" if ask else None,
        card=reply.card,
        break_seconds=round(line.silence, 3),
        heard_seconds=round(line.heard, 3),
        timeline=tuple(timeline),
    )
    check_limits(speech)
    return speech


def check_limits(speech: Speech) -> None:
    """Alexa's limits, measured with the speech-timing model: breaks and speech together within
    240 s (breaks alone are what Alexa counts; speech is counted too, so a response is never cut
    off), and the SSML under 8000 characters."""
    if speech.heard_seconds > MAX_TIMED_SECONDS:
        raise SpeechLimitError(f"{speech.heard_seconds:.0f} s heard is over {MAX_TIMED_SECONDS} s")
    if len(speech.ssml) >= MAX_SSML_CHARS:
        raise SpeechLimitError(f"{len(speech.ssml)} characters of SSML is over {MAX_SSML_CHARS}")
