"""The exercise catalog: the article's stretches and advice, loaded from `exercises.toml`.

Content is data so it can be reviewed (and translated) without touching code; loading validates
every entry and names the bad one: a typo in a stretch must fail at start-up, not mid-routine.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from shared.events import AREAS

EXERCISE_CATALOG_PATH = Path(__file__).with_name("exercises.toml")
EXERCISE_AREAS = tuple(area for area in AREAS if area != "both")
Side = Literal["right", "left"]
SIDE_IDS: tuple[Side, ...] = ("right", "left")


class ExerciseCatalogError(ValueError):
    """The catalog file is malformed; the message names the entry and the problem."""


@dataclass(frozen=True, slots=True)
class SideInfo:
    id: Side
    label: str
    instruction: str


@dataclass(frozen=True, slots=True)
class Exercise:
    id: str
    name: str
    area: str
    position: str
    instructions: tuple[str, ...]
    feel: str
    release: str
    cues: tuple[str, ...]
    sides: tuple[SideInfo, ...]
    deepens: str | None = None  # the stretch this one takes further (same area, same movement)

    @property
    def per_side(self) -> bool:
        return bool(self.sides)


@dataclass(frozen=True, slots=True)
class Tip:
    id: str
    text: str


@dataclass(frozen=True, slots=True)
class Range:
    min: int
    max: int


@dataclass(frozen=True, slots=True)
class ExerciseCatalog:
    exercises: tuple[Exercise, ...]
    preparation: tuple[Tip, ...]
    safety: tuple[Tip, ...]
    hold_advice: Range
    repetition_advice: Range
    whole_back: str
    encouragement: str
    notice: str

    def exercise(self, exercise_id: str) -> Exercise:
        for exercise in self.exercises:
            if exercise.id == exercise_id:
                return exercise
        raise KeyError(exercise_id)

    def for_area(self, area: str) -> tuple[Exercise, ...]:
        """The stretches for an area, in catalog order; "both" means every stretch."""
        return tuple(e for e in self.exercises if area == "both" or e.area == area)


def _text(entry: dict[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ExerciseCatalogError(f"{where}: '{key}' must be non-empty text")
    return value.strip()


def _texts(entry: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = entry.get(key)
    if not isinstance(value, list) or not value:
        raise ExerciseCatalogError(f"{where}: '{key}' must be a non-empty list of text")
    return tuple(_text({key: item}, key, where) for item in value)


def _range(entry: dict[str, Any], key: str, where: str) -> Range:
    value = entry.get(key)
    if not isinstance(value, dict):
        raise ExerciseCatalogError(f"{where}: '{key}' must be a table with min and max")
    low, high = value.get("min"), value.get("max")
    if not (isinstance(low, int) and isinstance(high, int) and 0 < low <= high):
        raise ExerciseCatalogError(f"{where}: '{key}' needs whole numbers 0 < min <= max")
    return Range(low, high)


def _side(entry: dict[str, Any], where: str) -> SideInfo:
    side_id = _text(entry, "id", where)
    if side_id not in SIDE_IDS:
        raise ExerciseCatalogError(f"{where}: side id must be one of {', '.join(SIDE_IDS)}")
    label, instruction = _text(entry, "label", where), _text(entry, "instruction", where)
    return SideInfo(side_id, label, instruction)


def _exercise(entry: dict[str, Any], index: int) -> Exercise:
    where = f"exercise #{index + 1} ({entry.get('id', 'no id')})"
    area = _text(entry, "area", where)
    if area not in EXERCISE_AREAS:
        raise ExerciseCatalogError(f"{where}: area must be one of {', '.join(EXERCISE_AREAS)}")
    sides = tuple(_side(s, f"{where} side") for s in entry.get("sides", ()))
    if sides and [s.id for s in sides] != list(SIDE_IDS):
        raise ExerciseCatalogError(f"{where}: sides must be right then left")
    return Exercise(
        id=_text(entry, "id", where),
        name=_text(entry, "name", where),
        area=area,
        position=_text(entry, "position", where),
        instructions=_texts(entry, "instructions", where),
        feel=_text(entry, "feel", where),
        release=_text(entry, "release", where),
        cues=_texts(entry, "cues", where),
        sides=sides,
        deepens=_text(entry, "deepens", where) if "deepens" in entry else None,
    )


def _tips(data: dict[str, Any], key: str) -> tuple[Tip, ...]:
    entries = data.get(key)
    if not isinstance(entries, list) or not entries:
        raise ExerciseCatalogError(f"'{key}' must list at least one entry")
    return tuple(
        Tip(_text(e, "id", f"{key} #{i + 1}"), _text(e, "text", f"{key} #{i + 1}"))
        for i, e in enumerate(entries)
    )


def parse_exercise_catalog(data: dict[str, Any]) -> ExerciseCatalog:
    """Validate parsed TOML and build the catalog; ExerciseCatalogError names the bad entry."""
    raw_exercises = data.get("exercise")
    if not isinstance(raw_exercises, list) or not raw_exercises:
        raise ExerciseCatalogError("the catalog must define at least one [[exercise]]")
    exercises = tuple(_exercise(e, i) for i, e in enumerate(raw_exercises))
    ids = [e.id for e in exercises]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ExerciseCatalogError(f"duplicate exercise id: {', '.join(duplicates)}")
    for exercise in exercises:
        deepened = next((e for e in exercises if e.id == exercise.deepens), None)
        if exercise.deepens and (deepened is None or deepened.area != exercise.area):
            raise ExerciseCatalogError(
                f"{exercise.id}: 'deepens' must name another stretch of the same area"
            )
    for area in EXERCISE_AREAS:
        if not any(e.area == area for e in exercises):
            raise ExerciseCatalogError(f"no exercise for area '{area}'")
    advice = data.get("advice")
    if not isinstance(advice, dict):
        raise ExerciseCatalogError("the catalog needs an [advice] table")
    return ExerciseCatalog(
        exercises=exercises,
        preparation=_tips(data, "preparation"),
        safety=_tips(data, "safety"),
        hold_advice=_range(advice, "hold_seconds", "advice"),
        repetition_advice=_range(advice, "repetitions", "advice"),
        whole_back=_text(advice, "whole_back", "advice"),
        encouragement=_text(advice, "encouragement", "advice"),
        notice=_text(advice, "notice", "advice"),
    )


def load_exercise_catalog_file(path: Path) -> ExerciseCatalog:
    """Read and validate a catalog file; a syntax error also names the file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ExerciseCatalogError(f"{path.name}: {error}") from error
    return parse_exercise_catalog(data)


@cache
def load_exercise_catalog() -> ExerciseCatalog:
    """The product's catalog, loaded once."""
    return load_exercise_catalog_file(EXERCISE_CATALOG_PATH)
