"""What a dialog may ask of the interaction models: a locale that has one, its intents and slots,
and how speech the model does not cover is sent.

`intent: NoSuchIntent` would reach the skill as a request Alexa never sends, and a dialog in a
locale without a model would quietly use another locale's, so both are load errors. Speech is
resolved at run time: `strict` (the default) refuses an utterance no sample covers, `fallback`
sends it as AMAZON.FallbackIntent, which is what Alexa does with words it cannot place.
"""

from __future__ import annotations

from collections.abc import Mapping

from shared.model import MODELS_DIR, InteractionModel, load_model
from skill.dialogs.errors import Where, did_you_mean

STRICT = "strict"
FALLBACK = "fallback"
NLU_MODES = (STRICT, FALLBACK)
FALLBACK_INTENT = "AMAZON.FallbackIntent"


def available_locales() -> tuple[str, ...]:
    """The locales with an interaction model file."""
    return tuple(sorted(path.stem for path in MODELS_DIR.glob("*.json")))


def model_for(locale: str, where: Where) -> InteractionModel:
    """The locale's own model (no fallback to a sibling locale: the dialog asked for this one)."""
    known = available_locales()
    if locale not in known:
        raise where.error(
            f"no interaction model for {locale!r}{did_you_mean(locale, known)}; "
            f"the locales with one are {', '.join(known)} ({MODELS_DIR.name}/<locale>.json)"
        )
    return load_model(locale)


def check_intent(
    name: str, slots: Mapping[str, str], model: InteractionModel, where: Where
) -> None:
    """The intent is in the model, and each slot is one of that intent's."""
    intent = model.intents.get(name)
    if intent is None:
        raise where.error(
            f"the {model.locale} interaction model has no intent {name!r}"
            f"{did_you_mean(name, model.intents)}"
        )
    for slot in slots:
        if slot not in intent.slots:
            known = ", ".join(intent.slots) or "none"
            raise where.at(slots, slot).error(
                f"{name} has no slot {slot!r}{did_you_mean(slot, intent.slots)}; its slots: {known}"
            )


def uncovered(locale: str, text: str) -> str:
    """The strict mode's error for speech no sample covers, saying how to opt in to fallback."""
    return (
        f"the {locale} interaction model does not cover {text!r} "
        f"(to send such speech as {FALLBACK_INTENT}, as Alexa does, "
        f"run with --nlu {FALLBACK} or put 'nlu: {FALLBACK}' in the dialog)"
    )
