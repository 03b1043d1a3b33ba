"""'What do you keep about me?' is answered wherever it is asked, and the question comes back."""

from __future__ import annotations

import pytest
from engine_talk import TODAY, Talk, keys

from shared.events import EventKind as K
from tutor.session import TutorSession
from tutor.store import MemoryStore


@pytest.mark.parametrize("where", ["screen", "area", "intro"])
def test_privacy_is_answered_and_the_question_asked_again(where: str) -> None:
    talk = Talk()
    if where == "screen":
        talk(K.LAUNCH)
    elif where == "area":
        talk.to_area_question()
    else:
        talk.to_first_intro("neck")
    question = talk.replies[-1].ask
    reply = talk(K.PRIVACY)
    assert keys(reply)[0] == "privacy.summary"
    assert "delete my data" in reply.text() and "18 months" in reply.text()
    assert question is not None and reply.ask is not None and reply.ask.key == question.key


def test_typed_in_the_tutor_too() -> None:
    session = TutorSession(MemoryStore(), TODAY)
    session.start()
    reply = session.feed_text("what do you keep about me?")
    assert "I keep your sessions" in reply.text()
