"""One reply-to-text rule: what is said, and with `cues` what is said during a hold."""

from __future__ import annotations

from shared.reply import Ask, Cue, End, Hold, Reply, Rest, Say
from shared.reply_text import reply_text, step_texts

HOLD = Hold(
    "neck_flexion",
    "neck flexion",
    20,
    1,
    2,
    None,
    None,
    (Cue(0, "c.start", "Hold."), Cue(10, "c.half", "Halfway there.")),
)
REPLY = Reply(
    (Say("s", "Stretch 1."), HOLD, Rest(5, "between_reps", "r", "Rest."), Ask("q", "Ready?", "?")),
    {},
)


def test_text_is_what_is_said_without_cues() -> None:
    assert REPLY.text() == reply_text(REPLY) == "Stretch 1. Rest. Ready?"


def test_cues_come_in_where_the_hold_is() -> None:
    assert reply_text(REPLY, cues=True) == "Stretch 1. Hold. Halfway there. Rest. Ready?"


def test_every_other_step_gives_its_text() -> None:
    assert step_texts(End("bye", "Goodbye.")) == ("Goodbye.",)
    assert step_texts(HOLD) == ()
    assert step_texts(HOLD, cues=True) == ("Hold.", "Halfway there.")
