"""The exercise catalog holds the article's content and rejects malformed entries by name."""

from __future__ import annotations

import copy
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from shared.exercise_catalog import (
    EXERCISE_CATALOG_PATH,
    ExerciseCatalogError,
    load_exercise_catalog,
    load_exercise_catalog_file,
    parse_exercise_catalog,
)


def _raw() -> dict[str, Any]:
    return tomllib.loads(EXERCISE_CATALOG_PATH.read_text(encoding="utf-8"))


def test_catalog_has_the_four_stretches_with_sides_where_needed() -> None:
    catalog = load_exercise_catalog()
    per_side = {e.id: e.per_side for e in catalog.exercises}
    assert per_side == {
        "neck_flexion": False,
        "lateral_flexion": True,
        "knee_to_chest": True,
        "back_flexion": False,
    }
    assert "chin toward your chest" in " ".join(catalog.exercise("neck_flexion").instructions)
    assert "ear toward your shoulder" in " ".join(catalog.exercise("lateral_flexion").instructions)
    assert "head forward" in " ".join(catalog.exercise("back_flexion").instructions)
    assert (catalog.hold_advice.min, catalog.hold_advice.max) == (20, 30)
    assert (catalog.repetition_advice.min, catalog.repetition_advice.max) == (5, 10)
    assert "not medical advice" in catalog.notice and "physical therapist" in catalog.notice
    assert "weeks or months" in catalog.encouragement and "may improve" in catalog.encouragement


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["exercise"][1].update(area="elbow"), "exercise #2 (lateral_flexion): area"),
        (lambda d: d["exercise"][0].update(name=""), "exercise #1 (neck_flexion): 'name'"),
        (lambda d: d["exercise"][2].update(instructions=[]), "exercise #3 (knee_to_chest)"),
        (lambda d: d["exercise"][3].update(id="neck_flexion"), "duplicate exercise id"),
        (lambda d: d["exercise"][1]["sides"].reverse(), "sides must be right then left"),
        (lambda d: d["advice"].update(hold_seconds={"min": 30, "max": 20}), "hold_seconds"),
        (lambda d: d.pop("preparation"), "'preparation'"),
        (lambda d: d.pop("advice"), "[advice]"),
        (lambda d: d.update(exercise=[d["exercise"][0]]), "no exercise for area 'lower_back'"),
    ],
)
def test_bad_entries_are_named(mutate: Any, message: str) -> None:
    data = copy.deepcopy(_raw())
    mutate(data)
    with pytest.raises(ExerciseCatalogError, match=re.escape(message)):
        parse_exercise_catalog(data)


def test_a_syntax_error_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "broken.toml"
    bad.write_text("[[exercise]\n", encoding="utf-8")
    with pytest.raises(ExerciseCatalogError, match=r"broken\.toml"):
        load_exercise_catalog_file(bad)
