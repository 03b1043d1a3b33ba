"""Reply steps as lines of text, shared by the plain and the full-screen front ends."""

from __future__ import annotations

from shared import messages
from shared.reply import Ask, End, Hold, Say, Step


def hold_label(hold: Hold, locale: str = "en-US") -> str:
    if hold.side_label:
        return messages.text(
            "tutor.rep_side", locale, rep=hold.rep, reps=hold.reps, side=hold.side_label
        )
    return messages.text("tutor.rep", locale, rep=hold.rep, reps=hold.reps)


def step_text(step: Step) -> str | None:
    """The words of a step that is shown as text (holds and rests are shown as countdowns)."""
    if isinstance(step, Say | End):
        return step.text
    if isinstance(step, Ask) and step.kind == "question":
        return step.text
    return None


def answer_choices(ask: Ask) -> list[str]:
    """Words worth offering for completion at a question."""
    by_key = {
        "screen.question": ["no", "yes"],
        "area.question": ["neck and shoulders", "lower back", "both"],
        "usual.question": ["yes", "no", "neck and shoulders", "lower back", "both"],
        "tips.question": ["yes", "no"],
        "intro.ready": ["ready", "next", "repeat"],
        "checkin.question": ["fine", "it hurts", "next"],
        "pain.offer_next": ["yes", "stop"],
        "delete.confirm": ["yes", "no"],
        "pause.prompt": ["resume", "stop"],
    }
    common = [
        "help",
        "pause",
        "stop",
        "how long will it take",
        "hold for 30 seconds",
        "what did i do last time",
    ]
    return [*by_key.get(ask.key, []), *common]
