"""The stretch figures: one per stretch of the catalog, on the canvas; bad data refused by name."""

from __future__ import annotations

import copy
import tomllib
from typing import Any

import pytest

from shared.exercise_catalog import load_exercise_catalog
from shared.illustration import (
    CANVAS,
    ILLUSTRATIONS_PATH,
    IllustrationError,
    load_illustrations,
    parse_illustrations,
)


def _raw() -> dict[str, Any]:
    return tomllib.loads(ILLUSTRATIONS_PATH.read_text(encoding="utf-8"))


def _parse(data: dict[str, Any]) -> Any:
    return parse_illustrations(data, load_exercise_catalog())


def test_every_stretch_has_one_figure_in_catalog_order() -> None:
    figures = load_illustrations()
    assert list(figures) == [e.id for e in load_exercise_catalog().exercises]
    for figure in figures.values():
        points = [p for line in figure.strokes() for p in line] + [figure.head]
        assert all(0 <= x <= CANVAS and 0 <= y <= CANVAS for x, y in points)
        assert figure.alt.endswith(".") and figure.motion is not None


def test_the_figures_show_their_positions() -> None:
    figures = load_illustrations()
    standing = figures["neck_flexion"]
    lying = figures["knee_to_chest"]
    # standing: the head is above the hips; lying: the head is as low as the hips, by the floor
    assert standing.head[1] < 30 and lying.head[1] > 60
    assert lying.floor is not None and lying.head[1] + lying.head_radius <= lying.floor + 1
    # chin to chest: the head is forward of the spine; ear to shoulder: off to one side
    assert standing.head[0] > standing.limbs[0][-1][0]
    assert figures["lateral_flexion"].head[0] < CANVAS / 2


def test_the_left_side_is_the_mirror_image_where_asked() -> None:
    tilt = load_illustrations()["lateral_flexion"]
    left = tilt.for_side("left")
    assert left.head == (CANVAS - tilt.head[0], tilt.head[1])
    assert tilt.for_side("right") is tilt
    knee = load_illustrations()["knee_to_chest"]
    assert knee.for_side("left") is knee  # seen from the side, both legs look the same


def test_the_motion_arrow_ends_where_it_points() -> None:
    figure = load_illustrations()["neck_flexion"]
    assert figure.motion is not None
    curve, *heads = figure.motion_lines()
    assert curve[0] == figure.motion.start and curve[-1] == figure.motion.end
    assert len(heads) == 2 and all(head[-1] == figure.motion.end for head in heads)


def _broken(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(_raw())
    change(data["figure"])
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.pop(), "no figure for back_flexion"),
        (lambda f: f.append(copy.deepcopy(f[0])), "two figures for 'neck_flexion'"),
        (lambda f: f[0].update(exercise="toe_touch"), "for no stretch of the catalog: toe_touch"),
        (lambda f: f[0]["joints"].update(hip=[50, 120]), "joint 'hip': [50, 120] is outside"),
        (lambda f: f[0]["joints"].update(hip=[50]), "joint 'hip': a point must be [x, y]"),
        (lambda f: f[0]["limbs"].append(["neck", "elbw"]), "no joint named elbw"),
        (lambda f: f[0]["limbs"].append(["neck"]), "at least two joints"),
        (lambda f: f[0]["joints"].update(spare=[1, 1]), "joint spare is in no limb"),
        (lambda f: f[0].update(head={"at": [50, 20], "r": 40}), "radius must be from 3 to 20"),
        (lambda f: f[0].update(colour="red"), "unknown key colour"),
        (lambda f: f[0].update(alt=" "), "'alt' must be non-empty text"),
        (lambda f: f[0].update(motion={"from": [1, 1], "to": [2, 2]}), "'motion' must be"),
        (lambda f: f[0].update(floor=101), "'floor' must be a y from 0 to 100"),
        (lambda f: f[0].update(mirror_left="yes"), "'mirror_left' must be true or false"),
    ],
)
def test_bad_figures_are_refused_by_name(change: Any, message: str) -> None:
    with pytest.raises(IllustrationError) as error:
        _parse(_broken(change))
    assert message in str(error.value)
    assert "figure" in str(error.value)  # it names the figure, or the figure missing


def test_a_file_that_is_not_toml_names_itself(tmp_path: Any) -> None:
    from shared.illustration import load_illustrations_file

    path = tmp_path / "illustrations.toml"
    path.write_text("[[figure]\n", encoding="utf-8")
    with pytest.raises(IllustrationError, match=r"^illustrations.toml: "):
        load_illustrations_file(path, load_exercise_catalog())
