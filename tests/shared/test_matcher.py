"""The text matcher reads the interaction model, so typed text follows the voice model."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.events import CueLevel, Event, EventKind
from shared.intents import event_for_intent
from shared.matcher import Matcher, _builtin_phrases, normalise, normalise_sample, words_to_number
from shared.model import LOCALES, load_model


def _filled(sample: str, slots: dict[str, str], locale: str) -> tuple[str, dict[str, str]]:
    values: dict[str, str] = {}
    model = load_model(locale)

    def fill(found: re.Match[str]) -> str:
        slot_type = slots[found.group(1)]
        built_in = {"AMAZON.NUMBER": "25", "AMAZON.TIME": "7:30"}
        value = built_in.get(slot_type) or model.slot_types[slot_type][0].synonyms[0]
        values[found.group(1)] = value
        return value

    return re.sub(r"\{(\w+)\}", fill, sample), values


@pytest.mark.parametrize("locale", LOCALES)
def test_every_sample_matches_its_own_intent_exactly(locale: str) -> None:
    matcher = Matcher(load_model(locale))
    checked = 0
    for intent in load_model(locale).intents.values():
        for sample in intent.samples:
            text, values = _filled(sample, intent.slots, locale)
            found = matcher.match_exact(text)
            assert found is not None and found.intent == intent.name, (sample, found)
            assert set(found.slots) == set(values)
            checked += 1
    assert checked > 100


@pytest.mark.parametrize(
    ("text", "kind", "area"),
    [
        ("my neck is stiff", EventKind.CHOOSE_AREA, "neck"),
        ("Lower back, please!", EventKind.CHOOSE_AREA, "lower_back"),
        ("next", EventKind.NEXT, None),
        ("next stretch", EventKind.SKIP, None),
        ("Skip this one, please", EventKind.SKIP, None),
        ("say that again", EventKind.REPEAT, None),
        ("do it again", EventKind.REDO, None),
        ("How do I do this?", EventKind.EXPLAIN, None),
        ("any tips?", EventKind.TIPS, None),
        ("That hurts", EventKind.PAIN, None),
        ("ouch, my shoulder really aches", EventKind.PAIN, "neck"),
        ("start my back stretches", EventKind.START, None),
        ("start my neck stretches", EventKind.START, "neck"),
        ("um, I think my shoulders are tight", EventKind.CHOOSE_AREA, "neck"),
        ("can we stretch the whole back", EventKind.START, "both"),
        ("yes please", EventKind.YES, None),
        ("nope", EventKind.NO, None),
        ("?", EventKind.HELP, None),
        ("what did I do last time?", EventKind.HISTORY, None),
        ("delete my data", EventKind.DELETE_DATA, None),
        ("purple monkey dishwasher", EventKind.UNKNOWN, None),
        ("", EventKind.UNKNOWN, None),
    ],
)
def test_typed_text_becomes_events(text: str, kind: EventKind, area: str | None) -> None:
    event = Matcher.for_locale("en-US").to_event(text)
    assert (event.kind, event.area) == (kind, area)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("hold for 25 seconds", 25),
        ("hold for twenty five seconds", 25),
        ("set reps to eight", 8),
        ("10 reps", 10),
    ],
)
def test_numbers_as_digits_and_words(text: str, value: int) -> None:
    assert Matcher.for_locale().to_event(text).value == value


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("talk less", CueLevel.FEWER),
        ("talk more", CueLevel.MORE),
        ("more cues please", CueLevel.MORE),
        ("Fewer cues!", CueLevel.FEWER),
        ("the usual cues", CueLevel.NORMAL),
        ("could you give me fewer cues please", CueLevel.FEWER),
        ("I'd like lots of coaching", CueLevel.MORE),
        ("not so many reminders", CueLevel.FEWER),
        ("no more cues", None),
        ("cues", None),
    ],
)
def test_cue_levels_in_typed_text(text: str, level: CueLevel | None) -> None:
    """A level said with a word for cues asks for it; a negated or missing level is no level,
    and the engine then names the levels."""
    event = Matcher.for_locale().to_event(text)
    assert (event.kind, event.cue_level) == (EventKind.SET_CUES, level)


def test_cue_intent_events() -> None:
    assert event_for_intent("CuesIntent", {"level": "more"}) == Event(
        EventKind.SET_CUES, cue_level=CueLevel.MORE
    )
    assert event_for_intent("CuesIntent", {"level": None}) == Event(EventKind.SET_CUES)
    assert event_for_intent("CuesIntent", {"level": "loud"}) == Event(EventKind.SET_CUES)
    assert event_for_intent("CuesIntent") == Event(EventKind.SET_CUES)


@pytest.mark.parametrize("locale", LOCALES)
def test_built_in_phrases_are_never_samples(locale: str) -> None:
    """Samples are indexed before built-in phrases, so a phrase that is also a sample would
    silently mean the sample's intent ("skip" was NextIntent's, and is SkipIntent's sample)."""
    samples = {
        normalise_sample(sample): intent.name
        for intent in load_model(locale).intents.values()
        for sample in intent.samples
    }
    owners: dict[str, str] = {}
    for intent, phrases in _builtin_phrases().items():
        for phrase in phrases:
            said = normalise(phrase)
            assert said not in samples, (phrase, intent, samples.get(said))
            assert owners.setdefault(said, intent) == intent, (phrase, owners[said], intent)


def test_number_words() -> None:
    assert [
        words_to_number(w) for w in ("7", "seven", "forty", "forty-two", "nine ten", "lots")
    ] == [7, 7, 40, 42, None, None]


def test_exact_matching_refuses_what_the_model_does_not_cover() -> None:
    matcher = Matcher.for_locale()
    assert matcher.match_exact("my neck is really stiff") is None
    assert matcher.match("my neck is really stiff") is not None
    assert matcher.match_exact("start my elbow stretches") is None


def test_normalise() -> None:
    assert normalise("  It\u2019s   PAINFUL!! ") == "it's painful"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text_never_raises(text: str) -> None:
    matcher = Matcher.for_locale()
    found = matcher.match(text)
    assert found is None or found.intent in load_model().intents
    assert matcher.to_event(text).kind in EventKind
