"""A reply as plain words: the one rule for which steps say what, used by every text front end.

Logs, tests and plain output read what is said (`Reply.text()`); the dialog tool's text channel
also reads a hold's cues, because the tutor shows them while the hold counts down. One function
with a switch keeps the two from drifting apart.
"""

from __future__ import annotations

from shared.reply import Hold, Reply, Step


def step_texts(step: Step, *, cues: bool = False) -> tuple[str, ...]:
    """The words of one step. A hold has no text of its own: with `cues` it gives its cues."""
    if isinstance(step, Hold):
        return tuple(cue.text for cue in step.cues) if cues else ()
    return (step.text,)


def reply_text(reply: Reply, *, cues: bool = False) -> str:
    """Every step's words in order, joined by spaces; with `cues`, a hold's cues where it is."""
    return " ".join(text for step in reply.steps for text in step_texts(step, cues=cues))
