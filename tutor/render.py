"""Labels and answer choices, shared by the plain and the full-screen front ends."""

from __future__ import annotations

from shared import messages
from shared.locales import DEFAULT_LOCALE
from shared.reply import Ask, Hold


def hold_label(hold: Hold, locale: str = DEFAULT_LOCALE) -> str:
    if hold.side_label:
        return messages.text(
            "tutor.rep_side", locale, rep=hold.rep, reps=hold.reps, side=hold.side_label
        )
    return messages.text("tutor.rep", locale, rep=hold.rep, reps=hold.reps)


def _choice_list(key: str, locale: str) -> list[str]:
    if not messages.has(key, locale):
        return []
    return [choice.strip() for choice in messages.text(key, locale).split("|") if choice.strip()]


def answer_choices(ask: Ask, locale: str = DEFAULT_LOCALE) -> list[str]:
    """Answers worth offering for completion at a question: its own, then those for any time.

    They live in the message catalog (`tutor.choices.<question key>`), beside the questions."""
    own = _choice_list(f"tutor.choices.{ask.key}", locale)
    return [*own, *_choice_list("tutor.choices.anytime", locale)]
