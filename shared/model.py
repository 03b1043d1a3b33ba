"""The Alexa interaction models as data the rest of the product can read.

The tutor's text matcher, the dialog tester and the model checks all read the same JSON files in
`interaction_models/`, so what a user can say is defined once for voice and text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import shared
from shared.locales import DEFAULT_LOCALE, LOCALES

MODELS_DIR = Path(shared.__file__).resolve().parent.parent / "interaction_models"


class ModelError(ValueError):
    """An interaction model file is missing or malformed."""


@dataclass(frozen=True, slots=True)
class SlotValue:
    id: str
    name: str
    synonyms: tuple[str, ...]

    @property
    def phrases(self) -> tuple[str, ...]:
        return (self.name, *self.synonyms)


@dataclass(frozen=True, slots=True)
class IntentDef:
    name: str
    samples: tuple[str, ...]
    slots: dict[str, str]  # slot name -> slot type


@dataclass(frozen=True, slots=True)
class InteractionModel:
    locale: str
    invocation_name: str
    intents: dict[str, IntentDef]
    slot_types: dict[str, tuple[SlotValue, ...]]

    def resolve(self, slot_type: str, spoken: str) -> SlotValue | None:
        """Entity resolution as Alexa does it for custom types: a value's name or synonym."""
        wanted = " ".join(spoken.lower().split())
        for value in self.slot_types.get(slot_type, ()):
            if wanted in (p.lower() for p in value.phrases) or wanted == value.id:
                return value
        return None


def _slot_value(raw: dict[str, Any]) -> SlotValue:
    name = raw.get("name") or {}
    return SlotValue(
        id=str(raw.get("id") or name.get("value")),
        name=str(name.get("value", "")),
        synonyms=tuple(str(s) for s in name.get("synonyms", ())),
    )


def parse_model(data: dict[str, Any], locale: str) -> InteractionModel:
    """Read the `interactionModel.languageModel` document Alexa uses."""
    try:
        language = data["interactionModel"]["languageModel"]
        intents = {
            i["name"]: IntentDef(
                name=i["name"],
                samples=tuple(i.get("samples", ())),
                slots={s["name"]: s["type"] for s in i.get("slots", ())},
            )
            for i in language["intents"]
        }
        types = {
            t["name"]: tuple(_slot_value(v) for v in t["values"]) for t in language.get("types", ())
        }
        return InteractionModel(locale, language["invocationName"], intents, types)
    except (KeyError, TypeError) as error:
        raise ModelError(f"interaction model {locale} is malformed: missing {error}") from error


def model_path(locale: str) -> Path:
    """The file for a locale, falling back to the same language, then en-US."""
    language = locale.split("-")[0]
    candidates = [locale, *sorted(c for c in LOCALES if c.split("-")[0] == language)]
    for candidate in [*candidates, DEFAULT_LOCALE]:
        path = MODELS_DIR / f"{candidate}.json"
        if path.is_file():
            return path
    raise ModelError(f"no interaction model for {locale} in {MODELS_DIR}")


@cache
def load_model(locale: str = DEFAULT_LOCALE) -> InteractionModel:
    path = model_path(locale)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ModelError(f"cannot read {path}: {error}") from error
    return parse_model(data, path.stem)
