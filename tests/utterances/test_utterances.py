"""Issue 13's utterance table: at every step, what people say gives the event it must, by text
through the matcher and by voice through each locale's interaction model."""

from __future__ import annotations

from collections import Counter

import pytest

from shared.events import STOP_FEELINGS, CueLevel, EventKind, Feeling
from shared.locales import LOCALES
from shared.model import load_model
from tests.utterances.utterance_table import Row, load_rows, spoken_event, typed_event

ROWS = load_rows()
PAIRS = [(row, locale) for row in ROWS for locale in row.locales]


def _id(pair: tuple[Row, str]) -> str:
    row, locale = pair
    return f"{locale}-{row.label}"


@pytest.mark.parametrize("pair", PAIRS, ids=[_id(p) for p in PAIRS])
def test_typed_text_gives_the_event(pair: tuple[Row, str]) -> None:
    row, locale = pair
    assert typed_event(row.said, locale) == row.expected


SPOKEN = [p for p in PAIRS if p[0].spoken]


@pytest.mark.parametrize("pair", SPOKEN, ids=[_id(p) for p in SPOKEN])
def test_speech_resolves_to_the_event(pair: tuple[Row, str]) -> None:
    row, locale = pair
    assert spoken_event(row.said, locale) == row.expected


def test_the_table_covers_every_phase_and_every_symptom() -> None:
    spoken = [row for row in ROWS if row.spoken and row.locales == LOCALES]
    assert len(spoken) >= 200
    per_phase = Counter(row.phase for row in spoken)
    phases = ("screen", "area", "tips", "intro", "between_sets", "check_in", "paused")
    for phase in (*phases, "after_pain", "settings"):
        assert per_phase[phase] >= 8, phase
    feelings = {row.expected.feeling for row in spoken}
    assert feelings >= set(Feeling)
    pain_areas = {row.expected.area for row in spoken if row.expected.kind is EventKind.PAIN}
    assert pain_areas >= {None, "neck", "lower_back"}
    per_kind = Counter(row.expected.kind for row in spoken)
    for kind in (EventKind.SKIP, EventKind.EXPLAIN, EventKind.REDO, EventKind.TIPS):
        assert per_kind[kind] >= 6, kind
    cue_levels = Counter(row.expected.cue_level for row in spoken if row.expected.cue_level)
    assert set(cue_levels) == set(CueLevel)
    assert all(count >= 6 for count in cue_levels.values()), cue_levels


@pytest.mark.parametrize("locale", LOCALES)
def test_every_symptom_word_of_the_model_stops(locale: str) -> None:
    """Each synonym of a stop symptom, said alone, gives that symptom by voice and by text."""
    for value in load_model(locale).slot_types["FeelingType"]:
        if value.id not in STOP_FEELINGS:
            continue
        for phrase in value.phrases:
            assert typed_event(phrase, locale).feeling == value.id, phrase
            assert spoken_event(phrase, locale).feeling == value.id, phrase


@pytest.mark.parametrize("locale", LOCALES)
def test_feeling_words_never_name_an_area(locale: str) -> None:
    """ "{area}" and "{feeling}" are both whole samples: no phrase may belong to both types."""
    types = load_model(locale).slot_types
    areas = {p.lower() for v in types["AreaType"] for p in v.phrases}
    feelings = {p.lower() for v in types["FeelingType"] for p in v.phrases}
    assert not areas & feelings
    assert {v.id for v in types["FeelingType"]} == set(Feeling)
