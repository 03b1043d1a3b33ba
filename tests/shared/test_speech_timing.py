"""The speech-timing model: its figures reproduce Amazon's rate, and it counts what it says."""

from __future__ import annotations

import pytest

from shared import messages
from shared.exercise_catalog import load_exercise_catalog
from shared.speech_timing import (
    AMAZON_CHARACTERS_PER_MINUTE,
    CLAUSE_PAUSE_SECONDS,
    SENTENCE_PAUSE_SECONDS,
    WORD_SECONDS,
    HeardClock,
    spoken_seconds,
    word_count,
)


def _catalog_texts() -> list[str]:
    """What the coach says: the engine's messages without placeholders, and the exercises."""
    engine = [
        text
        for key, text in messages.catalog()["en"].items()
        if "{" not in text and not key.startswith(("tutor.", "skill.", "cli."))
    ]
    catalog = load_exercise_catalog()
    content = [catalog.notice, catalog.whole_back, catalog.encouragement]
    content += [tip.text for tip in (*catalog.preparation, *catalog.safety)]
    for exercise in catalog.exercises:
        content += [exercise.position, *exercise.instructions, exercise.feel, exercise.release]
    return engine + content


def test_the_catalog_is_spoken_at_amazons_rate() -> None:
    """Amazon: 10,000 characters of speech take roughly 10 minutes (1,000 a minute)."""
    texts = _catalog_texts()
    characters = sum(len(text) + 1 for text in texts)
    amazon = characters / AMAZON_CHARACTERS_PER_MINUTE * 60
    model = sum(spoken_seconds(text) for text in texts)
    print(f"catalog: {characters} characters, Amazon {amazon:.0f} s, model {model:.0f} s")
    assert model == pytest.approx(amazon, rel=0.05)


@pytest.mark.parametrize(
    ("text", "words"),
    [("Halfway.", 1), ("Don't push.", 2), ("1 of 5.", 3), ("Hold for 20 seconds.", 4), ("", 0)],
)
def test_words_are_counted_as_spoken(text: str, words: int) -> None:
    assert word_count(text) == words


def test_pauses_come_between_sentences_and_clauses_not_at_the_end() -> None:
    assert spoken_seconds("Breathe slowly.") == pytest.approx(2 * WORD_SECONDS)
    assert spoken_seconds("Ease in. Hold.") == pytest.approx(
        3 * WORD_SECONDS + SENTENCE_PAUSE_SECONDS
    )
    assert spoken_seconds("Ease in, and hold.") == pytest.approx(
        4 * WORD_SECONDS + CLAUSE_PAUSE_SECONDS
    )
    assert spoken_seconds("   ") == 0


def test_texts_said_back_to_back_are_heard_as_one() -> None:
    clock = HeardClock()
    clock.say("Ease in.")
    clock.say("Hold.")
    assert clock.seconds == pytest.approx(spoken_seconds("Ease in. Hold."))
    clock.pause(5)
    added = clock.say("Release.")  # after silence: no sentence pause before it
    assert added == pytest.approx(spoken_seconds("Release."))
    assert clock.seconds == pytest.approx(spoken_seconds("Ease in. Hold.") + 5 + added)
