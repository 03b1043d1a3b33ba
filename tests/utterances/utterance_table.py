"""The utterance table (utterances.toml) as data, and the two ways an utterance becomes an event.

Typed text goes through the tutor's forgiving matcher; speech goes through the dialog tool's
resolver (an exact sample match in the locale's interaction model, made into the IntentRequest
Alexa would send) and then the skill's own request-to-event translation. Both must agree with the
table, so what a person says means one thing by voice and by text.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model.request_envelope import RequestEnvelope

from shared.events import AREAS, CueLevel, Event, EventKind, Feeling
from shared.locales import LOCALES
from shared.matcher import Matcher
from skill.dialogs.model import DialogError
from skill.dialogs.requests import RequestFactory, Session
from skill.handlers import intent_event

TABLE = Path(__file__).with_name("utterances.toml")
TYPED = "typed"
BY_LOCALE = "locale"


@dataclass(frozen=True, slots=True)
class Expected:
    """The event an utterance must give: its kind and the one detail that kind carries."""

    kind: EventKind
    area: str | None = None
    feeling: Feeling | None = None
    value: int | None = None
    cue_level: CueLevel | None = None

    @classmethod
    def parse(cls, spec: str) -> Expected:
        """ "pain neck", "feeling numb", "set_hold 25", "set_cues fewer", "yes" -> the expected
        event; "set_cues" alone is a request for cues without a level."""
        kind_name, _, detail = spec.partition(" ")
        kind = EventKind(kind_name)
        if not detail:
            return cls(kind)
        if kind is EventKind.FEELING:
            return cls(kind, feeling=Feeling(detail))
        if kind in (EventKind.SET_HOLD, EventKind.SET_REPS, EventKind.SET_GOAL):
            return cls(kind, value=int(detail))
        if kind is EventKind.SET_CUES:
            return cls(kind, cue_level=CueLevel(detail))
        if detail not in AREAS:
            raise ValueError(f"{spec!r}: {detail!r} is not an area")
        return cls(kind, area=detail)

    @classmethod
    def of(cls, event: Event) -> Expected:
        return cls(event.kind, event.area, event.feeling, event.value, event.cue_level)


@dataclass(frozen=True, slots=True)
class Row:
    phase: str
    said: str
    expected: Expected
    locales: tuple[str, ...]
    spoken: bool  # resolved against the interaction model too, not only typed

    @property
    def label(self) -> str:
        return f"{self.phase}: {self.said!r}"


def load_rows(path: Path = TABLE) -> list[Row]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    rows: list[Row] = []
    for phase, entries in data.items():
        if phase == BY_LOCALE:
            for locale, local in entries.items():
                rows += [
                    Row(f"{locale} words", said, Expected.parse(spec), (locale,), True)
                    for said, spec in local.items()
                ]
            continue
        rows += [
            Row(phase, said, Expected.parse(spec), LOCALES, phase != TYPED)
            for said, spec in entries.items()
        ]
    return rows


def typed_event(said: str, locale: str) -> Expected:
    return Expected.of(Matcher.for_locale(locale).to_event(said))


_factories: dict[str, RequestFactory] = {}
_serializer = DefaultSerializer()


def spoken_event(said: str, locale: str) -> Expected:
    """The event the skill makes of the request the dialog tool builds for `said`; words the model
    does not cover are Alexa's FallbackIntent, which the skill reads as UNKNOWN."""
    factory = _factories.setdefault(locale, RequestFactory(locale))
    try:
        envelope = factory.utterance(Session(), said)
    except DialogError:
        return Expected(EventKind.UNKNOWN)
    request = _serializer.deserialize(json.dumps(envelope), RequestEnvelope)
    return Expected.of(intent_event(HandlerInput(request_envelope=request)))
