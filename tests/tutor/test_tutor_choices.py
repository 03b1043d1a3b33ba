"""The answers offered at each question are real questions' answers the matcher understands."""

from __future__ import annotations

import pytest

from shared import messages
from shared.events import EventKind
from shared.matcher import Matcher
from shared.reply import Ask
from tutor.render import answer_choices

PREFIX = "tutor.choices."
QUESTION_KEYS = sorted(
    key.removeprefix(PREFIX)
    for key in messages.catalog()["en"]
    if key.startswith(PREFIX) and key != f"{PREFIX}anytime"
)


def test_every_engine_question_has_choices() -> None:
    # The keys the engine asks with (`t.ask(...)` and `question(...)` in shared/engine), less the
    # two "continue" questions between the parts of a set, which the tutor never stops at.
    engine_questions = {
        "screen.question",
        "screen.reprompt",  # the screen's questions asked again in a short form
        "screen.urgent_question",
        "screen.urgent_reprompt",
        "screen.neck_question",
        "screen.neck_reprompt",
        "memory.question",
        "memory.question_no_stretch",
        "memory.offer_other",
        "checkin.again",
        "usual.question",
        "area.question",
        "tips.question",
        "tips.more_question",  # after the first half of the tips (#14)
        "intro.ready",
        "checkin.question",
        "pain.offer_next",
        "delete.confirm",
        "pause.prompt",
    }
    assert set(QUESTION_KEYS) == engine_questions
    assert all(messages.has(key) for key in QUESTION_KEYS)  # no typo: each is an engine message


@pytest.mark.parametrize("key", QUESTION_KEYS)
def test_offered_answers_are_understood(key: str) -> None:
    matcher = Matcher.for_locale("en-US")
    choices = answer_choices(Ask(key, "?", "?"))
    assert choices[-1] == "what did i do last time" and len(choices) == len(set(choices))
    for choice in choices:
        understood = matcher.to_event(choice).kind is not EventKind.UNKNOWN
        # "How did that feel?" takes any answer ("fine" included) as a check-in
        assert understood or key == "checkin.question", f"{choice!r} at {key}"


def test_area_choices_name_every_area() -> None:
    matcher = Matcher.for_locale("en-US")
    areas = {matcher.to_event(c).area for c in answer_choices(Ask("area.question", "?", "?"))}
    assert areas >= {"neck", "lower_back", "both"}
