"""Every interaction model is valid for Alexa and consistent with the engine's intents."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from shared.events import AREAS, CueLevel, Feeling
from shared.intents import (
    AREA_SLOT_TYPE,
    CUE_LEVEL_SLOT_TYPE,
    CUSTOM_INTENT_SLOTS,
    FEELING_SLOT_TYPE,
    INTENT_EVENTS,
)
from shared.model import LOCALES, MODELS_DIR

REQUIRED_BUILTINS = {
    "AMAZON.CancelIntent",
    "AMAZON.HelpIntent",
    "AMAZON.StopIntent",
    "AMAZON.NavigateHomeIntent",
}
LAUNCH_WORDS = {
    "ask",
    "tell",
    "open",
    "launch",
    "start",
    "begin",
    "play",
    "load",
    "resume",
    "run",
    "enable",
    "use",
    "talk",
    "stop",
    "cancel",
    "exit",
    "quit",
}
WAKE_WORDS = {"alexa", "amazon", "echo", "computer", "ziggy", "skill", "app"}
ARTICLES_PREPOSITIONS = {
    "a",
    "an",
    "the",
    "for",
    "to",
    "of",
    "on",
    "in",
    "at",
    "by",
    "with",
    "from",
}
SAMPLE_CHARS = re.compile(r"^[a-z0-9' .{}]+$")
SLOT_REF = re.compile(r"\{(\w+)\}")


def _language(locale: str) -> dict[str, Any]:
    return json.loads((MODELS_DIR / f"{locale}.json").read_text(encoding="utf-8"))[
        "interactionModel"
    ]["languageModel"]


def test_there_is_one_model_per_locale() -> None:
    assert sorted(p.stem for p in Path(MODELS_DIR).glob("*.json")) == sorted(LOCALES)


def invocation_problems(name: str) -> list[str]:
    """The invocation-name rules, as a list of broken ones (empty means valid)."""
    words = name.split()
    problems = []
    if not re.fullmatch(r"[a-z ]+", name) or name != " ".join(words):
        problems.append("only lowercase letters and single spaces")
    if len(words) < 2:
        problems.append("at least two words")
    if LAUNCH_WORDS & set(words):
        problems.append("no launch words")
    if WAKE_WORDS & set(words):
        problems.append("no wake words")
    if len(words) == 2 and ARTICLES_PREPOSITIONS & set(words):
        problems.append("a two-word name has no article or preposition")
    return problems


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("back stretch coach", True),
        ("Back stretch coach", False),
        ("coach", False),
        ("start stretch coach", False),
        ("alexa stretch coach", False),
        ("the coach", False),
        ("coach for the back", True),
        ("back  stretch", False),
    ],
)
def test_invocation_name_rules(name: str, valid: bool) -> None:
    assert (invocation_problems(name) == []) is valid


@pytest.mark.parametrize("locale", LOCALES)
def test_model_is_valid(locale: str) -> None:
    language = _language(locale)
    assert language["invocationName"] == "back stretch coach"
    assert invocation_problems(language["invocationName"]) == []
    intents = {i["name"]: i for i in language["intents"]}
    assert set(intents) == set(INTENT_EVENTS), "every intent has an engine event and vice versa"
    assert set(intents) >= REQUIRED_BUILTINS
    types = {t["name"]: t for t in language.get("types", [])}
    seen: dict[str, str] = {}
    for name, intent in intents.items():
        slots = {s["name"]: s["type"] for s in intent.get("slots", [])}
        if not name.startswith("AMAZON."):
            assert slots == CUSTOM_INTENT_SLOTS[name]
        for slot_type in slots.values():
            assert slot_type.startswith("AMAZON.") or slot_type in types, slot_type
        samples = intent.get("samples", [])
        assert len(samples) == len(set(samples)), f"duplicate sample in {name}"
        for sample in samples:
            assert SAMPLE_CHARS.match(sample), f"{name}: bad characters in {sample!r}"
            assert sample == " ".join(sample.split()), f"{name}: spacing in {sample!r}"
            used = set(SLOT_REF.findall(sample))
            assert used <= set(slots), f"{name}: {sample!r} uses an undeclared slot"
            # a slot counts by its type: "{area}" and "{feeling}" are different samples
            key = sample
            for slot, slot_type in slots.items():
                key = key.replace(f"{{{slot}}}", f"{{{slot_type}}}")
            assert key not in seen or seen[key] == name, (
                f"{sample!r} is in {seen.get(key)} and {name}"
            )
            seen[key] = name
        if not name.startswith("AMAZON."):
            assert len(samples) >= 8, f"{name} needs more samples"


@pytest.mark.parametrize("locale", LOCALES)
def test_slot_type_values_are_unique(locale: str) -> None:
    for slot_type in _language(locale)["types"]:
        ids = [v["id"] for v in slot_type["values"]]
        assert len(ids) == len(set(ids))
        phrases = [
            p.lower()
            for v in slot_type["values"]
            for p in [v["name"]["value"], *v["name"].get("synonyms", [])]
        ]
        assert len(phrases) == len(set(phrases)), "a synonym resolves to two values"


def test_all_locales_share_intents_and_slots() -> None:
    shapes = {
        locale: {
            i["name"]: sorted((s["name"], s["type"]) for s in i.get("slots", []))
            for i in _language(locale)["intents"]
        }
        for locale in LOCALES
    }
    assert all(shape == shapes["en-US"] for shape in shapes.values())


@pytest.mark.parametrize("locale", LOCALES)
def test_slot_type_ids_are_the_engines_values(locale: str) -> None:
    """The ids entity resolution sends are exactly the values the engine's events carry."""
    types = {t["name"]: {v["id"] for v in t["values"]} for t in _language(locale)["types"]}
    assert types[AREA_SLOT_TYPE] == set(AREAS)
    assert types[FEELING_SLOT_TYPE] == set(Feeling)
    assert types[CUE_LEVEL_SLOT_TYPE] == set(CueLevel)


@pytest.mark.parametrize("locale", LOCALES)
def test_locales_only_add_to_the_en_us_samples_and_values(locale: str) -> None:
    """Every locale understands what en-US does; a locale may add its own words, never drop one."""
    ours, us = _language(locale), _language("en-US")
    samples = {i["name"]: set(i.get("samples", [])) for i in ours["intents"]}
    for intent in us["intents"]:
        missing = set(intent.get("samples", [])) - samples[intent["name"]]
        assert not missing, (intent["name"], missing)
    phrases = {
        (t["name"], v["id"]): {v["name"]["value"], *v["name"].get("synonyms", [])}
        for t in ours["types"]
        for v in t["values"]
    }
    for slot_type in us["types"]:
        for value in slot_type["values"]:
            said = {value["name"]["value"], *value["name"].get("synonyms", [])}
            assert said <= phrases[(slot_type["name"], value["id"])], (slot_type["name"], value)
