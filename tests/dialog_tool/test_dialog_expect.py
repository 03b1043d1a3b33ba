"""Expectations: text patterns, SSML-aware comparison, breaks, cards, attributes, directives."""

from __future__ import annotations

from typing import Any

import pytest

from skill.dialogs.expect import Answer, check, is_subset, parse_speech, text_matches

SSML = (
    "<speak>Ease into the stretch, and hold. <break time='10s'/> Halfway there.\n\n"
    "<break time=\"10s\"/>   <break time='500ms'/> And slowly release &amp; relax.</speak>"
)


def _envelope(**response: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "outputSpeech": {"type": "SSML", "ssml": SSML},
        "reprompt": {"outputSpeech": {"type": "SSML", "ssml": "<speak>Ready?</speak>"}},
        "shouldEndSession": False,
        "card": {"type": "Simple", "title": "Neck flexion", "content": "Chin to chest."},
        "directives": [{"type": "Dialog.Delegate"}],
    }
    base.update(response)
    return {
        "version": "1.0",
        "sessionAttributes": {"engine": {"phase": "holding", "rep": 2}},
        "response": base,
    }


def test_ssml_is_parsed_into_words_and_pauses() -> None:
    speech = parse_speech(SSML)
    assert (
        speech.text == "Ease into the stretch, and hold. Halfway there. And slowly release & relax."
    )
    assert speech.breaks == (10.0, 10.0, 0.5)
    assert speech.break_total == 20.5


def test_invalid_ssml_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="SSML does not parse"):
        parse_speech("<speak>unclosed <break></speak>")


@pytest.mark.parametrize(
    ("pattern", "matches"),
    [
        ("Halfway there.", True),
        ("halfway there.", False),
        ("Ease into*release & relax.", True),
        ("Halfway*", False),  # a wildcard pattern matches the whole text
        ("*Halfway*", True),
        ("re:hold\\.\\s+Halfway", True),
        ("re:^Halfway", False),
        (["nope", "Halfway there."], True),
        (["nope", "re:zzz"], False),
        ("<speak>Ease into   the stretch,\nand hold.</speak>", True),
    ],
)
def test_text_patterns(pattern: Any, matches: bool) -> None:
    assert text_matches(pattern, parse_speech(SSML).text) is matches


def test_every_failed_expectation_in_a_turn_is_reported() -> None:
    expect = {
        "speech": "Welcome",
        "reprompt": "Ready?",
        "breaks": {"count": 2, "total": 20, "max": 5},
        "session_ends": True,
        "card": {"title": "Knee to chest", "text": "Chin to chest."},
        "attributes": {"engine": {"phase": "intro"}},
        "directives": ["Dialog.Delegate"],
    }
    failures = check(expect, Answer.from_envelope(_envelope()))
    assert [f.field for f in failures] == [
        "speech",
        "breaks.count",
        "breaks.total",
        "breaks.max",
        "session_ends",
        "card.title",
        "attributes",
    ]
    assert failures[0].actual.startswith("Ease into the stretch")


def test_a_matching_turn_has_no_failures() -> None:
    expect = {
        "speech": "*Halfway there.*",
        "breaks": {"count": 3, "total": 20.5, "max": 10},
        "session_ends": False,
        "card": {"title": "Neck flexion"},
        "attributes": {"engine": {"rep": 2}},
        "directives": [{"type": "Dialog.Delegate"}],
    }
    assert check(expect, Answer.from_envelope(_envelope())) == []


def test_no_card_expected() -> None:
    assert [f.field for f in check({"card": None}, Answer.from_envelope(_envelope()))] == ["card"]
    assert check({"card": None}, Answer.from_envelope(_envelope(card=None))) == []


def test_subset_matching_is_recursive_and_list_aware() -> None:
    assert is_subset({"a": {"b": 1}}, {"a": {"b": 1, "c": 2}, "d": 3})
    assert not is_subset({"a": {"b": 2}}, {"a": {"b": 1}})
    assert is_subset({"a": ["x", {"k": 1}]}, {"a": ["x", {"k": 1, "j": 2}]})
    assert not is_subset({"a": ["x"]}, {"a": ["x", "y"]})
    assert not is_subset({"a": 1}, {})
