"""A property of the text matcher (issue 13): negated pain is never a pain report.

"no pain", "it doesn't hurt" and "no, it didn't hurt" are the usual good answers at a check-in;
reading them as pain stops a routine for nothing and teaches people to stop answering.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.events import EventKind, Feeling
from shared.locales import LOCALES
from shared.matcher import Matcher

NEGATIONS = [
    "no",
    "not",
    "never",
    "didn't",
    "doesn't",
    "don't",
    "isn't",
    "wasn't",
    "nothing",
    "without",
    "it doesn't",
    "it didn't",
    "it does not",
    "it did not",
    "it wasn't",
    "it isn't",
    "it's not",
    "that didn't",
    "that doesn't",
    "that wasn't",
    "no it didn't",
    "no it doesn't",
    "no, it did not",
    "no, that didn't",
    "nope it didn't",
    "there's no",
    "i don't feel any",
    "i didn't feel any",
    "i don't have any",
    "it didn't cause any",
    "no it didn't really",
    "not at all",
    "no real",
    "no neck",
    "no lower back",
]
PAIN_WORDS = ["hurt", "pain", "painful", "sore", "ache"]
# Words people put in between or after without changing the meaning.
FILLERS = ["", "really", "even", "at all", "much", "a bit", "um", "that"]


@st.composite
def negated_pain(draw: st.DrawFn) -> str:
    negation = draw(st.sampled_from(NEGATIONS))
    between = draw(st.sampled_from(FILLERS[:-1]))
    pain = draw(st.sampled_from(PAIN_WORDS))
    after = draw(st.sampled_from(["", "at all", "thanks", "really"]))
    punctuation = draw(st.sampled_from(["", ".", "!", ","]))
    text = " ".join(part for part in (negation, between, pain, after) if part)
    return draw(st.sampled_from([text, text.capitalize(), text.upper()])) + punctuation


@settings(max_examples=400, deadline=None)
@given(said=negated_pain(), locale=st.sampled_from(LOCALES))
def test_a_negation_then_a_pain_word_is_never_pain(said: str, locale: str) -> None:
    event = Matcher.for_locale(locale).to_event(said)
    assert event.kind is not EventKind.PAIN, said
    assert event.feeling is not Feeling.PAINFUL, said


@settings(max_examples=200, deadline=None)
@given(
    start=st.sampled_from(["no", "no,", "nope", "not really,", "yes", ""]),
    clause=st.sampled_from(["it hurts", "that hurts", "my neck hurts", "it's sore", "ouch"]),
)
def test_a_no_before_a_new_clause_of_pain_is_still_pain(start: str, clause: str) -> None:
    """The other side of the rule: "no, it hurts" answers the question and reports pain."""
    said = f"{start} {clause}".strip()
    assert Matcher.for_locale().to_event(said).kind is EventKind.PAIN, said
